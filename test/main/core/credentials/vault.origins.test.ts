/**
 * The vault binds each secret to the origins it was saved for and to this installation:
 * - `get` for another origin is refused (SecretOriginError) and logged, on both backends;
 * - two data directories have two namespaces: neither reads nor overwrites the other's entries;
 * - entries stored before namespacing are moved into the first installation that starts with the
 *   saved connection they belong to, bound to its addresses, and the old entry is deleted;
 * - secrets are capped at 16 kB.
 * Keychain cases need the private Secret Service: `scripts/with-keyring.sh npx vitest run`.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { AsyncEntry } from '@napi-rs/keyring';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PortfolioStreamSim } from '../../../../sim/portfolio-stream/server';
import { ConnectionManager } from '../../../../src/main/core/connections';
import {
  SecretOriginError,
  installationId,
  memoryVault,
  openVault,
  type CredentialVault,
} from '../../../../src/main/core/credentials';
import { Engine } from '../../../../src/main/core/engine';
import { silentLogger } from '../../../../src/main/core/log';
import { openSettings } from '../../../../src/main/core/settings';

const run = promisify(execFile);
const underWrapper = process.env.PEREGRINE_KEYRING === 'gnome-keyring';
const A = ['wss://gw.example.net'];
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function captureLogger(): { logger: pino.Logger; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), text: () => lines.join('') };
}

async function lookup(service: string, account: string): Promise<string | null> {
  try {
    return (await run('secret-tool', ['lookup', 'service', service, 'username', account])).stdout;
  } catch {
    return null;
  }
}

async function bothBackends(
  service: string,
  namespace: string,
  logger: pino.Logger,
): Promise<CredentialVault[]> {
  const vaults = [memoryVault(logger, 'test')];
  if (underWrapper) vaults.push(await openVault({ service, namespace, logger }));
  return vaults;
}

describe('origin binding', () => {
  it('hands a secret out only for the origins it was saved for, and logs a refusal', async () => {
    const service = `Peregrine-test-${randomUUID()}`;
    const log = captureLogger();
    for (const vault of await bothBackends(service, 'ns', log.logger)) {
      await vault.set('gw', 'token', 'tok-value', [...A, 'https://gw.example.net']);
      cleanups.push(() => vault.delete('gw', 'token'));
      expect(await vault.origins('gw', 'token')).toEqual(['https://gw.example.net', 'wss://gw.example.net']);
      expect(await vault.get('gw', 'token', A)).toBe('tok-value');
      expect(await vault.get('gw', 'token', [])).toBe('tok-value');
      const refused = await vault.get('gw', 'token', [...A, 'wss://evil.example']).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SecretOriginError);
      expect((refused as SecretOriginError).refused).toEqual(['wss://evil.example']);
      expect((refused as Error).message).not.toContain('tok-value');
    }
    expect(log.text()).toContain('credential refused: it was not saved for this address');
    expect(log.text()).not.toContain('tok-value');
  });

  it('caps secrets at 16 kB', async () => {
    const vault = memoryVault(silentLogger(), 'test');
    await expect(vault.set('gw', 'token', 'x'.repeat(16_385), A)).rejects.toThrow(/at most 16384/);
    await expect(vault.set('gw', 'token', '', A)).rejects.toThrow(/empty/);
    await vault.set('gw', 'token', 'x'.repeat(16_384), A);
  });
});

describe('installations', () => {
  it('get one id per data directory, kept in a private file', () => {
    const one = mkdtempSync(join(tmpdir(), 'peregrine-inst-'));
    const two = mkdtempSync(join(tmpdir(), 'peregrine-inst-'));
    cleanups.push(() => rmSync(one, { recursive: true, force: true }));
    cleanups.push(() => rmSync(two, { recursive: true, force: true }));
    const id = installationId(one);
    expect(installationId(one)).toBe(id);
    expect(installationId(two)).not.toBe(id);
    expect(statSync(join(one, 'installation-id')).mode & 0o777).toBe(0o600);
  });

  it.runIf(underWrapper)('never read or overwrite each other’s keychain entries', async () => {
    const service = `Peregrine-test-${randomUUID()}`;
    const first = await openVault({ service, namespace: 'inst-one', logger: silentLogger() });
    const second = await openVault({ service, namespace: 'inst-two', logger: silentLogger() });
    cleanups.push(() => first.delete('gw', 'token'));
    cleanups.push(() => second.delete('gw', 'token'));
    await first.set('gw', 'token', 'first-secret', A);
    expect(await second.has('gw', 'token')).toBe(false);
    expect(await second.get('gw', 'token', A)).toBeNull();
    await second.set('gw', 'token', 'second-secret', A);
    expect(await first.get('gw', 'token', A)).toBe('first-secret');
    expect(await second.get('gw', 'token', A)).toBe('second-secret');
  });

  it.runIf(underWrapper)(
    'adopt an entry stored before namespacing into the first installation that starts with it',
    async () => {
      const service = `Peregrine-test-${randomUUID()}`;
      const secret = `legacy-${randomUUID()}`;
      const sim = new PortfolioStreamSim({ sessions: { [secret]: 'user-legacy' }, batchIntervalMs: 100 });
      const { url } = await sim.start();
      cleanups.push(() => sim.stop());
      // What an older build left: account `id/key`, the bare secret, no origins.
      const legacy = new AsyncEntry(service, 'gw/sessionCookie', { linux: { store: 'secret-service' } });
      await legacy.setPassword(secret);
      const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-legacy-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const settings = openSettings({ dataDir, logger: silentLogger() });
      settings.update((draft) => {
        draft.connections.push({
          id: 'gw',
          kind: 'portfolio-stream',
          label: 'Gateway',
          mode: 'paper',
          enabled: true,
          url,
          urls: {},
          options: {},
          secrets: { sessionCookie: { stored: true } },
        });
        return draft;
      });
      const vault = await openVault({ service, namespace: installationId(dataDir), logger: silentLogger() });
      cleanups.push(() => vault.delete('gw', 'sessionCookie'));
      const engine = Engine.create({ logger: silentLogger(), paper: true, seed: 1 });
      cleanups.push(() => engine.stop());
      await engine.start();
      await new ConnectionManager({ engine, settings, vault, logger: silentLogger() }).start();
      await vi.waitFor(() => expect(engine.connection('gw')?.health().state).toBe('live'), {
        timeout: 10_000,
      });
      expect(await vault.origins('gw', 'sessionCookie')).toEqual([new URL(url).origin]);
      expect(await lookup(service, 'gw/sessionCookie')).toBeNull();
      // A second installation finds nothing left to take.
      const other = await openVault({ service, namespace: 'another-install', logger: silentLogger() });
      expect(await other.adoptLegacy('gw', 'sessionCookie', [new URL(url).origin])).toBe(false);
      expect(await other.has('gw', 'sessionCookie')).toBe(false);
    },
  );
});
