import { describe, expect, it } from 'vitest';
import { BarStore } from '../../../../src/main/core/bars';
import { StreamBatcher } from '../../../../src/main/core/batcher';
import { Ledger, orderVersionKey } from '../../../../src/main/core/ledger';
import { blankHealth } from '../../../../src/shared/domain';
import { positionKey } from '../../../../src/shared/keys';
import { ES, fill, order, quote } from '../fixtures';

const KEY = positionKey('c1', 'A1', 'ES');

function ledgerWithES(): Ledger {
  const l = new Ledger({ now: () => 5_000 });
  l.registerConnection('c1', 'demo');
  l.apply('c1', { type: 'instrument', instrument: ES });
  l.apply('c1', {
    type: 'account',
    account: { accountId: 'A1', name: 'Test', currency: 'USD', cash: 100_000 },
  });
  return l;
}

describe('Ledger positions from fills (average cost)', () => {
  it('averages partial fills in and realizes on reduction with the ES multiplier of 50', () => {
    const l = ledgerWithES();
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x1', side: 'buy', qty: 1, price: 5000 }) });
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x2', side: 'buy', qty: 2, price: 5003 }) });
    expect(l.position(KEY)).toMatchObject({ qty: 3, avgPrice: 5002, realizedPnl: 0 });
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x3', side: 'sell', qty: 1, price: 5010 }) });
    // (5010 - 5002) points * 1 contract * $50
    expect(l.position(KEY)).toMatchObject({ qty: 2, avgPrice: 5002, realizedPnl: 400 });
  });

  it('flips long to short through zero, re-opening at the fill price', () => {
    const l = ledgerWithES();
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x1', side: 'buy', qty: 2, price: 5000 }) });
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x2', side: 'sell', qty: 5, price: 5010 }) });
    expect(l.position(KEY)).toMatchObject({ qty: -3, avgPrice: 5010, realizedPnl: 1000 });
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x3', side: 'buy', qty: 3, price: 5000 }) });
    expect(l.position(KEY)).toMatchObject({ qty: 0, avgPrice: 0, realizedPnl: 2500, unrealizedPnl: 0 });
    expect(l.positions()).toHaveLength(1);
  });

  it('tracks fees separately from realized P&L and nets them in equity and day P&L', () => {
    const l = ledgerWithES();
    l.apply('c1', {
      type: 'fill',
      fill: fill({ id: 'x1', side: 'buy', qty: 2, price: 5000, commission: 4.5 }),
    });
    l.apply('c1', {
      type: 'fill',
      fill: fill({ id: 'x2', side: 'sell', qty: 2, price: 5001, commission: 4.5 }),
    });
    const p = l.position(KEY);
    expect(p?.realizedPnl).toBe(100);
    expect(p?.fees).toBe(9);
    // The broker reports cash after realized P&L and fees.
    l.apply('c1', {
      type: 'account',
      account: { accountId: 'A1', name: 'Test', currency: 'USD', cash: 100_091 },
    });
    expect(l.account('c1', 'A1')).toMatchObject({ realizedPnl: 100, fees: 9, equity: 100_091, dayPnl: 91 });
  });

  it('applies a repeated fill only once', () => {
    const l = ledgerWithES();
    const f = fill({ id: 'x1', side: 'buy', qty: 2, price: 5000, commission: 4.5 });
    l.apply('c1', { type: 'fill', fill: f });
    const first = l.takeChanges();
    l.apply('c1', { type: 'fill', fill: f });
    l.apply('c1', { type: 'fill', fill: { ...f } });
    expect(l.position(KEY)).toMatchObject({ qty: 2, fees: 4.5 });
    expect(first.fills).toHaveLength(1);
    expect(l.takeChanges().fills).toHaveLength(0);
    expect(l.fills()).toHaveLength(1);
  });
});

