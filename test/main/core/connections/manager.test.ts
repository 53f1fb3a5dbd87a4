/**
 * The ConnectionManager against real parts: a settings file in a temp dir, the credential vault
 * (the real Secret Service under scripts/with-keyring.sh, memory otherwise), a real Engine, and
 * the portfolio-stream simulator on loopback.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { PortfolioStreamSim } from '../../../../sim/portfolio-stream/server';
import { ConnectionManager, UnavailableConnection } from '../../../../src/main/core/connections';
import { openVault, type CredentialVault } from '../../../../src/main/core/credentials';
import { Engine } from '../../../../src/main/core/engine';
import { silentLogger } from '../../../../src/main/core/log';
import type { Result } from '../../../../src/shared/contract';
import { ES } from '../fixtures';
import { ScriptedBroker } from '../../../support/broker';
import { openSettings } from '../../../../src/main/core/settings';

const SECRET = `S3cr3t-manager-${Math.random().toString(36).slice(2)}`;
const USER = 'user-manager';

let vault: CredentialVault;
let dir: string;
let sim: PortfolioStreamSim;
let gatewayUrl: string;
const engines: Engine[] = [];

beforeAll(async () => {
  vault = await openVault({ logger: silentLogger(), service: 'Peregrine-test-connections' });
  if (process.env.PEREGRINE_KEYRING === 'gnome-keyring') expect(vault.backend).toBe('keychain');
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'peregrine-manager-'));
  sim = new PortfolioStreamSim({ sessions: { [SECRET]: USER }, batchIntervalMs: 100 });
  gatewayUrl = (await sim.start()).url;
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  await sim.stop();
  await vault.delete('gw', 'sessionCookie').catch(() => false);
  rmSync(dir, { recursive: true, force: true });
});

async function session(): Promise<{ engine: Engine; manager: ConnectionManager }> {
  const logger = silentLogger();
  const engine = Engine.create({ logger, paper: true, seed: 1 });
  engines.push(engine);
  const settings = openSettings({ dataDir: dir, logger });
  const manager = new ConnectionManager({ engine, settings, vault, logger });
  await engine.start();
  await manager.start();
  return { engine, manager };
}

const form = (over: Record<string, unknown> = {}) => ({
  id: 'gw',
  kind: 'portfolio-stream',
  label: 'Gateway',
  mode: 'paper',
  fields: { url: gatewayUrl },
  secrets: { sessionCookie: SECRET },
  ...over,
});

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

async function waitLive(engine: Engine, id: string): Promise<void> {
  await vi.waitFor(() => expect(engine.connection(id)?.health().state).toBe('live'), { timeout: 10_000 });
}

describe('ConnectionManager', () => {
  it('saves a connection: secret in the vault only, settings without it, engine connection live', async () => {
    const { engine, manager } = await session();
    const saved = await manager.dispatch('term:connections.save', form());
    expect(JSON.stringify(saved)).not.toContain(SECRET);
    expect(saved).toMatchObject({
      ok: true,
      value: { id: 'gw', secrets: [{ name: 'sessionCookie', stored: true }] },
    });
    await waitLive(engine, 'gw');
    expect(await vault.get('gw', 'sessionCookie', [new URL(gatewayUrl).origin])).toBe(SECRET);
    for (const file of filesUnder(dir)) expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    const onDisk = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { connections: unknown[] };
    expect(onDisk.connections).toContainEqual(
      expect.objectContaining({ id: 'gw', url: gatewayUrl, secrets: { sessionCookie: { stored: true } } }),
    );
    const listing = await manager.dispatch('term:connections.list', {});
    expect(JSON.stringify(listing)).not.toContain(SECRET);
    expect(
      await manager.dispatch('term:credentials.has', { connectionId: 'gw', key: 'sessionCookie' }),
    ).toEqual({
      ok: true,
      value: { stored: true, backend: vault.backend },
    });
  });

  it('brings saved connections back after a restart, secrets read from the vault', async () => {
    const first = await session();
    await first.manager.dispatch('term:connections.save', form());
    await waitLive(first.engine, 'gw');
    await first.engine.stop();
    const second = await session();
    await waitLive(second.engine, 'gw');
  });

  it('tests a config without saving: success, and the gateway’s own 1008 reason on a bad secret', async () => {
    const { engine, manager } = await session();
    expect(await manager.dispatch('term:connections.test', form())).toMatchObject({
      ok: true,
      value: { success: true, state: 'live' },
    });
    const bad = await manager.dispatch(
      'term:connections.test',
      form({ secrets: { sessionCookie: 'wrong-cookie' } }),
    );
    expect(bad).toMatchObject({ ok: true, value: { success: false, message: 'Authentication required' } });
    expect(engine.connection('gw')).toBeUndefined();
    expect(await vault.has('gw', 'sessionCookie')).toBe(false);
  });

  it('disables, re-enables and removes: engine and settings follow, the secret is deleted', async () => {
    const { engine, manager } = await session();
    await manager.dispatch('term:connections.save', form());
    await waitLive(engine, 'gw');
    expect(await manager.dispatch('term:connections.setEnabled', { id: 'gw', enabled: false })).toMatchObject(
      {
        ok: true,
        value: { enabled: false, running: false },
      },
    );
    expect(engine.connection('gw')).toBeUndefined();
    await manager.dispatch('term:connections.setEnabled', { id: 'gw', enabled: true });
    await waitLive(engine, 'gw');
    expect(await manager.dispatch('term:connections.remove', { id: 'gw' })).toEqual({ ok: true, value: {} });
    expect(engine.connection('gw')).toBeUndefined();
    expect(await vault.has('gw', 'sessionCookie')).toBe(false);
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toContain('"gw"');
  });

  it('edits keep a stored secret that is not retyped', async () => {
    const { engine, manager } = await session();
    await manager.dispatch('term:connections.save', form());
    await waitLive(engine, 'gw');
    const edited = await manager.dispatch(
      'term:connections.save',
      form({ originalId: 'gw', label: 'Renamed gateway', secrets: {} }),
    );
    expect(edited).toMatchObject({ ok: true, value: { label: 'Renamed gateway' } });
    await waitLive(engine, 'gw');
    expect(engine.connection('gw')?.label).toBe('Renamed gateway');
  });

  it('refuses what it cannot honour: unavailable kinds, built-in paper, a missing secret, bad fields', async () => {
    const { manager } = await session();
    expect(await manager.dispatch('term:connections.save', form({ kind: 'alpaca' }))).toMatchObject({
      ok: false,
      error: { code: 'kind_unavailable' },
    });
    expect(await manager.dispatch('term:connections.remove', { id: 'paper' })).toMatchObject({
      ok: false,
      error: { code: 'built_in' },
    });
    expect(await manager.dispatch('term:connections.save', form({ secrets: {} }))).toMatchObject({
      ok: false,
      error: { code: 'missing_secret' },
    });
    expect(
      await manager.dispatch('term:connections.save', form({ fields: { url: 'http://x' } })),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_config', message: expect.stringContaining('Gateway URL') },
    });
  });

  it('shows an enabled connection whose secret is gone as stopped with the reason', async () => {
    const first = await session();
    await first.manager.dispatch('term:connections.save', form());
    await first.engine.stop();
    await vault.delete('gw', 'sessionCookie');
    const { engine, manager } = await session();
    const c = engine.connection('gw');
    expect(c).toBeInstanceOf(UnavailableConnection);
    expect(c?.health()).toMatchObject({
      state: 'stopped',
      lastError: expect.stringContaining('Session cookie is not stored'),
    });
    const listing = (await manager.list()).connections.find((e) => e.id === 'gw');
    expect(listing).toMatchObject({ running: false, secrets: [{ name: 'sessionCookie', stored: false }] });
  });

  it('never sends a stored secret to another origin: test and save ask for it again', async () => {
    // Another gateway on loopback that records every cookie it is offered.
    const offered: string[] = [];
    const other = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    other.on('connection', (_ws, req) => offered.push(req.headers.cookie ?? ''));
    await new Promise<void>((r) => other.once('listening', () => r()));
    const address = other.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    const otherUrl = `ws://127.0.0.1:${address.port}/ws/portfolio`;
    let stopGateway = async (): Promise<void> => undefined;
    try {
      const { engine, manager } = await session();
      stopGateway = async () => {
        await manager.dispatch('term:connections.remove', { id: 'gw' });
      };
      await manager.dispatch('term:connections.save', form());
      await waitLive(engine, 'gw');
      const secretRequired = {
        ok: false,
        error: {
          code: 'secret_required',
          message: 'The URL changed: enter the session cookie again so it is only sent to the new gateway.',
          fields: {
            'secrets.sessionCookie':
              'The URL changed: enter the session cookie again so it is only sent to the new gateway.',
          },
        },
      };
      // The test channel, by originalId and by the saved id alike.
      expect(
        await manager.dispatch(
          'term:connections.test',
          form({ originalId: 'gw', id: 'victim-probe', fields: { url: otherUrl }, secrets: {} }),
        ),
      ).toEqual(secretRequired);
      expect(
        await manager.dispatch('term:connections.test', form({ fields: { url: otherUrl }, secrets: {} })),
      ).toEqual(secretRequired);
      // Save: refused, and nothing changed.
      expect(
        await manager.dispatch(
          'term:connections.save',
          form({ originalId: 'gw', fields: { url: otherUrl }, secrets: {} }),
        ),
      ).toEqual(secretRequired);
      const listed = (await manager.list()).connections.find((c) => c.id === 'gw');
      expect(listed?.fields.url).toBe(gatewayUrl);
      expect(offered).toEqual([]);

      // Retyped, the secret goes where the trader sent it.
      expect(
        await manager.dispatch(
          'term:connections.save',
          form({ originalId: 'gw', fields: { url: otherUrl }, secrets: { sessionCookie: 'typed-again' } }),
        ),
      ).toMatchObject({ ok: true, value: { fields: { url: otherUrl } } });
      await vi.waitFor(() => expect(offered.length).toBeGreaterThan(0), { timeout: 10_000 });
      for (const cookie of offered) expect(cookie).not.toContain(SECRET);
    } finally {
      await stopGateway();
      for (const client of other.clients) client.terminate();
      await new Promise<void>((r) => other.close(() => r()));
    }
  });

  it('requires wss:// for live and demo connections unless the gateway is on this machine', async () => {
    const { manager } = await session();
    for (const mode of ['live', 'demo']) {
      const refused = await manager.dispatch(
        'term:connections.test',
        form({ mode, fields: { url: 'ws://gateway.example.net/ws/portfolio' } }),
      );
      expect(refused).toMatchObject({
        ok: false,
        error: {
          code: 'invalid_config',
          message: expect.stringMatching(
            /^Gateway URL: a (live|demo) connection must use an encrypted wss:\/\//,
          ),
        },
      });
      expect(
        await manager.dispatch(
          'term:connections.save',
          form({ mode, fields: { url: 'ws://gateway.example.net/ws/portfolio' } }),
        ),
      ).toMatchObject({ ok: false, error: { code: 'invalid_config' } });
    }
    // Loopback in clear text is fine: nothing leaves the machine.
    expect(await manager.dispatch('term:connections.save', form({ mode: 'live' }))).toMatchObject({
      ok: true,
      value: { mode: 'live' },
    });
  });
});

describe('ConnectionManager: hotkeys on live accounts follow the saved hotkey settings', () => {
  it('refuses a hotkey order on a live account until layout.hotkeys allows live', async () => {
    const { engine } = await session();
    const live = new ScriptedBroker('live', 'Live broker', [ES]);
    live.mode = 'live';
    await engine.addConnection(live);
    const order = {
      connectionId: 'live',
      accountId: 'ACC',
      symbol: 'ES',
      side: 'buy',
      type: 'limit',
      qty: 1,
      limitPrice: 5000,
      origin: 'hotkey',
    };
    const off = (await engine.dispatch('term:orders.place', order)) as Result<unknown>;
    expect(!off.ok && off.error.code).toBe('one_click_live_off');
    const saved = (await engine.dispatch('term:workspace.update', {
      layout: { hotkeys: { bindings: {}, liveEnabled: true } },
    })) as Result<unknown>;
    expect(saved.ok).toBe(true);
    const on = (await engine.dispatch('term:orders.place', order)) as Result<unknown>;
    expect(on.ok).toBe(true);
    await engine.dispatch('term:workspace.update', {
      layout: { hotkeys: { bindings: {}, liveEnabled: false } },
    });
    const offAgain = (await engine.dispatch('term:orders.place', order)) as Result<unknown>;
    expect(!offAgain.ok && offAgain.error.code).toBe('one_click_live_off');
  });
});
