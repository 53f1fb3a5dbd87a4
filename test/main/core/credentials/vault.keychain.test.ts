import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVault, type CredentialVault } from '../../../../src/main/core/credentials';
import { openSettings } from '../../../../src/main/core/settings';

const run = promisify(execFile);

// These tests need a real Secret Service: run them with `scripts/with-keyring.sh npx vitest run`.
const underWrapper = process.env.PEREGRINE_KEYRING === 'gnome-keyring';
if (!underWrapper) {
  console.log(
    process.env.PEREGRINE_KEYRING === 'unavailable'
      ? 'skipping OS keychain tests: dbus-run-session / gnome-keyring-daemon are not installed (memory fallback only)'
      : 'skipping OS keychain tests: not run under scripts/with-keyring.sh (no private Secret Service)',
  );
}

function captureLogger(): { logger: pino.Logger; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), text: () => lines.join('') };
}

async function secretToolLookup(service: string, account: string): Promise<string | null> {
  try {
    const { stdout } = await run('secret-tool', ['lookup', 'service', service, 'username', account]);
    return stdout;
  } catch {
    return null; // secret-tool exits 1 when nothing matches
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

describe.runIf(underWrapper)('credential vault on the OS keychain (gnome-keyring)', () => {
  // A service name of its own per run, so runs never see each other's entries.
  const service = `Peregrine-test-${randomUUID()}`;
  const NS = 'ns-a';
  const ORIGINS = ['wss://demo.tradovateapi.com'];
  const log = captureLogger();
  let vault: CredentialVault;
  const seenSecrets: string[] = [];

  beforeAll(async () => {
    vault = await openVault({
      service,
      namespace: NS,
      logger: log.logger,
      onSecret: (secret) => seenSecrets.push(secret),
    });
  });

  afterAll(async () => {
    for (const key of ['apiKey', 'apiSecret', 'session']) await vault.delete('tradovate-demo', key);
  });

  it('uses the keychain, and leaves no probe entry behind', async () => {
    expect(vault.backend).toBe('keychain');
    expect(vault.reason).toBeUndefined();
    const { stdout } = await run('secret-tool', ['search', '--all', 'service', service]).catch(() => ({
      stdout: '',
    }));
    expect(stdout).not.toContain('__peregrine-probe__');
  });

  it('stores, reports, reads back, overwrites and deletes a secret', async () => {
    expect(await vault.has('tradovate-demo', 'apiKey')).toBe(false);
    expect(await vault.get('tradovate-demo', 'apiKey', ORIGINS)).toBeNull();

    await vault.set('tradovate-demo', 'apiKey', 'first-Ключ-🔑', ORIGINS);
    expect(await vault.has('tradovate-demo', 'apiKey')).toBe(true);
    expect(await vault.get('tradovate-demo', 'apiKey', ORIGINS)).toBe('first-Ключ-🔑');

    await vault.set('tradovate-demo', 'apiKey', 'second-value', ORIGINS);
    expect(await vault.get('tradovate-demo', 'apiKey', ORIGINS)).toBe('second-value');
    // Every secret stored or read is offered to the log scrubber.
    expect(seenSecrets).toContain('first-Ключ-🔑');
    expect(seenSecrets).toContain('second-value');
    // Secrets of one connection are separate entries.
    expect(await vault.has('tradovate-demo', 'apiSecret')).toBe(false);

    expect(await vault.delete('tradovate-demo', 'apiKey')).toBe(true);
    expect(await vault.has('tradovate-demo', 'apiKey')).toBe(false);
    expect(await vault.delete('tradovate-demo', 'apiKey')).toBe(false);
  });

  it('puts the secret in the Secret Service, where secret-tool finds it with its origins', async () => {
    const secret = `sess-${randomUUID()}`;
    await vault.set('tradovate-demo', 'session', secret, ORIGINS);
    const stored = await secretToolLookup(service, `${NS}/tradovate-demo/session`);
    expect(JSON.parse(stored ?? 'null')).toEqual({ v: 1, origins: ORIGINS, secret });
    await vault.delete('tradovate-demo', 'session');
    expect(await secretToolLookup(service, `${NS}/tradovate-demo/session`)).toBeNull();
  });

  it('keeps the secret out of every file under the data dir, out of the log and out of the keyring files in clear', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-data-'));
    try {
      const secret = `apiSecret-${randomUUID()}`;
      const settings = openSettings({ dataDir, logger: log.logger });
      settings.update((draft) => {
        draft.connections.push({
          id: 'tradovate-demo',
          kind: 'tradovate',
          label: 'Tradovate demo',
          mode: 'demo',
          enabled: true,
          urls: {},
          options: { accountSpec: 'DEMO123' },
          secrets: { apiSecret: { stored: true } },
        });
        return undefined;
      });
      await vault.set('tradovate-demo', 'apiSecret', secret, ORIGINS);
      expect(await secretToolLookup(service, `${NS}/tradovate-demo/apiSecret`)).toContain(secret);

      const files = filesUnder(dataDir);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(readFileSync(file).includes(secret)).toBe(false);
      expect(readFileSync(settings.path, 'utf8')).toContain('"stored": true');

      const keyringDir = process.env.PEREGRINE_KEYRING_DIR;
      if (keyringDir !== undefined) {
        for (const file of filesUnder(keyringDir)) expect(readFileSync(file).includes(secret)).toBe(false);
      }

      expect(log.text()).toContain('tradovate-demo');
      expect(log.text()).not.toContain(secret);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses names that would make two secrets share one entry', async () => {
    await expect(vault.set('a/b', 'c', 'x', [])).rejects.toThrow(/no "\/"/);
    await expect(vault.has('a', 'b/c')).rejects.toThrow(/no "\/"/);
    await expect(vault.get('', 'k', [])).rejects.toThrow(/connection id/);
  });
});
