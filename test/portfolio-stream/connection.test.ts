import { afterEach, describe, expect, it } from 'vitest';
import { connectionsFromEnv, createConnection } from '../../src/main/core/brokers/registry';
import type { ConnectionEvent, ResyncSnapshot } from '../../src/main/core/connection';
import { DEMO_SESSION, PortfolioStreamSim } from '../../sim/portfolio-stream/server';
import { until } from '../supervisor/support';

let sim: PortfolioStreamSim | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

describe('portfolio-stream connection', () => {
  it('goes live and delivers the gateway portfolio as a resync snapshot, then live updates', async () => {
    sim = new PortfolioStreamSim({ batchIntervalMs: 50 });
    const addr = await sim.start();
    const conn = createConnection({
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
    const conn = createConnection({
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
    expect(r).toEqual({ status: 'rejected', code: 'read_only', reason: expect.stringMatching(/read-only/) });
  });
});

describe('connectionsFromEnv', () => {
  it('reads configs and takes the session cookie from the named variable', () => {
    const configs = connectionsFromEnv({
      PEREGRINE_CONNECTIONS: JSON.stringify([
        {
          kind: 'portfolio-stream',
          id: 'ps',
          url: 'ws://127.0.0.1:7401/ws/portfolio',
          sessionCookieEnv: 'PS_COOKIE',
          backoff: { capMs: 15000 },
        },
      ]),
      PS_COOKIE: 'secret-session',
    });
    expect(configs).toEqual([
      {
        kind: 'portfolio-stream',
        id: 'ps',
        url: 'ws://127.0.0.1:7401/ws/portfolio',
        sessionCookie: 'secret-session',
        backoff: { capMs: 15000 },
      },
    ]);
  });

  it('is empty when unset, and fails loudly on bad JSON, unknown kinds or a missing secret', () => {
    expect(connectionsFromEnv({})).toEqual([]);
    expect(() => connectionsFromEnv({ PEREGRINE_CONNECTIONS: '[{' })).toThrow(/not valid JSON/);
    expect(() => connectionsFromEnv({ PEREGRINE_CONNECTIONS: '[{"kind":"nope","id":"x"}]' })).toThrow(
      /PEREGRINE_CONNECTIONS\[0\]/,
    );
    expect(() =>
      connectionsFromEnv({
        PEREGRINE_CONNECTIONS:
          '[{"kind":"portfolio-stream","id":"ps","url":"ws://h/ws","sessionCookieEnv":"MISSING"}]',
      }),
    ).toThrow(/MISSING/);
  });
});

describe('trades → fills', () => {
  it('attributes a trade to the filled order in the same batch, or to a synthetic id', async () => {
    sim = new PortfolioStreamSim({ batchIntervalMs: 20 });
    const addr = await sim.start();
    const conn = createConnection({
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