describe('Ledger marks', () => {
  it('marks unrealized P&L at the mid with the multiplier, else the last trade', () => {
    const l = ledgerWithES();
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x1', side: 'buy', qty: 2, price: 5000 }) });
    l.apply('c1', {
      type: 'quote',
      quote: quote({ symbol: 'ES', bid: 5004, ask: 5004.5, last: 5010, receivedAt: 7_000 }),
    });
    expect(l.position(KEY)).toMatchObject({
      last: 5004.25,
      markSource: 'mid',
      markedAt: 7_000,
      unrealizedPnl: 425,
    });
    expect(l.account('c1', 'A1')).toMatchObject({ unrealizedPnl: 425, equity: 100_425 });
    l.apply('c1', {
      type: 'quote',
      quote: quote({ symbol: 'ES', bid: 0, ask: 0, last: 4990, receivedAt: 8_000 }),
    });
    expect(l.position(KEY)).toMatchObject({ last: 4990, markSource: 'last', unrealizedPnl: -1000 });
  });

  it("uses a broker's reported mark only until a live quote arrives", () => {
    const l = ledgerWithES();
    l.apply('c1', {
      type: 'position',
      position: { accountId: 'A1', symbol: 'ES', qty: -1, avgPrice: 5000, mark: 4990, markedAt: 1_500 },
    });
    expect(l.position(KEY)).toMatchObject({
      last: 4990,
      markSource: 'broker',
      markedAt: 1_500,
      unrealizedPnl: 500,
    });
    l.apply('c1', { type: 'quote', quote: quote({ symbol: 'ES', bid: 5002, ask: 5002, receivedAt: 9_000 }) });
    expect(l.position(KEY)).toMatchObject({ last: 5002, markedAt: 9_000, unrealizedPnl: -100 });
    // A later broker report moves qty/avg but cannot drag the mark back to the broker's stale price.
    l.apply('c1', {
      type: 'position',
      position: { accountId: 'A1', symbol: 'ES', qty: -2, avgPrice: 5001, mark: 4990, markedAt: 9_500 },
    });
    expect(l.position(KEY)).toMatchObject({ qty: -2, last: 5002, markedAt: 9_000, unrealizedPnl: -100 });
  });

  it('does not move broker-reported positions with fills', () => {
    const l = ledgerWithES();
    l.apply('c1', {
      type: 'position',
      position: { accountId: 'A1', symbol: 'ES', qty: 1, avgPrice: 5000, mark: null, markedAt: null },
    });
    l.apply('c1', {
      type: 'fill',
      fill: fill({ id: 'x1', side: 'buy', qty: 1, price: 5000, commission: 2.25 }),
    });
    expect(l.position(KEY)).toMatchObject({ qty: 1, fees: 2.25, last: null, unrealizedPnl: 0 });
  });
});

