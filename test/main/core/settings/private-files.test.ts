/**
 * Local hardening: the data directory is 0700 (narrowed when an older build made it 0755), the
 * settings and log files 0600, and the log is rotated and capped.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConnections } from '../../../../src/main/core/connections';
import { memoryVault } from '../../../../src/main/core/credentials';
import { createLogger, silentLogger } from '../../../../src/main/core/log';
import { openSettings } from '../../../../src/main/core/settings';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pg-private-'));
  dirs.push(dir);
  return dir;
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('private files', () => {
  it('data directory 0700 and settings 0600, also when an older build left them open', async () => {
    const root = scratch();
    const fresh = join(root, 'fresh', 'data');
    const settings = openSettings({ dataDir: fresh, logger: silentLogger() });
    settings.update((d) => d);
    expect(mode(fresh)).toBe(0o700);
    expect(mode(settings.path)).toBe(0o600);

    const old = join(root, 'old');
    mkdirSync(old, { mode: 0o755 });
    chmodSync(old, 0o755);
    writeFileSync(join(old, 'settings.json'), '{"schemaVersion":3,"connections":[]}', { mode: 0o644 });
    chmodSync(join(old, 'settings.json'), 0o644);
    const opened = await openConnections({
      dataDir: old,
      logger: silentLogger(),
      vault: memoryVault(silentLogger(), 'test'),
      env: {},
    });
    expect(mode(old)).toBe(0o700);
    expect(mode(opened.settings.path)).toBe(0o600);
  });

  it('log files 0600 in a 0700 directory, rotated at the cap with a bounded number kept', async () => {
    const dir = join(scratch(), 'logs');
    const file = join(dir, 'main.log');
    const log = createLogger({ name: 'test', file, maxFileBytes: 4_096, keepFiles: 2 });
    for (let i = 0; i < 200; i++) log.info({ i, filler: 'x'.repeat(100) }, 'line');
    await new Promise<void>((resolve, reject) => log.flush((err) => (err ? reject(err) : resolve())));
    expect(mode(dir)).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual(['main.log', 'main.log.1', 'main.log.2']);
    for (const name of readdirSync(dir)) {
      expect(mode(join(dir, name)), name).toBe(0o600);
      expect(statSync(join(dir, name)).size, name).toBeLessThanOrEqual(4_096);
    }
  });

  it('narrows a log file an older build created 0644', () => {
    const dir = scratch();
    const file = join(dir, 'web-host.log');
    writeFileSync(file, '', { mode: 0o644 });
    chmodSync(file, 0o644);
    createLogger({ name: 'test', file }).info('hello');
    expect(mode(file)).toBe(0o600);
  });
});
