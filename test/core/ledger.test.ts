import { describe, expect, it } from 'vitest';
import { Ledger, orderVersionKey } from '../../src/main/core/ledger';
import { positionKey } from '../../src/shared/domain';
import { ES, fill, order, quote } from './fixtures';

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
    expect(l.position(KEY)).toMatchObject({ last: 5004.25, markedAt: 7_000, unrealizedPnl: 425 });
    expect(l.account('c1', 'A1')).toMatchObject({ unrealizedPnl: 425, equity: 100_425 });
    l.apply('c1', {
      type: 'quote',
      quote: quote({ symbol: 'ES', bid: 0, ask: 0, last: 4990, receivedAt: 8_000 }),
    });
    expect(l.position(KEY)).toMatchObject({ last: 4990, unrealizedPnl: -1000 });
  });

  it("uses a broker's reported mark only until a live quote arrives", () => {
    const l = ledgerWithES();
    l.apply('c1', {
      type: 'position',
      position: { accountId: 'A1', symbol: 'ES', qty: -1, avgPrice: 5000, mark: 4990, markedAt: 1_500 },
    });
    expect(l.position(KEY)).toMatchObject({ last: 4990, markedAt: 1_500, unrealizedPnl: 500 });
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