describe('Ledger orders', () => {
  it('is monotone: a finished order never returns to working and older reports lose', () => {
    const l = ledgerWithES();
    l.apply('c1', {
      type: 'order',
      order: order({ status: 'partially_filled', filledQty: 2, updatedAt: 2_000 }),
    });
    l.apply('c1', {
      type: 'order',
      order: order({ status: 'partially_filled', filledQty: 1, updatedAt: 1_500 }),
    });
    expect(l.order('c1', 'o1')?.filledQty).toBe(2);
    l.apply('c1', { type: 'order', order: order({ status: 'working', filledQty: 2, updatedAt: 2_500 }) });
    expect(l.order('c1', 'o1')?.status).toBe('partially_filled');
    l.apply('c1', { type: 'order', order: order({ status: 'filled', filledQty: 3, updatedAt: 3_000 }) });
    l.apply('c1', { type: 'order', order: order({ status: 'working', filledQty: 0, updatedAt: 4_000 }) });
    l.apply('c1', { type: 'order', order: order({ status: 'cancelled', filledQty: 3, updatedAt: 4_000 }) });
    expect(l.order('c1', 'o1')).toMatchObject({ status: 'filled', filledQty: 3 });
  });

  it('orders versions by progress first: a fill dated before the last "accepted" still wins', () => {
    const l = ledgerWithES();
    // Accepted, reported in a frame at 2 000; the fill is dated by the exchange at 1 900.
    l.apply('c1', { type: 'order', order: order({ status: 'working', updatedAt: 2_000 }) });
    l.apply('c1', {
      type: 'order',
      order: order({ status: 'filled', filledQty: 3, avgFillPrice: 5000, updatedAt: 1_900 }),
    });
    expect(l.order('c1', 'o1')).toMatchObject({ status: 'filled', filledQty: 3 });
    // More filled at the same rank also moves forward whatever its date.
    l.apply('c1', { type: 'order', order: order({ id: 'o2', status: 'partially_filled', filledQty: 1 }) });
    l.apply('c1', {
      type: 'order',
      order: order({ id: 'o2', status: 'partially_filled', filledQty: 2, updatedAt: 500 }),
    });
    expect(l.order('c1', 'o2')?.filledQty).toBe(2);
  });

  it('uses the date only between versions at the same progress: an older modify loses', () => {
    const l = ledgerWithES();
    l.apply('c1', { type: 'order', order: order({ limitPrice: 5001, updatedAt: 2_000 }) });
    l.apply('c1', { type: 'order', order: order({ limitPrice: 4999, updatedAt: 1_500 }) });
    expect(l.order('c1', 'o1')?.limitPrice).toBe(5001);
    l.apply('c1', { type: 'order', order: order({ limitPrice: 4998, updatedAt: 2_500 }) });
    expect(l.order('c1', 'o1')?.limitPrice).toBe(4998);
  });

  it('lets a resync advance an order whose fill is dated before its last update', () => {
    const l = ledgerWithES();
    l.apply('c1', { type: 'order', order: order({ status: 'working', updatedAt: 2_000 }) });
    l.apply('c1', {
      type: 'resync',
      snapshot: {
        accounts: [],
        orders: [order({ status: 'filled', filledQty: 3, avgFillPrice: 5000, updatedAt: 1_900 })],
        fills: [],
      },
    });
    expect(l.order('c1', 'o1')?.status).toBe('filled');
    expect(l.position(KEY)?.qty).toBe(3);
  });

  it('ignores a repeated version and records no change for it', () => {
    const l = ledgerWithES();
    const o = order();
    l.apply('c1', { type: 'order', order: o });
    expect([...l.takeChanges().orders]).toEqual(['c1:o1']);
    l.apply('c1', { type: 'order', order: { ...o } });
    expect(l.takeChanges().orders.size).toBe(0);
    // A modify (new price) is a new version and is applied.
    l.apply('c1', { type: 'order', order: order({ limitPrice: 4999.75, updatedAt: 1_100 }) });
    expect(l.order('c1', 'o1')?.limitPrice).toBe(4999.75);
    expect(orderVersionKey(order())).not.toBe(orderVersionKey(order({ limitPrice: 4999.75 })));
  });
});

