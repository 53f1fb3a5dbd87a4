/** The simulator itself speaks seed 001 faithfully: auth, subscriptions, batches, limits, isolation, stats. */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEMO_SESSION, DEMO_USER, PortfolioStreamSim } from '../../sim/portfolio-stream/server';
import { until } from '../main/core/supervisor/support';

let sim: PortfolioStreamSim | null = null;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await sim?.stop();
  sim = null;
});

interface Frame {
  type: string;
  timestamp: string;
  userId: string;
  data: Record<string, unknown>;
}

/** A raw client that queues frames and lets a test await the next one matching a predicate. */
function client(url: string, cookie: string | null) {
  const ws = new WebSocket(url, cookie === null ? {} : { headers: { Cookie: `session=${cookie}` } });
  sockets.push(ws);
  const frames: Frame[] = [];
  const waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  ws.on('message', (d: Buffer) => {
    const f = JSON.parse(d.toString()) as Frame;
    frames.push(f);
    for (const w of waiters.splice(0))
      if (w.pred(f)) w.resolve(f);
      else waiters.push(w);
  });
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  return {
    ws,
    frames,
    closed,
    open: new Promise<void>((r) => ws.on('open', () => r())),
    send: (m: unknown) => ws.send(JSON.stringify(m)),
    next: (pred: (f: Frame) => boolean) =>
      new Promise<Frame>((resolve) => {
        const hit = frames.find(pred);
        if (hit) resolve(hit);
        else waiters.push({ pred, resolve });
      }),
  };
}

describe('portfolio-stream simulator', () => {
  it('rejects a missing or unknown session cookie with 1008 "Authentication required"', async () => {
    sim = new PortfolioStreamSim();
    const { url } = await sim.start();
    expect(await client(url, null).closed).toEqual({ code: 1008, reason: 'Authentication required' });
    expect(await client(url, 'nope').closed).toEqual({ code: 1008, reason: 'Authentication required' });
  });

  it('confirms subscriptions, sends decimal-string batches for the subscribed channels only, and answers ping', async () => {
    sim = new PortfolioStreamSim({ batchIntervalMs: 30 });
    const { url } = await sim.start();
    const c = client(url, DEMO_SESSION);
    await c.open;
    c.send({ type: 'subscribe', channels: ['positions'] });
    const info = await c.next((f) => f.type === 'info');
    expect(info.data).toEqual({ message: 'Subscribed', channels: ['positions'] });
    const batch = await c.next((f) => f.type === 'batch');
    expect(batch.userId).toBe('user-demo');
    expect(Number.isNaN(Date.parse(batch.timestamp))).toBe(false);
    const positions = batch.data.positions as Record<string, unknown>[];
    expect(positions.length).toBeGreaterThan(0);
    for (const p of positions) {
      expect(p.quantity).toMatch(/^\d+(\.\d+)?$/);
      expect(p.currentPrice).toMatch(/^-?\d+\.\d{2}$/);
    }
    expect(batch.data.orders).toEqual([]);
    expect(batch.data.account).toBeUndefined();
    c.send({ type: 'ping' });
    expect((await c.next((f) => f.type === 'pong')).data).toEqual({});
    c.send({ type: 'subscribe', channels: ['bogus'] });
    expect((await c.next((f) => f.type === 'error')).data).toEqual(
      expect.objectContaining({ code: 'SUBSCRIPTION_FAILED', details: { channel: 'bogus' } }),
    );
  });

  it('keeps users isolated: each socket only ever sees its own userId', async () => {
    sim = new PortfolioStreamSim({ batchIntervalMs: 20 });
    const { url } = await sim.start();
    const a = client(url, DEMO_SESSION);
    const b = client(url, 'other-session-0002');
    await Promise.all([a.open, b.open]);
    for (const c of [a, b])
      c.send({ type: 'subscribe', channels: ['positions', 'orders', 'account', 'trades'] });
    await Promise.all([
      a.next((f) => f.type === 'batch' && a.frames.length > 5),
      b.next((f) => f.type === 'batch' && b.frames.length > 5),
    ]);
    expect(new Set(a.frames.map((f) => f.userId))).toEqual(new Set(['user-demo']));
    expect(new Set(b.frames.map((f) => f.userId))).toEqual(new Set(['user-other']));
  });

  it('enforces 5 connections per user (1008) and the total limit (1013)', async () => {
    sim = new PortfolioStreamSim({ maxConnectionsTotal: 6 });
    const { url } = await sim.start();
    const five = Array.from({ length: 5 }, () => client(url, DEMO_SESSION));
    await Promise.all(five.map((c) => c.open));
    expect(await client(url, DEMO_SESSION).closed).toEqual({
      code: 1008,
      reason: 'Maximum connections exceeded',
    });
    const other = client(url, 'other-session-0002');
    await other.open;
    expect(await client(url, 'other-session-0002').closed).toEqual({
      code: 1013,
      reason: 'Server at capacity',
    });
  });

  it('closes a connection that sends more than 100 messages per second', async () => {
    sim = new PortfolioStreamSim();
    const { url } = await sim.start();
    const c = client(url, DEMO_SESSION);
    await c.open;
    for (let i = 0; i < 101; i++) c.send({ type: 'ping' });
    expect((await c.closed).code).toBe(1008);
  });

  it('serves admin stats and accepts faults over the HTTP control endpoint', async () => {
    sim = new PortfolioStreamSim();
    const { url, httpUrl, controlUrl } = await sim.start();
    const c = client(url, DEMO_SESSION);
    await c.open;
    const stats = (await (await fetch(`${httpUrl}/api/admin/websocket-stats`)).json()) as Record<
      string,
      unknown
    >;
    expect(stats).toEqual(
      expect.objectContaining({
        status: 'healthy',
        enabled: true,
        activeConnections: 1,
        totalMessagesDelivered: expect.any(Number),
        performance: {
          batchEfficiency: expect.stringMatching(/%$/),
          disconnectRatePerMinute: expect.any(String),
        },
      }),
    );
    const bad = await fetch(controlUrl, { method: 'POST', body: JSON.stringify({ kind: 'explode' }) });
    expect(bad.status).toBe(400);
    const res = await fetch(controlUrl, {
      method: 'POST',
      body: JSON.stringify({ kind: 'close', code: 1011, reason: 'boom' }),
    });
    expect(res.status).toBe(200);
    expect(await c.closed).toEqual({ code: 1011, reason: 'boom' });
    await fetch(controlUrl, { method: 'POST', body: JSON.stringify({ kind: 'delay', ms: 100 }) });
    expect(((await (await fetch(controlUrl)).json()) as { active: { delayMs: number } }).active.delayMs).toBe(
      100,
    );
    await fetch(controlUrl, { method: 'DELETE' });
    expect(((await (await fetch(controlUrl)).json()) as { active: { delayMs: number } }).active.delayMs).toBe(
      0,
    );
  });
});

