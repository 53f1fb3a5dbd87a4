/**
 * A malformed client frame is logged by shape only: a bad `credentials.set` frame carries a
 * secret, and the log file must never hold it. Real web host, real `ws` client, real log file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Engine } from '../../../src/main/core/engine';
import { createLogger, silentLogger } from '../../../src/main/core/log';
import { startWebHost } from '../../../src/main/web/server';

const SECRET = `malformed-${Math.random().toString(36).slice(2)}-cookie`;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('logs a malformed frame’s channel, byte length and issue paths — never its content', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-bridge-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  writeFileSync(join(dataDir, 'index.html'), '<!doctype html><title>Peregrine</title>');
  const engine = Engine.create({ seed: 3, logger: silentLogger(), paper: true });
  await engine.start();
  cleanups.push(() => engine.stop());
  const logFile = join(dataDir, 'web-host.log');
  const host = await startWebHost({
    port: 0,
    dataDir,
    engine,
    rendererDir: dataDir,
    logger: createLogger({ name: 'web-host', file: logFile }),
  });
  cleanups.push(() => host.close());
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: host.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  cleanups.push(() => ws.close());

  // A credentials.set whose id is not a number, so the frame fails the schema with the secret inside.
  const badCall = JSON.stringify({
    t: 'call',
    id: 'one',
    channel: 'term:credentials.set',
    payload: { connectionId: 'gw', key: 'sessionCookie', secret: SECRET },
  });
  ws.send(badCall);
  ws.send(`{"t":"call","secret":"${SECRET}"`); // not JSON
  ws.send(JSON.stringify({ t: 'call', id: 'x', channel: SECRET, payload: {} })); // unknown channel
  await vi.waitFor(() => expect(host.stats().malformedFrames).toBe(3), { timeout: 5_000 });

  const log = readFileSync(logFile, 'utf8');
  expect(log).not.toContain(SECRET);
  const dropped = log
    .split('\n')
    .filter((line) => line.includes('dropped malformed web client frame'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(dropped).toHaveLength(3);
  expect(dropped[0]).toMatchObject({
    reason: 'invalid frame',
    channel: 'term:credentials.set',
    issuePaths: ['id'],
    bytes: Buffer.byteLength(badCall),
  });
  expect(dropped[0]).not.toHaveProperty('frame');
  expect(dropped[1]).toMatchObject({ reason: 'not JSON' });
  expect(dropped[1]).not.toHaveProperty('channel');
  expect(dropped[2]).toMatchObject({ reason: 'invalid frame', issuePaths: ['id'] });
  expect(dropped[2]).not.toHaveProperty('channel');
});
