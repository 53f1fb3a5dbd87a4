/**
 * The orders relay's JWT never leaks (issue 13): it rides in the `token` query parameter of both
 * sockets, so any URL, error or log line that quotes a socket address could carry it. The web host
 * runs in-process with its log in the data dir; a client adds an orders-relay connection with the
 * JWT through the contract; it goes live; a wrong token, a proxy_error with a cut, and a credential
 * write follow. Then the JWT is searched for in every file, in GET /status and in every frame.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { Client } from '../../../../support/webClient';
import { OrdersRelaySim } from '../../../../../sim/orders-relay/server';
import { startWebHost } from '../../../../../src/main/web/server';

const SECRET = `eyJhbGciOiJIUzI1NiJ9.${Math.random().toString(36).slice(2)}.leakcheck`;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('the relay JWT appears in no log, no settings file, no status report and no client frame', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-relay-leak-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const sim = new OrdersRelaySim({
    tokens: { [SECRET]: 'SIMLEAK1' },
    tradeIntervalMs: 100,
    positionsIntervalMs: 100,
    pingMs: 0,
  });
  const addr = await sim.start();
  cleanups.push(() => sim.stop());
  const host = await startWebHost({
    port: 0,
    dataDir,
    rendererDir: dataDir,
    env: {},
    vaultService: 'Peregrine-test-relay-leak',
  });
  cleanups.push(() => host.close());
  const client = await Client.open(host);
  cleanups.push(() => client.close());

  const form = {
    id: 'relay',
    kind: 'orders-relay',
    label: 'Relay leak check',
    mode: 'live',
    fields: { url: addr.urls[0], positions: addr.urls[1], rest: `${addr.httpUrl}/api` },
    secrets: { token: SECRET },
  };
  expect(await client.call('term:connections.test', form)).toMatchObject({
    ok: true,
    value: { success: true },
  });
  expect(await client.call('term:connections.save', form)).toMatchObject({ ok: true });
  const status = async () => {
    const res = await fetch(`${host.origin}/status`, { headers: { Authorization: `Bearer ${host.token}` } });
    return res.text();
  };
  const live = /"id":"relay","kind":"orders-relay","state":"live"/;
  await vi.waitFor(async () => expect(await status()).toMatch(live), { timeout: 10_000 });
  // A wrong token's 1008, a relay failure and a credential write are part of the session too.
  await client.call('term:connections.test', { ...form, secrets: { token: `${SECRET}-wrong` } });
  sim.fault({ kind: 'proxy-error', error: 'upstream unreachable', close: true });
  await vi.waitFor(async () => expect(await status()).toMatch(live), { timeout: 10_000 });
  expect(
    await client.call('term:credentials.set', { connectionId: 'relay', key: 'token', secret: SECRET }),
  ).toEqual({
    ok: true,
    value: {},
  });
  await client.call('term:connections.list', {});
  await client.call('term:stream.snapshot', {});
  await vi.waitFor(async () => expect(await status()).toMatch(live), { timeout: 10_000 });
  const statusText = await status();
  await host.close();

  const files = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const log = readFileSync(join(dataDir, 'web-host.log'), 'utf8');
  expect(log).toContain('connection saved');
  for (const f of files)
    expect(readFileSync(join(f.parentPath, f.name), 'utf8'), f.name).not.toContain(SECRET);
  expect(statusText).toContain('relay');
  expect(statusText).not.toContain(SECRET);
  expect(client.frames.length).toBeGreaterThan(5);
  for (const frame of client.frames) {
    expect(frame).not.toContain(SECRET);
    expect(frame).not.toContain(encodeURIComponent(SECRET));
  }
});
