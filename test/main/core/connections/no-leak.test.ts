/**
 * A session that uses a known secret never leaks it: the web host runs in-process with its log
 * file in the data dir; a client adds a portfolio-stream connection with the secret through the
 * contract, the connection goes live, the client lists, tests and asks about it. Then the secret
 * is searched for in every file under the data dir, in GET /status, and in every frame the
 * client received.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { Client } from '../../../support/webClient';
import { PortfolioStreamSim } from '../../../../sim/portfolio-stream/server';
import { startWebHost } from '../../../../src/main/web/server';

const SECRET = `S3cr3t-${Math.random().toString(36).slice(2)}-leakcheck`;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('a known secret appears in no log, no settings file, no status report and no client frame', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-leak-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const sim = new PortfolioStreamSim({ sessions: { [SECRET]: 'user-leak' }, batchIntervalMs: 100 });
  const { url } = await sim.start();
  cleanups.push(() => sim.stop());
  const host = await startWebHost({
    port: 0,
    dataDir,
    rendererDir: dataDir,
    env: {},
    vaultService: 'Peregrine-test-leak',
  });
  cleanups.push(() => host.close());
  const client = await Client.open(host);
  cleanups.push(() => client.close());

  const form = {
    id: 'leaky',
    kind: 'portfolio-stream',
    label: 'Leak check',
    mode: 'live',
    fields: { url },
    secrets: { sessionCookie: SECRET },
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
  await vi.waitFor(
    async () => expect(await status()).toMatch(/"id":"leaky","kind":"portfolio-stream","state":"live"/),
    {
      timeout: 10_000,
    },
  );
  // A wrong secret's failure text and a credential write are part of the session too.
  await client.call('term:connections.test', { ...form, secrets: { sessionCookie: `${SECRET}-wrong` } });
  expect(
    await client.call('term:credentials.set', {
      connectionId: 'leaky',
      key: 'sessionCookie',
      secret: SECRET,
    }),
  ).toEqual({ ok: true, value: {} });
  expect(
    await client.call('term:credentials.has', { connectionId: 'leaky', key: 'sessionCookie' }),
  ).toMatchObject({
    ok: true,
    value: { stored: true },
  });
  await client.call('term:connections.list', {});
  await client.call('term:stream.snapshot', {});
  // Reaches live again after the credential write restarted it: its traffic is in the frames.
  await vi.waitFor(
    async () => expect(await status()).toMatch(/"id":"leaky","kind":"portfolio-stream","state":"live"/),
    {
      timeout: 10_000,
    },
  );
  const statusText = await status();
  await host.close();

  const files = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const names = files.map((f) => f.name);
  expect(names).toContain('web-host.log');
  expect(names).toContain('settings.json');
  const log = readFileSync(join(dataDir, 'web-host.log'), 'utf8');
  expect(log).toContain('connection saved'); // the log did record the session
  for (const f of files)
    expect(readFileSync(join(f.parentPath, f.name), 'utf8'), f.name).not.toContain(SECRET);
  expect(statusText).toContain('leaky');
  expect(statusText).not.toContain(SECRET);
  expect(client.frames.length).toBeGreaterThan(5);
  for (const frame of client.frames) expect(frame).not.toContain(SECRET);
});
