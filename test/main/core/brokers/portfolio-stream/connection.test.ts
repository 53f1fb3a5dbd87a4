import { afterEach, describe, expect, it } from 'vitest';
import { PortfolioStreamConnection } from '../../../../../src/main/core/brokers/portfolio-stream';
import type { ConnectionEvent, ResyncSnapshot } from '../../../../../src/main/core/connection';
import { DEMO_SESSION, PortfolioStreamSim } from '../../../../../sim/portfolio-stream/server';
import { until } from '../../supervisor/support';

let sim: PortfolioStreamSim | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

describe('portfolio-stream connection', () => {
  it('goes live and delivers the gateway portfolio as a resync snapshot, then live updates', async () => {
    sim = new PortfolioStreamSim({ batchIntervalMs: 50 });
    const addr = await sim.start();
    const conn = new PortfolioStreamConnection({
      kind: 'portfolio-stream',
      id: 'ps',
      url: addr.url,
      sessionCookie: DEMO_SESSION,
    });
    const events: { id: string; e: ConnectionEvent }[] = [];
    await conn.start((id, e) => events.push({ id, e }));
    await until(() => conn.health().state === 'live', 'live');
    await until(() => events.some((x) => x.e.type === 'position'), 'a live position update');
    await conn.stop();

    expect(events.every((x) => x.id === 'ps')).toBe(true);
    const resync = events.find((x) => x.e.type === 'resync')?.e as { snapshot: ResyncSnapshot } | undefined;
    const snap = resync?.snapshot;
    expect(snap?.accounts).toEqual([
      expect.objectContaining({
        accountId: 'user-demo',
        currency: 'USD',
        cash: expect.any(Number),
        equity: expect.any(Number),
      }),
    ]);
    const bySymbol = new Map(snap?.positions?.map((p) => [p.symbol, p]));
    expect(bySymbol.get('AAPL')?.qty).toBe(100);
    expect(bySymbol.get('TSLA')?.qty).toBe(-20); // side "short" → negative quantity
    expect(bySymbol.get('AAPL')?.mark).toEqual(expect.any(Number));
    expect(snap?.orders[0]).toEqual(
      expect.objectContaining({
        connectionId: 'ps',
        accountId: 'user-demo',
        symbol: 'AAPL',
        type: 'limit',
        status: 'working',
        heldBy: 'gateway',
      }),
    );
    const health = events.filter((x) => x.e.type === 'health');
    expect(health.length).toBeGreaterThan(0);
    expect(conn.health()).toEqual(
      expect.objectContaining({ id: 'ps', kind: 'portfolio-stream', state: 'stopped', mode: 'live' }),
    );
  });

  it('is read-only: placing, modifying or cancelling an order fails with a reason', async () => {
    const conn = new PortfolioStreamConnection({
      kind: 'portfolio-stream',
      id: 'ps',
      url: 'ws://127.0.0.1:1/ws/portfolio',
      sessionCookie: 'x',
    });
    expect(conn.capabilities.trading).toBe(false);
    const r = await conn.placeOrder({
      connectionId: 'ps',
      accountId: 'user-demo',
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      qty: 1,
      tif: 'day',
      clientOrderId: 'c1',
    });
    expect(r).toEqual({
      status: 'rejected',
      code: 'read_only',
      reason: expect.stringMatching(/read-only/),
    });
    const existing = { id: 'o1', accountId: 'user-demo' } as Parameters<typeof conn.cancelOrder>[0];
    expect(await conn.cancelOrder(existing, { idempotencyKey: 'k1' })).toEqual(
      expect.objectContaining({ status: 'rejected', code: 'read_only' }),
    );
    expect(await conn.modifyOrder(existing, { qty: 2, idempotencyKey: 'k2' })).toEqual(
      expect.objectContaining({ status: 'rejected', code: 'read_only' }),
    );
    // Nothing was ever placed through it, so an unknown outcome resolves as "not there".
    expect(await conn.lookupOrder('c1', 'user-demo')).toEqual({ status: 'not_found' });
  });
});

// PEREGRINE_CONNECTIONS is read as profile entries: test/main/core/connections/environment.test.ts.

describe('trades → fills', () => {
  it('attributes a trade to the filled order in the same batch, or to a synthetic id', async () => {
    sim = new PortfolioStreamSim({ batchIntervalMs: 20 });
    const addr = await sim.start();
    const conn = new PortfolioStreamConnection({
      kind: 'portfolio-stream',
      id: 'ps',
      url: addr.url,
      sessionCookie: DEMO_SESSION,
    });
    const events: ConnectionEvent[] = [];
    await conn.start((_id, e) => events.push(e));
    await until(() => events.some((e) => e.type === 'fill'), 'a fill', 15_000);
    await conn.stop();
    const fill = events.find((e) => e.type === 'fill');
    const orderIds = new Set(events.flatMap((e) => (e.type === 'order' ? [e.order.id] : [])));
    expect(fill?.type === 'fill' && orderIds.has(fill.fill.orderId)).toBe(true);
  });
});
