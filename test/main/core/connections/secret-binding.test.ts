/**
 * A stored secret goes only to the origins it was saved for, on every path that builds a
 * connection: a settings file edited by hand, a profile's `{"keychain": true}`, an entry in
 * `PEREGRINE_CONNECTIONS`. A refusal is the connection's problem (stopped, with the reason), never
 * a silent send. Real parts: the vault (the Secret Service under scripts/with-keyring.sh), a
 * settings file, the engine, the portfolio-stream simulator and a recording gateway on loopback.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PortfolioStreamSim } from '../../../../sim/portfolio-stream/server';
import { UnavailableConnection, openConnections } from '../../../../src/main/core/connections';
import { openVault, type CredentialVault } from '../../../../src/main/core/credentials';
import { Engine } from '../../../../src/main/core/engine';
import { silentLogger } from '../../../../src/main/core/log';
import { managerSession, recordingGateway, type RecordingGateway } from './support';

const SECRET = `S3cr3t-binding-${randomUUID()}`;
let vault: CredentialVault;
let dir: string;
let sim: PortfolioStreamSim;
let gatewayUrl: string;
let other: RecordingGateway;
const engines: Engine[] = [];

beforeAll(async () => {
  vault = await openVault({
    logger: silentLogger(),
    service: 'Peregrine-test-binding',
    namespace: randomUUID(),
  });
  if (process.env.PEREGRINE_KEYRING === 'gnome-keyring') expect(vault.backend).toBe('keychain');
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'peregrine-binding-'));
  sim = new PortfolioStreamSim({ sessions: { [SECRET]: 'user-binding' }, batchIntervalMs: 100 });
  gatewayUrl = (await sim.start()).url;
  other = await recordingGateway();
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  await sim.stop();
  await other.close();
  await vault.delete('gw', 'sessionCookie').catch(() => false);
  rmSync(dir, { recursive: true, force: true });
});

const form = {
  id: 'gw',
  kind: 'portfolio-stream',
  label: 'Gateway',
  mode: 'paper',
  fields: () => ({ url: gatewayUrl }),
};

/** Saves "gw" through the manager (secret typed in the form), then stops that session. */
async function saveGateway(): Promise<void> {
  const { engine, manager } = await managerSession(dir, vault);
  engines.push(engine);
  const saved = await manager.dispatch('term:connections.save', {
    ...form,
    fields: form.fields(),
    secrets: { sessionCookie: SECRET },
  });
  expect(saved).toMatchObject({ ok: true });
  expect(await vault.origins('gw', 'sessionCookie')).toEqual([new URL(gatewayUrl).origin]);
  await engine.stop();
}

function writeProfile(entry: Record<string, unknown>): string {
  const file = join(dir, 'profile.json');
  writeFileSync(file, JSON.stringify({ connections: [entry] }));
  return file;
}

const refusal = (to: string) =>
  new RegExp(
    `saved for ${new URL(gatewayUrl).origin.replace(/\./g, '\\.')}; it is not sent to ${to.replace(/\./g, '\\.')}`,
  );

describe('a stored secret is bound to its origins', () => {
  it('a settings file edited by hand to another address: stopped with the reason, nothing sent', async () => {
    await saveGateway();
    const path = join(dir, 'settings.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace(gatewayUrl, other.url));

    const { engine, manager } = await managerSession(dir, vault);
    engines.push(engine);
    const c = engine.connection('gw');
    expect(c).toBeInstanceOf(UnavailableConnection);
    expect(c?.health()).toMatchObject({
      state: 'stopped',
      lastError: expect.stringMatching(refusal(other.origin)),
    });
    const listed = (await manager.list()).connections.find((e) => e.id === 'gw');
    expect(listed).toMatchObject({ running: false, problem: expect.stringMatching(refusal(other.origin)) });
    expect(other.offered).toEqual([]);

    // Put back, the same secret works again: the binding refused, it did not forget.
    writeFileSync(path, readFileSync(path, 'utf8').replace(other.url, gatewayUrl));
    const again = await managerSession(dir, vault);
    engines.push(again.engine);
    await vi.waitFor(() => expect(again.engine.connection('gw')?.health().state).toBe('live'), {
      timeout: 10_000,
    });
  });

  it('a profile with {"keychain": true} under a saved id and another URL may not read it, and says so', async () => {
    await saveGateway();
    const profileFile = writeProfile({
      kind: 'portfolio-stream',
      id: 'gw',
      mode: 'paper',
      url: other.url,
      secrets: { sessionCookie: { keychain: true } },
    });
    const opened = await openConnections({
      dataDir: dir,
      logger: silentLogger(),
      vault,
      profileFile,
      env: {},
    });
    const engine = Engine.create({ logger: silentLogger(), paper: true, seed: 1 });
    engines.push(engine);
    await engine.start();
    const manager = opened.manager(engine);
    await manager.start();
    const c = engine.connection('gw');
    expect(c).toBeInstanceOf(UnavailableConnection);
    expect(c?.health().lastError).toMatch(/profile\.json may not use it/);
    expect(c?.health().lastError).toMatch(refusal(other.origin));
    expect(other.offered).toEqual([]);
  });

  it('the same profile pointing at the address the secret was saved for goes live', async () => {
    await saveGateway();
    const profileFile = writeProfile({
      kind: 'portfolio-stream',
      id: 'gw',
      mode: 'paper',
      url: gatewayUrl,
      secrets: { sessionCookie: { keychain: true } },
    });
    const opened = await openConnections({
      dataDir: dir,
      logger: silentLogger(),
      vault,
      profileFile,
      env: {},
    });
    const engine = Engine.create({ logger: silentLogger(), paper: true, seed: 1 });
    engines.push(engine);
    await engine.start();
    await opened.manager(engine).start();
    await vi.waitFor(() => expect(engine.connection('gw')?.health().state).toBe('live'), { timeout: 10_000 });
  });

  it('PEREGRINE_CONNECTIONS with {"keychain": true} and another URL gets nothing either', async () => {
    await saveGateway();
    const env = {
      PEREGRINE_CONNECTIONS: JSON.stringify([
        {
          kind: 'portfolio-stream',
          id: 'gw',
          mode: 'paper',
          url: other.url,
          secrets: { sessionCookie: { keychain: true } },
        },
      ]),
    };
    const opened = await openConnections({ dataDir: dir, logger: silentLogger(), vault, env });
    const engine = Engine.create({ logger: silentLogger(), paper: true, seed: 1 });
    engines.push(engine);
    await engine.start();
    await opened.manager(engine).start();
    expect(engine.connection('gw')).toBeInstanceOf(UnavailableConnection);
    expect(engine.connection('gw')?.health().lastError).toMatch(/PEREGRINE_CONNECTIONS may not use it/);
    expect(other.offered).toEqual([]);
  });
});
