/** The shared venue's matcher, driven tick by tick with hand-made quotes and prints. */
import { describe, expect, it } from 'vitest';
import { type BookOrder, type BookTick, OrderBook } from '../../src/exchange/orderBook';

type Event =
  | { kind: 'fill'; id: string; qty: number; price: number }
  | { kind: 'done'; id: string; status: string; cause: string }
  | { kind: 'changed'; id: string; change: string; qty: number; stop: number | null };

/** A book on a 0.25 tick grid, opened at 100.00 / 100.25, that records what it reports. */
function venue(opening: Partial<BookTick> = {}) {
  const events: Event[] = [];
  const book = new OrderBook(
    { tickSize: 0.25, qtyStep: 1 },
    {
      fill: (o: BookOrder, qty, price) => events.push({ kind: 'fill', id: o.id, qty, price }),
      done: (o, cause) => events.push({ kind: 'done', id: o.id, status: o.status, cause }),
      changed: (o, change) =>
        events.push({ kind: 'changed', id: o.id, change, qty: o.qty, stop: o.stopPrice }),
    },
    { bid: 100, ask: 100.25, bidSize: 10, askSize: 10, last: 100, tradeSize: 0, ...opening },
  );
  /** A print at `price` with the touch one tick around it. */
  const trade = (price: number, size = 5, depth = 10) =>
    book.tick({
      bid: price - 0.25,
      ask: price,
      bidSize: depth,
      askSize: depth,
      last: price,
      tradeSize: size,
    });
  const quote = (bid: number, ask: number, depth = 10) =>
    book.tick({ bid, ask, bidSize: depth, askSize: depth, last: bid, tradeSize: 0 });
  const of = (kind: Event['kind']) => events.filter((e) => e.kind === kind);
  return { book, events, trade, quote, of };
}

describe('order book: market and limit orders', () => {
  it('fills a market order at the touch, against displayed size, the rest on later ticks', () => {
    const v = venue({ askSize: 4 });
    v.book.add({ id: 'm1', side: 'buy', type: 'market', qty: 10 });
    expect(v.of('fill')).toEqual([{ kind: 'fill', id: 'm1', qty: 4, price: 100.25 }]);
    v.quote(100.5, 100.75, 3);
    v.quote(101, 101.25, 50);
    expect(v.of('fill').map((e) => e.kind === 'fill' && [e.qty, e.price])).toEqual([
      [4, 100.25],
      [3, 100.75],
      [3, 101.25],
    ]);
    expect(v.book.order('m1')).toBeUndefined();
  });

  it('fills a resting limit when a trade prints through it, at its limit', () => {
    const v = venue();
    v.book.add({ id: 'l1', side: 'buy', type: 'limit', qty: 8, limitPrice: 99 });
    expect(v.of('fill')).toEqual([]);
    v.trade(98.75, 5, 0);
    expect(v.of('fill')).toEqual([{ kind: 'fill', id: 'l1', qty: 5, price: 99 }]);
    expect(v.book.order('l1')?.status).toBe('partially_filled');
  });

  it('cancels the unfilled rest of an IOC and expires at expiresAt', () => {
    const v = venue({ askSize: 2 });
    v.book.add({ id: 'i1', side: 'buy', type: 'market', qty: 5, tif: 'ioc' });
    v.book.add({ id: 'd1', side: 'sell', type: 'limit', qty: 1, limitPrice: 110, expiresAt: 1000 });
    v.book.expire(999);
    v.book.expire(1000);
    expect(v.of('done')).toEqual([
      { kind: 'done', id: 'i1', status: 'cancelled', cause: 'ioc' },
      { kind: 'done', id: 'd1', status: 'expired', cause: 'expired' },
    ]);
  });
});