describe('Ledger verification and resync', () => {
  it('marks the account unverified on link loss and verified after reconciling a snapshot', () => {
    const l = ledgerWithES();
    expect(l.account('c1', 'A1')?.verified).toBe(false);
    l.apply('c1', { type: 'resync', snapshot: { accounts: [], orders: [], fills: [] } });
    expect(l.account('c1', 'A1')?.verified).toBe(true);
    l.apply('c1', { type: 'order', order: order({ qty: 3 }) });
    l.apply('c1', { type: 'unverified' });
    expect(l.account('c1', 'A1')?.verified).toBe(false);

    // While we were away the order filled in two executions; the snapshot lists them.
    l.apply('c1', {
      type: 'resync',
      snapshot: {
        accounts: [{ accountId: 'A1', name: 'Test', currency: 'USD', cash: 100_000 }],
        orders: [order({ status: 'filled', filledQty: 3, avgFillPrice: 5000, updatedAt: 3_000 })],
        fills: [
          fill({ id: 'x1', side: 'buy', qty: 1, price: 5000 }),
          fill({ id: 'x2', side: 'buy', qty: 2, price: 5000 }),
        ],
      },
    });
    expect(l.order('c1', 'o1')?.status).toBe('filled');
    expect(l.position(KEY)).toMatchObject({ qty: 3, avgPrice: 5000 });
    expect(l.account('c1', 'A1')?.verified).toBe(true);
  });

  it('synthesizes fills the snapshot omits from the order’s filled quantity and average', () => {
    const l = ledgerWithES();
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x1', side: 'buy', qty: 1, price: 5000 }) });
    l.apply('c1', {
      type: 'resync',
      snapshot: {
        accounts: [],
        orders: [order({ status: 'filled', filledQty: 3, avgFillPrice: 5002, updatedAt: 3_000 })],
        fills: [],
      },
    });
    // 3 @ 5002 in total, 1 @ 5000 known → the missing 2 filled at 5003.
    expect(l.position(KEY)).toMatchObject({ qty: 3, avgPrice: 5002 });
    expect(l.fills().map((f) => [f.qty, f.price])).toEqual([
      [1, 5000],
      [2, 5003],
    ]);
    // Reconciling again synthesizes nothing more.
    l.apply('c1', { type: 'resync', snapshot: { accounts: [], orders: [], fills: [] } });
    expect(l.position(KEY)?.qty).toBe(3);
  });

  it('anchors a reported account to the positions of the same snapshot (no double-counted marks)', () => {
    const l = ledgerWithES();
    l.apply('c1', {
      type: 'resync',
      snapshot: {
        accounts: [
          { accountId: 'A1', name: 'Test', currency: 'USD', cash: 10_000, equity: 10_500, dayPnl: 100 },
        ],
        orders: [],
        fills: [],
        positions: [{ accountId: 'A1', symbol: 'ES', qty: 2, avgPrice: 5000, mark: 5001, markedAt: 4_000 }],
      },
    });
    expect(l.account('c1', 'A1')).toMatchObject({ unrealizedPnl: 100, equity: 10_500, dayPnl: 100 });
    expect(l.brokerReportsPnl('c1', 'A1')).toBe(true);
  });

  it('a spot account: equity is cash plus what it holds at market, and the day starts once marked', () => {
    const l = ledgerWithES();
    l.apply('c1', {
      type: 'resync',
      snapshot: {
        // The cash already paid for the holding: it must not read as a loss.
        accounts: [{ accountId: 'A1', name: 'Spot', currency: 'USD', cash: 10_000, spot: true }],
        orders: [],
        fills: [],
        positions: [{ accountId: 'A1', symbol: 'ES', qty: 2, avgPrice: 5000, mark: null, markedAt: null }],
      },
    });
    const mult = l.position(KEY)?.multiplier ?? 1;
    expect(l.account('c1', 'A1')).toMatchObject({ equity: 10_000 + 2 * 5000 * mult, dayPnl: 0 });
    l.apply('c1', { type: 'quote', quote: quote({ symbol: 'ES', bid: 5000, ask: 5000.5, last: 5000.25 }) });
    const start = l.account('c1', 'A1')?.equity ?? 0;
    expect(start).toBe(10_000 + 2 * (l.position(KEY)?.last ?? 0) * mult);
    expect(l.account('c1', 'A1')?.dayPnl).toBe(0);
    l.apply('c1', {
      type: 'quote',
      quote: quote({ symbol: 'ES', bid: 5010, ask: 5010.5, last: 5010.25, ts: 3_000, receivedAt: 3_000 }),
    });
    const marked = l.position(KEY)?.last ?? 0;
    expect(l.account('c1', 'A1')).toMatchObject({
      equity: 10_000 + 2 * marked * mult,
      dayPnl: 10_000 + 2 * marked * mult - start,
    });
  });

  it('flattens positions a position-reporting broker no longer lists', () => {
    const l = ledgerWithES();
    l.apply('c1', {
      type: 'position',
      position: { accountId: 'A1', symbol: 'ES', qty: 2, avgPrice: 5000, mark: null, markedAt: null },
    });
    l.apply('c1', { type: 'resync', snapshot: { accounts: [], orders: [], fills: [], positions: [] } });
    expect(l.position(KEY)?.qty).toBe(0);
    expect(l.positions()).toHaveLength(1);
  });
});

