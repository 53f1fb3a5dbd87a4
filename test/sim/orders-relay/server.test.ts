/** The orders-relay simulator speaks seed 002 as a real relay would: token check, snapshots, binary frames, GoAway, cancel. */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEMO_TOKEN, OrdersRelaySim } from '../../../sim/orders-relay/server';
import { until } from '../../main/core/supervisor/support';

let sim: OrdersRelaySim | null = null;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await sim?.stop();
  sim = null;
});

function client(url: string) {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const frames: { json: Record<string, unknown>; binary: boolean }[] = [];
  ws.on('message', (d: Buffer, binary: boolean) =>
    frames.push({ json: JSON.parse(d.toString('utf8')) as Record<string, unknown>, binary }),
  );
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  return { ws, frames, closed };
}

async function started(o: ConstructorParameters<typeof OrdersRelaySim>[0] = {}) {
  sim = new OrdersRelaySim({
    heartbeatMs: 100,
    positionsIntervalMs: 50,
    tradeIntervalMs: 40,
    pingMs: 0,
    ...o,
  });
  const addr = await sim.start();
  const [orders = '', positions = ''] = addr.urls;
  return { addr, orders: `${orders}?token=${DEMO_TOKEN}`, positions: `${positions}?token=${DEMO_TOKEN}` };
}

describe('orders-relay simulator', () => {
  it('accepts the upgrade, then closes 1008 "Authentication required" for a bad token', async () => {
    const { addr } = await started();
    const c = client(`${addr.urls[0]}?token=nope`);
    expect(await c.closed).toEqual({ code: 1008, reason: 'Authentication required' });
  });

  it('each stream starts with its snapshot and EndSnapshot; a new stream re-sends every order', async () => {
    const { orders } = await started();
    const first = client(orders);
    await until(() => first.frames.filter((f) => 'OrderID' in f.json).length >= 5, 'orders');
    expect(first.frames[0]?.json).toEqual({ StreamStatus: 'EndSnapshot' });
    const again = client(orders);
    await until(() => again.frames.some((f) => f.json.StreamStatus === 'EndSnapshot'), 'second snapshot');
    const end = again.frames.findIndex((f) => f.json.StreamStatus === 'EndSnapshot');
    const ids = new Set(again.frames.slice(0, end).map((f) => f.json.OrderID));
    expect(ids.size).toBeGreaterThan(0);
    // Numbers are strings, ExecQuantity is cumulative on the first leg.
    const o = again.frames[0]?.json as { Legs: { ExecQuantity: unknown }[]; FilledPrice: unknown };
    expect(typeof o.Legs[0]?.ExecQuantity).toBe('string');
    expect(typeof o.FilledPrice).toBe('string');
  });

  it('forwards some frames binary, sends Heartbeat when idle, positions with Timestamp', async () => {
    const { positions } = await started({
      binaryEvery: 3,
      tradeIntervalMs: 60_000,
      positionsIntervalMs: 60_000,
    });
    const c = client(positions);
    await until(() => c.frames.filter((f) => 'Heartbeat' in f.json).length >= 3, 'heartbeats');
    expect(c.frames.some((f) => f.binary)).toBe(true);
  });

  it('GoAway comes before the stream ends (closed without a code)', async () => {
    const { orders } = await started();
    const c = client(orders);
    await until(() => c.frames.length > 0, 'open');
    sim?.fault({ kind: 'go-away', graceMs: 50 });
    const closed = await c.closed;
    expect(c.frames.some((f) => f.json.StreamStatus === 'GoAway')).toBe(true);
    expect(closed.code).toBe(1005);
  });

  it('DELETE /api/orders/<id> with the bearer cancels: UCN, then CAN on the stream', async () => {
    const { orders, addr } = await started({ tradeIntervalMs: 30 });
    const c = client(orders);
    const resting = (): string | undefined => {
      const last = new Map<string, string>();
      for (const f of c.frames)
        if (typeof f.json.OrderID === 'string') last.set(f.json.OrderID, String(f.json.Status));
      return [...last].find(([, s]) => s === 'ACK')?.[0];
    };
    await until(() => resting() !== undefined, 'a resting order', 10_000);
    const id = resting() ?? '';
    const unauth = await fetch(`${addr.httpUrl}/api/orders/${id}`, { method: 'DELETE' });
    expect(unauth.status).toBe(401);
    const res = await fetch(`${addr.httpUrl}/api/orders/${id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${DEMO_TOKEN}` },
    });
    if (res.status === 200) {
      expect(await res.json()).toEqual({ success: true });
      await until(() => c.frames.some((f) => f.json.OrderID === id && f.json.Status === 'CAN'), 'CAN');
      expect(c.frames.some((f) => f.json.OrderID === id && f.json.Status === 'UCN')).toBe(true);
    } else expect(res.status).toBe(400); // filled or cancelled by the strategy first
  });

  it('proxy_error reaches every client', async () => {
    const { orders } = await started();
    const c = client(orders);
    await until(() => c.frames.length > 0, 'open');
    sim?.fault({ kind: 'proxy-error', error: 'upstream gone' });
    await until(
      () => c.frames.some((f) => f.json.type === 'proxy_error' && f.json.error === 'upstream gone'),
      'proxy_error',
    );
  });
});
