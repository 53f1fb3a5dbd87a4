import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE } from '../../../src/main/host/dataDirLock';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'peregrine-lock-'));

describe('one host per data directory', () => {
  it('refuses a second holder and names the first one’s pid', () => {
    const dir = fresh();
    const first = acquireDataDirLock(dir, { host: 'web', pid: 4242, isRunning: () => true });
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(() => acquireDataDirLock(dir, { host: 'web', isRunning: () => true })).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dir, { host: 'web', isRunning: () => true })).toThrow(/pid 4242/);
    first.release();
    acquireDataDirLock(dir, { host: 'web' }).release();
  });

  it('takes over a lock whose process is gone', () => {
    const dir = fresh();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 999_999, host: 'web' }));
    const lock = acquireDataDirLock(dir, { host: 'web', isRunning: (pid) => pid !== 999_999 });
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, host: 'web' });
    lock.release();
  });

  it('takes over a lock file left half-written by a crash', () => {
    const dir = fresh();
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    acquireDataDirLock(dir, { host: 'web' }).release();
  });

  it('never releases a lock that someone else has taken over since', () => {
    const dir = fresh();
    const stale = acquireDataDirLock(dir, { host: 'web', pid: 1111 });
    const current = acquireDataDirLock(dir, { host: 'web', isRunning: (pid) => pid !== 1111 });
    stale.release();
    expect(() => acquireDataDirLock(dir, { host: 'web', isRunning: () => true })).toThrow(DataDirLockedError);
    current.release();
  });
});