describe('Ledger reconciliation and late real fills', () => {
  it('books executions once when their real fills arrive after reconciliation synthesized them', () => {
    const l = ledgerWithES();
    l.apply('c1', { type: 'order', order: order({ qty: 3 }) });
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x1', side: 'buy', qty: 1, price: 5000 }) });
    l.apply('c1', { type: 'unverified' });
    // Reconnect: the order filled while we were away; the snapshot omits the two missed fills.
    l.apply('c1', {
      type: 'resync',
      snapshot: {
        accounts: [],
        orders: [order({ qty: 3, status: 'filled', filledQty: 3, avgFillPrice: 5002, updatedAt: 3_000 })],
        fills: [],
      },
    });
    expect(l.position(KEY)).toMatchObject({ qty: 3, avgPrice: 5002 });
    // The broker then delivers the real executions (same quantity, their own ids and fees).
    l.apply('c1', {
      type: 'fill',
      fill: fill({ id: 'x2', side: 'buy', qty: 1, price: 5002, commission: 1.5 }),
    });
    l.apply('c1', {
      type: 'fill',
      fill: fill({ id: 'x3', side: 'buy', qty: 1, price: 5004, commission: 1.5 }),
    });
    expect(l.position(KEY)).toMatchObject({ qty: 3, avgPrice: 5002, fees: 3 });
    // A further resync has nothing left to synthesize.
    l.apply('c1', {
      type: 'resync',
      snapshot: {
        accounts: [],
        orders: [order({ qty: 3, status: 'filled', filledQty: 3, avgFillPrice: 5002, updatedAt: 3_000 })],
        fills: [],
      },
    });
    expect(l.position(KEY)?.qty).toBe(3);
    // The real executions replaced the reconciled row: each execution is listed once.
    expect(l.fills().map((f) => f.id)).toEqual(['x1', 'x2', 'x3']);
  });

  it('tags a reconciled fill, shrinks it as real fills arrive and removes it once they cover it', () => {
    const l = ledgerWithES();
    l.apply('c1', { type: 'order', order: order({ qty: 3 }) });
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x1', side: 'buy', qty: 1, price: 5000 }) });
    l.apply('c1', {
      type: 'resync',
      snapshot: {
        accounts: [],
        orders: [order({ qty: 3, status: 'filled', filledQty: 3, avgFillPrice: 5002, updatedAt: 3_000 })],
        fills: [],
      },
    });
    const synthId = 'synthetic:o1:3';
    expect(l.fills().map((f) => [f.id, f.qty, f.synthetic])).toEqual([
      ['x1', 1, undefined],
      [synthId, 2, true],
    ]);
    l.takeChanges();
    // One of the two reconciled contracts is confirmed: the reconciled row shrinks to the other.
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x2', side: 'buy', qty: 1, price: 5002 }) });
    let c = l.takeChanges();
    expect(c.fills.map((f) => [f.id, f.qty])).toEqual([
      ['x2', 1],
      [synthId, 1],
    ]);
    expect(c.removed.fills.size).toBe(0);
    expect(l.fills().map((f) => [f.id, f.qty])).toEqual([
      ['x1', 1],
      [synthId, 1],
      ['x2', 1],
    ]);
    // The last one arrives: the reconciled row is gone, and the stream says so.
    l.apply('c1', { type: 'fill', fill: fill({ id: 'x3', side: 'buy', qty: 1, price: 5004 }) });
    c = l.takeChanges();
    expect(c.fills.map((f) => f.id)).toEqual(['x3']);
    expect([...c.removed.fills]).toEqual([`c1:${synthId}`]);
    expect(l.fills().map((f) => f.id)).toEqual(['x1', 'x2', 'x3']);
    expect(l.fills().some((f) => f.synthetic === true)).toBe(false);
    expect(l.position(KEY)).toMatchObject({ qty: 3, avgPrice: 5002 });
  });

  it('still books executions that happen after the reconciled quantity', () => {
    const l = ledgerWithES();
    l.apply('c1', { type: 'order', order: order({ qty: 5 }) });
    l.apply('c1', {
      type: 'resync',
      snapshot: {
        accounts: [],
        orders: [
          order({ qty: 5, status: 'partially_filled', filledQty: 2, avgFillPrice: 5000, updatedAt: 2_000 }),
        ],
        fills: [],
      },
    });
    expect(l.position(KEY)?.qty).toBe(2);
    // Late real fills for the two reconciled contracts, then two new ones.
    l.apply('c1', { type: 'fill', fill: fill({ id: 'a', side: 'buy', qty: 1, price: 5000 }) });
    l.apply('c1', { type: 'fill', fill: fill({ id: 'b', side: 'buy', qty: 1, price: 5000 }) });
    expect(l.position(KEY)?.qty).toBe(2);
    l.apply('c1', { type: 'fill', fill: fill({ id: 'c', side: 'buy', qty: 2, price: 5010 }) });
    expect(l.position(KEY)).toMatchObject({ qty: 4, avgPrice: 5005 });
  });
});