describe('order book: OCO', () => {
  it('cancels the stop when the take-profit fills', () => {
    const v = venue();
    v.book.addOco(
      { id: 'tp', side: 'sell', type: 'limit', qty: 3, limitPrice: 102 },
      { id: 'sl', side: 'sell', type: 'stop', qty: 3, stopPrice: 98 },
    );
    v.trade(101);
    expect(v.events).toEqual([]);
    v.trade(102.25);
    expect(v.events).toEqual([
      { kind: 'fill', id: 'tp', qty: 3, price: 102 },
      { kind: 'done', id: 'sl', status: 'cancelled', cause: 'oco' },
    ]);
    v.trade(97);
    expect(v.of('fill')).toHaveLength(1);
  });

  it('cancels the take-profit as soon as the stop triggers, then fills the stop at the touch', () => {
    const v = venue();
    v.book.addOco(
      { id: 'tp', side: 'sell', type: 'limit', qty: 3, limitPrice: 102 },
      { id: 'sl', side: 'sell', type: 'stop', qty: 3, stopPrice: 98 },
    );
    v.trade(98);
    expect(v.events).toEqual([
      { kind: 'changed', id: 'sl', change: 'triggered', qty: 3, stop: 98 },
      { kind: 'done', id: 'tp', status: 'cancelled', cause: 'oco' },
      { kind: 'fill', id: 'sl', qty: 3, price: 97.75 },
    ]);
  });

  it('cancels both legs when either is cancelled', () => {
    const v = venue();
    v.book.addOco(
      { id: 'a', side: 'buy', type: 'limit', qty: 1, limitPrice: 99 },
      { id: 'b', side: 'buy', type: 'stop', qty: 1, stopPrice: 101 },
    );
    v.book.cancel('b');
    expect(v.of('done').map((e) => e.kind === 'done' && [e.id, e.cause])).toEqual([
      ['b', 'user'],
      ['a', 'oco'],
    ]);
    expect(v.book.size).toBe(0);
  });
});

describe('order book: brackets', () => {
  it('keeps the exits pending until the entry fills, then sizes them to each fill', () => {
    const v = venue();
    const { takeProfit, stopLoss } = v.book.addBracket(
      { id: 'e', side: 'buy', type: 'limit', qty: 10, limitPrice: 99 },
      {
        takeProfit: { id: 'e-tp', side: 'sell', type: 'limit', limitPrice: 103 },
        stopLoss: { id: 'e-sl', side: 'sell', type: 'stop', stopPrice: 97 },
      },
    );
    expect([takeProfit?.status, stopLoss?.status]).toEqual(['pending', 'pending']);
    v.trade(103.5); // would fill the take-profit, were it live
    expect(v.events).toEqual([]);
    v.trade(99, 4, 0);
    expect(v.events).toEqual([
      { kind: 'fill', id: 'e', qty: 4, price: 99 },
      { kind: 'changed', id: 'e-tp', change: 'activated', qty: 4, stop: null },
      { kind: 'changed', id: 'e-sl', change: 'activated', qty: 4, stop: 97 },
    ]);
    v.trade(98.75, 3, 0);
    expect(v.events.slice(3)).toEqual([
      { kind: 'fill', id: 'e', qty: 3, price: 99 },
      { kind: 'changed', id: 'e-tp', change: 'resized', qty: 7, stop: null },
      { kind: 'changed', id: 'e-sl', change: 'resized', qty: 7, stop: 97 },
    ]);
    // The entry's rest is cancelled: what filled stays protected.
    v.book.cancel('e');
    expect(v.book.order('e-tp')?.status).toBe('working');
    v.trade(103.25);
    expect(v.events.slice(-2)).toEqual([
      { kind: 'fill', id: 'e-tp', qty: 7, price: 103 },
      { kind: 'done', id: 'e-sl', status: 'cancelled', cause: 'oco' },
    ]);
  });

  it('cancels the exits of an entry that ends with nothing filled', () => {
    const v = venue();
    v.book.addBracket(
      { id: 'e', side: 'sell', type: 'limit', qty: 2, limitPrice: 105 },
      {
        takeProfit: { id: 'e-tp', side: 'buy', type: 'limit', limitPrice: 100 },
        stopLoss: { id: 'e-sl', side: 'buy', type: 'stop', stopPrice: 107 },
      },
    );
    v.book.cancel('e');
    expect(v.of('done').map((e) => e.kind === 'done' && [e.id, e.cause])).toEqual([
      ['e', 'user'],
      ['e-tp', 'entry_unfilled'],
      ['e-sl', 'entry_unfilled'],
    ]);
    expect(v.book.open()).toEqual([]);
  });

  it('fills a market entry at the touch and activates its exits at once', () => {
    const v = venue();
    v.book.addBracket(
      { id: 'e', side: 'buy', type: 'market', qty: 2 },
      { stopLoss: { id: 'e-sl', side: 'sell', type: 'stop', stopPrice: 99 } },
    );
    expect(v.events).toEqual([
      { kind: 'fill', id: 'e', qty: 2, price: 100.25 },
      { kind: 'changed', id: 'e-sl', change: 'activated', qty: 2, stop: 99 },
    ]);
  });
});

