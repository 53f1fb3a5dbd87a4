/**
 * The fills file's durability: every append reaches the disk (fsync) before it returns, an append
 * after a torn one starts on its own line, and the rewrite that drops corrupt lines syncs its temp
 * file before the rename and the directory after. fsync is the real one, only counted.
 */
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FillsFile, type RecordedFill } from '../../../../src/main/core/journal/record';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  return { ...real, fsyncSync: vi.fn(real.fsyncSync), renameSync: vi.fn(real.renameSync) };
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.mocked(fs.fsyncSync).mockClear();
  vi.mocked(fs.renameSync).mockClear();
});

function file(): { path: string; f: FillsFile } {
  const d = mkdtempSync(join(tmpdir(), 'peregrine-fills-'));
  dirs.push(d);
  const path = join(d, 'trades', 'fills.jsonl');
  return { path, f: new FillsFile(path) };
}

function rec(id: string): RecordedFill {
  return {
    v: 1,
    fill: {
      id,
      orderId: `o-${id}`,
      connectionId: 'paper',
      accountId: 'P1',
      symbol: 'ES',
      side: 'buy',
      qty: 1,
      price: 5000,
      commission: 0,
      ts: 1,
    },
    tickSize: 0.25,
    multiplier: 50,
    currency: 'USD',
    recordedAt: 1,
  };
}

describe('FillsFile durability', () => {
  it('fsyncs each append before it returns', () => {
    const { f } = file();
    expect(f.append(rec('a'))).toBe(true);
    expect(fs.fsyncSync).toHaveBeenCalledTimes(1);
    f.append(rec('b'));
    expect(fs.fsyncSync).toHaveBeenCalledTimes(2);
  });

  it('starts an append after a torn one on a new line, so only the torn line is lost', () => {
    const { path, f } = file();
    f.append(rec('a'));
    // A full disk cut the next line short.
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"v":1,"fill":{"id":"to`);
    f.append(rec('b'));
    const loaded = new FillsFile(path).load();
    expect(loaded.fills.map((r) => r.fill.id)).toEqual(['a', 'b']);
    expect(loaded.problems).toHaveLength(1);
  });

  it('syncs the rewritten file before the rename and the directory after it', () => {
    const { path, f } = file();
    f.append(rec('a'));
    writeFileSync(path, `${readFileSync(path, 'utf8')}garbage\n`);
    vi.mocked(fs.fsyncSync).mockClear();
    const fsync = vi.mocked(fs.fsyncSync);
    const loaded = new FillsFile(path).load();
    expect(loaded.fills).toHaveLength(1);
    const rename = vi.mocked(fs.renameSync).mock.invocationCallOrder[0] ?? 0;
    const [, tmp, dir] = fsync.mock.invocationCallOrder;
    // The corrupt line's file, then the temp file, the rename, the directory.
    expect(fsync.mock.calls).toHaveLength(3);
    expect(tmp).toBeLessThan(rename);
    expect(dir).toBeGreaterThan(rename);
  });
});