describe('Ledger orders a resync does not list', () => {
  it('keeps the order as last reported and alerts once that the broker did not report it', () => {
    const l = ledgerWithES();
    l.apply('c1', { type: 'order', order: order({ id: 'o7', qty: 2 }) });
    l.takeChanges();
    l.apply('c1', { type: 'resync', snapshot: { accounts: [], orders: [], fills: [] } });
    const c = l.takeChanges();
    expect(l.order('c1', 'o7')?.status).toBe('working');
    expect(c.alerts).toHaveLength(1);
    expect(c.alerts[0]).toMatchObject({ level: 'warning' });
    expect(c.alerts[0]?.title).toBe('Order o7 not reported by broker after reconnect');
    // Not listed again: no second alert for the same order.
    l.apply('c1', { type: 'resync', snapshot: { accounts: [], orders: [], fills: [] } });
    expect(l.takeChanges().alerts).toHaveLength(0);
    // The snapshot saying how it ended is what makes it terminal.
    l.apply('c1', {
      type: 'resync',
      snapshot: {
        accounts: [],
        orders: [order({ id: 'o7', qty: 2, status: 'cancelled', updatedAt: 5_000 })],
        fills: [],
      },
    });
    expect(l.order('c1', 'o7')?.status).toBe('cancelled');
    expect(l.takeChanges().alerts).toHaveLength(0);
  });

  it('carries the alert into the next stream batch', () => {
    const l = ledgerWithES();
    const batcher = new StreamBatcher(l, new BarStore(), { autoFlush: false, now: () => 1 });
    l.apply('c1', { type: 'order', order: order({ id: 'o8' }) });
    batcher.flush();
    l.apply('c1', { type: 'resync', snapshot: { accounts: [], orders: [], fills: [] } });
    const b = batcher.flush();
    expect(b?.alerts.map((a) => a.title)).toEqual(['Order o8 not reported by broker after reconnect']);
  });
});

describe('Ledger execution-id memory', () => {
  it('stays bounded and still rejects a replayed fill of a finished order after its id is forgotten', () => {
    const l = new Ledger({ now: () => 5_000, maxExecIds: 4 });
    l.registerConnection('c1', 'demo');
    l.apply('c1', { type: 'instrument', instrument: ES });
    l.apply('c1', { type: 'order', order: order({ id: 'o1', qty: 2 }) });
    const x1 = fill({ id: 'x1', orderId: 'o1', side: 'buy', qty: 1, price: 5000, commission: 1 });
    l.apply('c1', { type: 'fill', fill: x1 });
    l.apply('c1', {
      type: 'fill',
      fill: fill({ id: 'x2', orderId: 'o1', side: 'buy', qty: 1, price: 5000, commission: 1 }),
    });
    l.apply('c1', {
      type: 'order',
      order: order({
        id: 'o1',
        qty: 2,
        status: 'filled',
        filledQty: 2,
        avgFillPrice: 5000,
        updatedAt: 2_000,
      }),
    });
    // Within the window, a replay is caught by its id.
    l.apply('c1', { type: 'fill', fill: { ...x1 } });
    expect(l.position(KEY)).toMatchObject({ qty: 2, fees: 2 });
    // Many later executions of another order push x1 and x2 out of the id memory.
    for (let i = 0; i < 6; i++)
      l.apply('c1', {
        type: 'fill',
        fill: fill({ id: `y${i}`, orderId: 'o2', side: 'buy', qty: 1, price: 5000 }),
      });
    expect(l.rememberedExecIds).toBe(4);
    expect(l.position(KEY)?.qty).toBe(8);
    // The broker replays the session after a reconnect: o1 is finished and fully booked.
    l.apply('c1', { type: 'fill', fill: { ...x1 } });
    expect(l.position(KEY)).toMatchObject({ qty: 8, fees: 2 });
    // A remembered id of the open order is still rejected by id.
    l.apply('c1', {
      type: 'fill',
      fill: fill({ id: 'y5', orderId: 'o2', side: 'buy', qty: 1, price: 5000 }),
    });
    expect(l.position(KEY)?.qty).toBe(8);
  });
});