describe('order book: trailing stops', () => {
  it('trails a sell stop by an amount below the best print, never moving it down', () => {
    const v = venue();
    v.book.add({ id: 't', side: 'sell', type: 'stop', qty: 1, trail: { by: 'amount', value: 1 } });
    expect(v.book.order('t')?.stopPrice).toBe(99);
    v.trade(101.5);
    expect(v.book.order('t')?.stopPrice).toBe(100.5);
    v.trade(100.75); // a dip that does not reach the stop leaves it where it is
    expect(v.book.order('t')?.stopPrice).toBe(100.5);
    expect(v.of('changed')).toEqual([
      { kind: 'changed', id: 't', change: 'stop_moved', qty: 1, stop: 100.5 },
    ]);
    v.trade(100.5);
    expect(v.of('fill')).toEqual([{ kind: 'fill', id: 't', qty: 1, price: 100.25 }]);
  });

  it('trails a buy stop by ticks above the lowest print', () => {
    const v = venue();
    v.book.add({ id: 't', side: 'buy', type: 'stop', qty: 1, trail: { by: 'ticks', value: 4 } });
    expect(v.book.order('t')?.stopPrice).toBe(101);
    v.trade(98);
    expect(v.book.order('t')?.stopPrice).toBe(99);
    v.trade(98.5); // a bounce short of the stop does not move a buy stop up
    expect(v.book.order('t')?.stopPrice).toBe(99);
    expect(v.of('fill')).toHaveLength(0);
    v.trade(99);
    expect(v.of('fill')).toEqual([{ kind: 'fill', id: 't', qty: 1, price: 99 }]);
  });

  it('trails by percent, rounding the stop away from the market onto the grid', () => {
    const v = venue();
    v.book.add({ id: 't', side: 'sell', type: 'stop', qty: 1, trail: { by: 'percent', value: 1.1 } });
    // 100 - 1.1 = 98.9 → 98.75 (never closer than asked).
    expect(v.book.order('t')?.stopPrice).toBe(98.75);
    v.trade(110);
    // 110 - 1.21 = 108.79 → 108.75.
    expect(v.book.order('t')?.stopPrice).toBe(108.75);
  });

  it('starts tracking only once a trade reaches the activation price', () => {
    const v = venue();
    v.book.add({
      id: 't',
      side: 'sell',
      type: 'stop',
      qty: 1,
      trail: { by: 'amount', value: 2, activationPrice: 103 },
    });
    expect(v.book.order('t')).toMatchObject({ armed: false, stopPrice: null });
    v.trade(95); // far below: nothing to trigger yet
    expect(v.of('fill')).toEqual([]);
    v.trade(103);
    expect(v.book.order('t')).toMatchObject({ armed: true, stopPrice: 101 });
    v.trade(104);
    expect(v.book.order('t')?.stopPrice).toBe(102);
    v.trade(102);
    expect(v.of('fill')).toHaveLength(1);
  });

  it('moves a trailing stop-limit with its limit offset kept', () => {
    const v = venue();
    v.book.add({
      id: 't',
      side: 'sell',
      type: 'stop_limit',
      qty: 1,
      limitPrice: 98.5,
      trail: { by: 'amount', value: 1 },
    });
    expect(v.book.order('t')).toMatchObject({ stopPrice: 99, limitPrice: 98.5 });
    v.trade(102);
    expect(v.book.order('t')).toMatchObject({ stopPrice: 101, limitPrice: 100.5 });
  });

  it('can be a bracket exit, armed when the entry fills', () => {
    const v = venue();
    v.book.addBracket(
      { id: 'e', side: 'buy', type: 'market', qty: 1 },
      { stopLoss: { id: 'e-sl', side: 'sell', type: 'stop', trail: { by: 'ticks', value: 2 } } },
    );
    expect(v.book.order('e-sl')).toMatchObject({ status: 'working', stopPrice: 99.5 });
    v.trade(101);
    expect(v.book.order('e-sl')?.stopPrice).toBe(100.5);
  });
});