describe('portfolio-stream simulator on the shared venue', () => {
  it('fills market orders at the touch (ask for buys, bid for sells), not at the last trade', async () => {
    sim = new PortfolioStreamSim({ batchIntervalMs: 10, seed: 3 });
    await sim.start();
    const s = sim;
    const venue = s.world.venue;
    const seen: { price: number; touch: number; last: number }[] = [];
    const account = s.book(DEMO_USER).account;
    account.on((e) => {
      if (e.type !== 'fill' || e.order.type !== 'market') return;
      const q = venue.quote(e.fill.symbol);
      seen.push({ price: e.fill.price, touch: e.fill.side === 'buy' ? q.ask : q.bid, last: q.last });
    });
    await until(() => seen.length >= 5, 'five market-order fills');
    for (const f of seen) expect(f.price).toBe(f.touch);
  });

  it('shapes corrupt and oversized frames as portfolio-stream envelopes (the codec)', async () => {
    sim = new PortfolioStreamSim({ batchIntervalMs: 20 });
    const { url } = await sim.start();
    const raw: string[] = [];
    const ws = new WebSocket(url, { headers: { Cookie: `session=${DEMO_SESSION}` } });
    sockets.push(ws);
    ws.on('message', (d: Buffer) => raw.push(d.toString('utf8')));
    await new Promise<void>((r) => ws.on('open', () => r()));
    ws.send(JSON.stringify({ type: 'subscribe', channels: ['account'] }));
    await until(() => raw.length > 0, 'first frame');
    sim.fault({ kind: 'corrupt' });
    await until(() => raw.some((t) => t.includes('garbage')), 'a corrupt frame');
    const corrupt = raw.find((t) => t.includes('garbage')) ?? '';
    expect(corrupt.startsWith('{"type":') && corrupt.endsWith('\u0000garbage')).toBe(true);
    sim.fault({ kind: 'oversized', bytes: 32 });
    await until(() => raw.some((t) => t.includes('"pad"')), 'an oversized frame');
    expect(raw.find((t) => t.includes('"pad"'))).toBe(`{"type":"batch","pad":"${'x'.repeat(32)}"}`);
  });
});