describe('Ledger.forgetConnection', () => {
  function twoConnections(): Ledger {
    const l = ledgerWithES();
    l.registerConnection('c2', 'live');
    l.apply('c2', { type: 'instrument', instrument: { ...ES, connectionId: 'c2' } });
    l.apply('c2', {
      type: 'account',
      account: { accountId: 'B1', name: 'Other', currency: 'USD', cash: 5_000 },
    });
    for (const c of ['c1', 'c2']) {
      const accountId = c === 'c1' ? 'A1' : 'B1';
      l.apply(c, { type: 'order', order: order({ id: `o-${c}`, connectionId: c, accountId }) });
      l.apply(c, {
        type: 'fill',
        fill: fill({
          id: `x-${c}`,
          orderId: `o-${c}`,
          connectionId: c,
          accountId,
          side: 'buy',
          qty: 1,
          price: 5000,
        }),
      });
      l.apply(c, { type: 'quote', quote: quote({ symbol: 'ES', connectionId: c }) });
      l.apply(c, {
        type: 'health',
        health: {
          ...blankHealth({ id: c, kind: 'test', label: c, mode: 'demo', state: 'live', since: 0 }),
        },
      });
    }
    return l;
  }

  it('drops everything the connection reported and records each removal; others stay', () => {
    const l = twoConnections();
    l.takeChanges();
    l.forgetConnection('c1');
    const c = l.takeChanges();
    expect(l.connections().map((h) => h.id)).toEqual(['c2']);
    expect(l.accounts().map((a) => a.connectionId)).toEqual(['c2']);
    expect(l.positions().map((p) => p.connectionId)).toEqual(['c2']);
    expect(l.orders().map((o) => o.connectionId)).toEqual(['c2']);
    expect(l.fills().map((f) => f.connectionId)).toEqual(['c2']);
    expect(l.quotes().map((q) => q.connectionId)).toEqual(['c2']);
    expect(l.instruments().map((i) => i.connectionId)).toEqual(['c2']);
    expect([...c.removed.connections]).toEqual(['c1']);
    expect([...c.removed.accounts]).toEqual(['c1:A1']);
    expect([...c.removed.positions]).toEqual([KEY]);
    expect([...c.removed.orders]).toEqual(['c1:o-c1']);
    // A consumer keeping one listing per symbol gets c2's ES back.
    expect(c.instruments.map((i) => i.connectionId)).toEqual(['c2']);
  });

  it('drops pending changes of the forgotten connection; later changes under the same id are kept', () => {
    const l = twoConnections();
    l.forgetConnection('c1');
    let c = l.takeChanges();
    expect([...c.orders]).toEqual(['c2:o-c2']);
    expect(c.fills.map((f) => f.connectionId)).toEqual(['c2']);
    expect([...c.quotes.keys()]).toEqual(['c2:ES']);
    // Re-created after the removal (a replaced connection): a fresh account, reported again.
    l.forgetConnection('c2');
    l.apply('c2', {
      type: 'account',
      account: { accountId: 'B1', name: 'Other', currency: 'USD', cash: 7_000 },
    });
    c = l.takeChanges();
    expect([...c.removed.accounts]).toEqual(['c2:B1']);
    expect([...c.accounts]).toEqual(['c2:B1']);
    expect(l.account('c2', 'B1')).toMatchObject({ cash: 7_000, verified: false });
    // Its old execution ids are forgotten with it: the same fill id books again.
    l.apply('c2', {
      type: 'fill',
      fill: fill({
        id: 'x-c2',
        orderId: 'o-c2',
        connectionId: 'c2',
        accountId: 'B1',
        side: 'buy',
        qty: 1,
        price: 5000,
      }),
    });
    expect(l.position(positionKey('c2', 'B1', 'ES'))?.qty).toBe(1);
  });
});
