/**
 * The web host stays bounded whatever a client does: a client that stops reading and floods
 * calls is disconnected with the host's memory flat; replies obey the same queue bound as
 * batches; calls in flight and expensive calls are capped; what a client can make us log is
 * rate-limited and never quotes its input. Real web host, raw `ws` clients on loopback.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../../src/shared/wire';
import { Engine } from '../../../src/main/core/engine';
import { createLogger, silentLogger } from '../../../src/main/core/log';
import {
  startWebHost,
  type HostedEngine,
  type WebHost,
  type WebHostOptions,
} from '../../../src/main/web/server';
import { upgradeStatus } from '../../support/upgradeStatus';
import { ScriptedEngine } from './scriptedEngine';

const rendererDir = mkdtempSync(join(tmpdir(), 'peregrine-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Peregrine</title>');

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function host(options: Partial<WebHostOptions> & { engine: HostedEngine }): Promise<WebHost> {
  const h = await startWebHost({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'peregrine-web-')),
    rendererDir,
    logger: silentLogger(),
    ...options,
  });
  cleanups.push(() => h.close());
  return h;
}

async function paperEngine(): Promise<Engine> {
  const engine = Engine.create({ seed: 11, logger: silentLogger(), paper: true });
  await engine.start();
  cleanups.push(() => engine.stop());
  return engine;
}

/** A raw client that has received its snapshot; `frames` collects what it reads. */
async function client(h: WebHost): Promise<{ ws: WebSocket; frames: ServerFrame[]; socket: PausableSocket }> {
  const ws = new WebSocket(`ws://127.0.0.1:${h.port}/ws?token=${h.token}`, { origin: h.origin });
  cleanups.push(() => ws.terminate());
  const frames: ServerFrame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as ServerFrame));
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, socket: (ws as unknown as { _socket: PausableSocket })._socket };
}
interface PausableSocket {
  pause(): void;
  resume(): void;
}

const call = (id: number, channel: string, payload: unknown = {}): string =>
  JSON.stringify({ t: 'call', id, channel, payload });

/** The replies to calls `ids`, in any order, once all have arrived. */
async function replies(frames: ServerFrame[], ids: number[]): Promise<Map<number, ServerFrame>> {
  await vi.waitFor(
    () => expect(frames.filter((f) => f.t !== 'stream' && ids.includes(f.id)).length).toBe(ids.length),
    { timeout: 10_000 },
  );
  return new Map(frames.flatMap((f) => (f.t !== 'stream' && ids.includes(f.id) ? [[f.id, f]] : [])));
}

/** Heap in use after a full collection, so garbage does not count as growth. */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

describe('web host bounds', () => {
  it('disconnects a client that never reads and floods charts.open, with the heap flat', async () => {
    const bound = 1024 * 1024;
    const h = await host({ engine: await paperEngine(), maxBufferedBytes: bound });
    const { ws, socket } = await client(h);
    const before = heapAfterGc();
    socket.pause();
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    // Ten times what the reporter sent: 15,000 chart opens, never reading a reply.
    for (let i = 1; i <= 15_000; i++) ws.send(call(i, 'term:charts.open', { symbol: 'ES', timeframe: '1m' }));

    await vi.waitFor(() => expect(h.stats().evictedClients).toBe(1), { timeout: 15_000 });
    expect(h.stats().clients).toBe(0);
    // What the host ever queued for it stayed under the reply bound.
    expect(h.stats().peakBufferedBytes).toBeLessThanOrEqual(2 * bound);
    // Before the fix each unread history reply stayed queued: ~190 kB per call, gigabytes here.
    expect(heapAfterGc() - before).toBeLessThan(32 * 1024 * 1024);
    socket.resume();
    await closed;
  });

  it('closes a client whose replies would pass the queue bound instead of buffering them', async () => {
    const bound = 64 * 1024;
    const big = { ok: true, value: { bars: 'x'.repeat(1024 * 1024) } };
    const h = await host({ engine: new ScriptedEngine(async () => big), maxBufferedBytes: bound });
    const { ws, socket } = await client(h);
    socket.pause();
    // Within every call limit: only the unread replies (20 MB) can overrun the bound.
    for (let i = 1; i <= 20; i++) ws.send(call(i, 'term:charts.open', { symbol: 'ES', timeframe: '1m' }));
    await vi.waitFor(() => expect(h.stats().evictedClients).toBe(1), { timeout: 10_000 });
    expect(h.stats().refusedCalls).toBe(0);
    expect(h.stats().peakBufferedBytes).toBeLessThanOrEqual(2 * bound);
  });

  it('refuses calls beyond the in-flight cap and expensive calls beyond their rate', async () => {
    const never = new Promise<never>(() => undefined);
    const h = await host({
      engine: new ScriptedEngine(() => never),
      // No refill during the test: the outcome cannot depend on how fast this machine is.
      limits: { maxCallsInFlight: 4, snapshots: { burst: 2, perSecond: 1e-6 } },
    });
    const { ws, frames } = await client(h);
    for (let i = 1; i <= 5; i++) ws.send(call(i, 'term:orders.cancel', { orderId: 'x' }));
    const busy = await replies(frames, [5]);
    expect(busy.get(5)).toEqual({ t: 'error', id: 5, message: expect.stringMatching(/in flight/) });

    const other = await client(h);
    for (let i = 1; i <= 3; i++) other.ws.send(call(i, 'term:stream.snapshot'));
    const got = await replies(other.frames, [1, 2, 3]);
    expect(got.get(1)?.t).toBe('result');
    expect(got.get(2)?.t).toBe('result');
    expect(got.get(3)).toEqual({ t: 'error', id: 3, message: expect.stringMatching(/try again/) });
    expect(h.stats().refusedCalls).toBe(2);
    // Refused, not dropped: both clients are still connected.
    expect(h.stats().clients).toBe(2);
  });

  it('rate-limits what clients can make it log, and never echoes their input', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-web-'));
    const logFile = join(dataDir, 'web-host.log');
    const h = await host({
      engine: new ScriptedEngine(async () => ({ ok: true, value: {} })),
      dataDir,
      logger: createLogger({ name: 'web-host', file: logFile }),
    });
    const marker = `MARKER${'y'.repeat(4000)}`;
    const url = (token: string): string => `ws://127.0.0.1:${h.port}/ws?token=${token}`;
    for (let i = 0; i < 60; i++) expect(await upgradeStatus(url('0'.repeat(64)), h.origin)).toBe(401);
    for (let i = 0; i < 20; i++) expect(await upgradeStatus(url(h.token), `http://${marker}`)).toBe(403);

    const { ws, frames } = await client(h);
    const ids = Array.from({ length: 60 }, (_, i) => i + 1);
    for (const id of ids) ws.send(call(id, `term:${marker}`));
    const got = await replies(frames, ids);
    expect(got.get(60)).toEqual({ t: 'error', id: 60, message: 'Unknown channel.' });
    expect(h.stats().unknownChannels).toBe(60);

    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.join('\n')).not.toContain('MARKER');
    const count = (msg: string): number => lines.filter((l) => l.includes(`"msg":"${msg}"`)).length;
    // 80 refused upgrades and 60 unknown channels: ten lines each at most (one burst).
    expect(count('web socket upgrade refused')).toBeLessThanOrEqual(10);
    expect(count('web client called an unknown channel')).toBeLessThanOrEqual(10);
    // The log stays small: a few kB, whatever the 250 kB sent.
    expect(Buffer.byteLength(lines.join('\n'))).toBeLessThan(16 * 1024);
  });
});
