/**
 * Testing or saving a connection to an origin its credentials have not gone to before needs the
 * trader's confirmation from the main process (the host's `confirmNewOrigin`), not just the
 * renderer's call. A refusal opens no socket.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allowListConfirmation,
  allowedOriginsFromEnv,
  openConnections,
  type NewOriginRequest,
} from '../../../../src/main/core/connections';
import { Engine } from '../../../../src/main/core/engine';
import { memoryVault } from '../../../../src/main/core/credentials';
import { silentLogger } from '../../../../src/main/core/log';
import { managerSession, recordingGateway, type RecordingGateway } from './support';

let dir: string;
let first: RecordingGateway;
let second: RecordingGateway;
const engines: Engine[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'peregrine-confirm-'));
  first = await recordingGateway();
  second = await recordingGateway();
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  await first.close();
  await second.close();
  rmSync(dir, { recursive: true, force: true });
});

const form = (url: string, over: Record<string, unknown> = {}) => ({
  id: 'gw',
  kind: 'portfolio-stream',
  label: 'Gateway',
  mode: 'paper',
  fields: { url },
  secrets: { sessionCookie: 'typed-cookie' },
  ...over,
});

describe('confirmation of a new origin', () => {
  it('is asked before a test or save sends credentials anywhere new; a refusal sends nothing', async () => {
    const asked: NewOriginRequest[] = [];
    let answer = false;
    const { engine, manager } = await managerSession(dir, memoryVault(silentLogger(), 'test'), {
      confirmNewOrigin: async (request) => {
        asked.push(request);
        return answer;
      },
      trialTimeoutMs: 2_000,
    });
    engines.push(engine);

    expect(await manager.dispatch('term:connections.test', form(first.url))).toMatchObject({
      ok: false,
      error: { code: 'not_confirmed', message: expect.stringContaining(first.origin) },
    });
    expect(await manager.dispatch('term:connections.save', form(first.url))).toMatchObject({
      ok: false,
      error: { code: 'not_confirmed' },
    });
    expect(asked.map((a) => [a.connectionId, a.origins, a.purpose])).toEqual([
      ['gw', [first.origin], 'test'],
      ['gw', [first.origin], 'save'],
    ]);
    expect(first.offered).toEqual([]);
    expect((await manager.list()).connections.map((c) => c.id)).toEqual(['paper']);

    // Allowed once for a test, the save that follows does not ask again.
    answer = true;
    await manager.dispatch('term:connections.test', form(first.url));
    expect(first.offered.length).toBe(1);
    expect(await manager.dispatch('term:connections.save', form(first.url))).toMatchObject({ ok: true });
    expect(asked).toHaveLength(3);

    // An edit to another address asks again, for that address only.
    answer = false;
    expect(
      await manager.dispatch('term:connections.save', form(second.url, { originalId: 'gw' })),
    ).toMatchObject({ ok: false, error: { code: 'not_confirmed' } });
    expect(asked.at(-1)).toMatchObject({ origins: [second.origin], purpose: 'save' });
    expect(second.offered).toEqual([]);
  });

  it('without a host dialog, allows loopback and the origins listed at start-up only', async () => {
    const { engine, manager } = await managerSession(dir, memoryVault(silentLogger(), 'test'));
    engines.push(engine);
    expect(
      await manager.dispatch('term:connections.test', form('ws://gateway.example.net/ws/portfolio')),
    ).toMatchObject({ ok: false, error: { code: 'not_confirmed' } });

    const allowed = allowedOriginsFromEnv({
      PEREGRINE_ALLOWED_ORIGINS: ' wss://gw.example.net , https://x.example',
    });
    expect(allowed).toEqual(['wss://gw.example.net', 'https://x.example']);
    const confirm = allowListConfirmation(allowed);
    const ask = (origins: string[]) =>
      confirm({ connectionId: 'c', label: 'C', kind: 'k', origins, purpose: 'test' });
    expect(await ask(['wss://gw.example.net'])).toBe(true);
    expect(await ask(['ws://127.0.0.1:9', 'ws://[::1]:9', 'ws://localhost:9'])).toBe(true);
    expect(await ask(['wss://gw.example.net', 'wss://evil.example'])).toBe(false);
  });

  it('the web host (no dialog) tells the trader how to allow an origin at start-up', async () => {
    const opened = await openConnections({
      dataDir: dir,
      logger: silentLogger(),
      vault: memoryVault(silentLogger(), 'test'),
      env: { PEREGRINE_ALLOWED_ORIGINS: 'wss://other.example' },
    });
    const engine = Engine.create({ logger: silentLogger(), paper: true, seed: 1 });
    engines.push(engine);
    await engine.start();
    const manager = opened.manager(engine);
    await manager.start();
    expect(
      await manager.dispatch('term:connections.save', form('ws://gateway.example.net/ws/portfolio')),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'not_confirmed',
        message: expect.stringContaining('PEREGRINE_ALLOWED_ORIGINS=ws://gateway.example.net'),
      },
    });
  });

  it('an address edited into the settings file by hand is still new: storing a secret for it asks', async () => {
    const vault = memoryVault(silentLogger(), 'test');
    const asked: NewOriginRequest[] = [];
    const confirmNewOrigin = async (request: NewOriginRequest) => {
      asked.push(request);
      return request.origins.every((o) => o === first.origin);
    };
    const one = await managerSession(dir, vault, { confirmNewOrigin });
    engines.push(one.engine);
    expect(await one.manager.dispatch('term:connections.save', form(first.url))).toMatchObject({ ok: true });
    await one.engine.stop();
    const path = join(dir, 'settings.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace(first.url, second.url));

    const two = await managerSession(dir, vault, { confirmNewOrigin });
    engines.push(two.engine);
    expect(
      await two.manager.dispatch('term:credentials.set', {
        connectionId: 'gw',
        key: 'sessionCookie',
        secret: 'typed-for-the-edited-address',
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_confirmed' } });
    expect(asked.at(-1)).toMatchObject({ origins: [second.origin], purpose: 'save' });
    expect(second.offered).toEqual([]);
  });
});
