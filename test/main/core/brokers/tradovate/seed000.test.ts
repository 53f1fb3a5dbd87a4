/**
 * Seed 000 (a Tradovate position tracker) failed three ways: a socket that never reconnected, P&L
 * frozen on the REST `prevPrice`, the same position shown several times. Each requirement of its
 * guide is a named test here, against the simulator over real sockets, through a real ledger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../../../src/shared/domain';
import { TRADOVATE_ACCOUNT_ID } from '../../../../../sim/tradovate';
import { until } from '../../supervisor/support';
import { type ConnectionRig, connectionRig } from './harness';

let rig: ConnectionRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const account = String(TRADOVATE_ACCOUNT_ID);

function position(r: ConnectionRig, symbol: string) {
  return r.ledger.positions().filter((p) => p.symbol === symbol);
}

describe('seed 000 on Tradovate', () => {
  it('#1 reconnection: a dropped socket comes back with exponential backoff, and a retry limit ends in failed', async () => {
    const r = (rig = await connectionRig({
      config: { backoff: { baseMs: 20, capMs: 200, maxAttempts: 3 } },
    }));
    await r.waitState('live');
    r.sim.fault({ kind: 'drop' });
    await r.waitState('backoff');
    await r.waitState('live');
    expect(r.conn.health().reconnects).toBe(1);
    // The server goes away for good: attempts back off, then the connection gives up and says so.
    await r.sim.stop();
    await r.waitState('failed', 10_000);
    const h = r.conn.health();
    expect(h.attempt).toBeGreaterThanOrEqual(3);
    expect(h.lastError).not.toBeNull();
    const lifecycle = r.logs.filter((l) => l.msg === 'connection state').map((l) => l.to);
    expect(lifecycle).toEqual(expect.arrayContaining(['connecting', 'live', 'backoff', 'failed']));
  });

  it("#2 unrealized P&L follows live quotes at the broker's value per point, never prevPrice", async () => {
    const r = (rig = await connectionRig({
      sim: {
        worldOptions: { tickMs: 3_600_000 },
        seedPositions: [
          { symbol: 'MESZ6', qty: 2, avgPrice: 6800.25 },
          { symbol: 'ESZ6', qty: -1, avgPrice: 6830 },
        ],
      },
    }));
    await r.waitState('live');
    await until(
      () => position(r, 'MESZ6')[0]?.markSource === 'mid' || position(r, 'MESZ6')[0]?.markSource === 'last',
      'a live mark on MES',
    );
    await until(() => position(r, 'ESZ6')[0]?.last != null, 'a live mark on ES');
    const mes = position(r, 'MESZ6')[0];
    const es = position(r, 'ESZ6')[0];
    if (mes === undefined || es === undefined || mes.last === null || es.last === null)
      throw new Error('no positions');
    // Value per point from the broker's product entity: MES $5, ES $50.
    expect(mes.multiplier).toBe(5);
    expect(es.multiplier).toBe(50);
    // prevPrice (6760, yesterday's settlement) is never the mark.
    expect(mes.last).not.toBe(6760);
    expect(mes.unrealizedPnl).toBeCloseTo((mes.last - 6800.25) * 2 * 5, 6);
    expect(es.unrealizedPnl).toBeCloseTo((es.last - 6830) * -1 * 50, 6);
    // The market moves: the mark and the P&L move with it.
    const before = mes.last;
    // The sim's world clock is parked (huge tickMs): the tape moves only when stepped.
    const t0 = Date.now();
    for (let i = 0; i < 200; i++) r.sim.world.venue.step(t0 + i * 100);
    await until(() => position(r, 'MESZ6')[0]?.last !== before, 'the mark to follow the quotes');
    const after = position(r, 'MESZ6')[0];
    expect(after?.unrealizedPnl).toBeCloseTo(((after?.last ?? 0) - 6800.25) * 2 * 5, 6);
  });

  it('#3 one row per position through duplicate frames, overlapping snapshots and reconnects', async () => {
    const r = (rig = await connectionRig({ sim: { flowMs: 120, stepMs: 50 } }));
    await r.waitState('live');
    r.sim.fault({ kind: 'duplicate', count: 100 });
    await until(() => r.ledger.fills().length >= 2, 'fills');
    for (let i = 0; i < 2; i++) {
      r.sim.fault({ kind: 'drop' });
      await r.waitState('backoff');
      await r.waitState('live');
    }
    await until(() => r.ledger.fills().length >= 4, 'more fills');
    // Let the wire settle, then compare with the broker.
    await until(() => {
      const p = position(r, 'MESZ6');
      return p.length === 1 && p[0]?.qty === r.sim.book.account.position('MESZ6').qty;
    }, 'position to match the broker');
    expect(r.ledger.positions().filter((p) => p.accountId === account && p.symbol === 'MESZ6')).toHaveLength(
      1,
    );
    const ids = r.ledger.fills().map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    const orders = r.ledger.orders().map((o) => o.id);
    expect(new Set(orders).size).toBe(orders.length);
  });

  it('positions follow fills, cancellations, rejections and IOC expiry with net position and average price', async () => {
    const r = (rig = await connectionRig({ sim: { worldOptions: { tickMs: 3_600_000 } } }));
    await r.waitState('live');
    await until(() => position(r, 'MESZ6')[0]?.qty === 2, 'the seeded position');
    const q = r.sim.world.venue.quote('MESZ6');
    const base = { connectionId: 'tdv', accountId: account, symbol: 'MESZ6', tif: 'day' as const };
    // Cancellation: a resting limit far from the market, cancelled; the position is untouched.
    const limit = await r.conn.placeOrder({
      ...base,
      clientOrderId: 'c-limit',
      side: 'buy',
      type: 'limit',
      qty: 1,
      limitPrice: q.bid - 50,
    });
    expect(limit.status).toBe('accepted');
    await until(
      () => r.ledger.orders().some((o) => o.clientOrderId === 'c-limit' && o.status === 'working'),
      'working',
    );
    const working = r.ledger.orders().find((o) => o.clientOrderId === 'c-limit') as Order;
    expect((await r.conn.cancelOrder(working, { idempotencyKey: 'k1' })).status).toBe('accepted');
    await until(
      () => r.ledger.orders().some((o) => o.clientOrderId === 'c-limit' && o.status === 'cancelled'),
      'cancelled',
    );
    expect(position(r, 'MESZ6')[0]?.qty).toBe(2);
    // Rejection: the broker's reason reaches the order; the position is untouched.
    const rejected = await r.conn.placeOrder({
      ...base,
      clientOrderId: 'c-big',
      side: 'buy',
      type: 'market',
      qty: 500,
    });
    expect(rejected).toMatchObject({ status: 'rejected', code: 'MaxOrderQtyLimitReached' });
    expect(position(r, 'MESZ6')[0]?.qty).toBe(2);
    // IOC that cannot fill leaves the book at once.
    const ioc = await r.conn.placeOrder({
      ...base,
      clientOrderId: 'c-ioc',
      side: 'buy',
      type: 'limit',
      qty: 1,
      limitPrice: q.bid - 50,
      tif: 'ioc',
    });
    expect(ioc.status).toBe('accepted');
    await until(
      () => r.ledger.orders().some((o) => o.clientOrderId === 'c-ioc' && o.status === 'cancelled'),
      'ioc done',
    );
    // Fill: a market buy adds to the position at the broker's net price.
    const mkt = await r.conn.placeOrder({
      ...base,
      clientOrderId: 'c-mkt',
      side: 'buy',
      type: 'market',
      qty: 1,
    });
    expect(mkt.status).toBe('accepted');
    await until(() => position(r, 'MESZ6')[0]?.qty === 3, 'net position 3');
    const held = r.sim.book.account.position('MESZ6');
    expect(position(r, 'MESZ6')[0]?.avgPrice).toBeCloseTo(held.avgPrice, 9);
    expect(r.ledger.orders().find((o) => o.clientOrderId === 'c-mkt')?.status).toBe('filled');
  });

  it('duplicate prevention: an order state key ${ordStatus}-${price}-${filledQty}-${qty} is emitted once', async () => {
    const r = (rig = await connectionRig({ sim: { worldOptions: { tickMs: 3_600_000 } } }));
    await r.waitState('live');
    r.sim.fault({ kind: 'duplicate', count: 50 });
    const q = r.sim.world.venue.quote('MESZ6');
    await r.conn.placeOrder({
      connectionId: 'tdv',
      accountId: account,
      symbol: 'MESZ6',
      tif: 'day',
      clientOrderId: 'c-dup',
      side: 'sell',
      type: 'limit',
      qty: 2,
      limitPrice: q.ask + 40,
    });
    await until(() => r.ledger.orders().some((o) => o.clientOrderId === 'c-dup'), 'order');
    const id = r.ledger.orders().find((o) => o.clientOrderId === 'c-dup')?.id;
    const keys = r.events
      .filter((e) => e.type === 'order' && e.order.id === id)
      .map((e) =>
        e.type === 'order'
          ? `${e.order.status}-${e.order.limitPrice}-${e.order.filledQty}-${e.order.qty}`
          : '',
      );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('logs the connection lifecycle, order state changes (id, old, new, time) and errors with stack traces', async () => {
    let thrown = false;
    const r = (rig = await connectionRig({
      sinkHook: (e) => {
        if (e.type === 'quote' && !thrown) {
          thrown = true;
          throw new Error('sink exploded');
        }
      },
    }));
    await r.waitState('live');
    const q = r.sim.world.venue.quote('MESZ6');
    await r.conn.placeOrder({
      connectionId: 'tdv',
      accountId: account,
      symbol: 'MESZ6',
      tif: 'day',
      clientOrderId: 'c-log',
      side: 'buy',
      type: 'limit',
      qty: 1,
      limitPrice: q.bid - 30,
    });
    await until(() => r.logs.some((l) => l.msg === 'order status' && l.to === 'working'), 'order status log');
    const line = r.logs.find((l) => l.msg === 'order status' && l.to === 'working') ?? {};
    expect(line).toMatchObject({ connectionId: 'tdv', from: null, to: 'working' });
    expect(typeof line.orderId).toBe('string');
    expect(Number.isFinite(Date.parse(String(line.at)))).toBe(true);
    await until(() => r.logs.some((l) => l.msg === 'message handling failed'), 'error log');
    const err = r.logs.find((l) => l.msg === 'message handling failed')?.err as
      { stack?: string } | undefined;
    expect(err?.stack).toMatch(/sink exploded/);
    expect(r.conn.supervisor.state).toBe('live');
    expect(r.logs.some((l) => l.msg === 'connection state' && l.to === 'live')).toBe(true);
  });
});
