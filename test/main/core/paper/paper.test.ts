import { describe, expect, it } from 'vitest';
import type { ConnectionEvent, PlaceOrder } from '../../../../src/main/core/connection';
import { PaperExchange, PAPER_ACCOUNT_ID } from '../../../../src/main/core/paper/exchange';
import { PaperConnection } from '../../../../src/main/core/paper/connection';
import type { Fill, Order, Quote } from '../../../../src/shared/domain';
import { isOnTick } from '../../../../src/shared/money';

const T0 = Date.UTC(2026, 0, 5, 14, 30);

function makeExchange(seed = 1) {
  const clock = { t: T0 };
  const ex = new PaperExchange({ seed, now: () => clock.t, historyMinutes: 60 });
  const fills: Fill[] = [];
  const orders: Order[] = [];
  const quotes: Quote[] = [];
  ex.onEvent((e: ConnectionEvent) => {
    if (e.type === 'fill') fills.push(e.fill);
    else if (e.type === 'order') orders.push(e.order);
    else if (e.type === 'quote') quotes.push(e.quote);
  });
  const step = () => {
    clock.t += 250;
    ex.step();
  };
  return { ex, clock, fills, orders, quotes, step };
}

function req(over: Partial<PlaceOrder> & Pick<PlaceOrder, 'symbol' | 'side' | 'type' | 'qty'>): PlaceOrder {
  return { connectionId: 'paper', accountId: PAPER_ACCOUNT_ID, tif: 'day', clientOrderId: 'test-1', ...over };
}

/** Step until `done()` or a bound, so a broken matcher fails instead of hanging. */
function stepUntil(step: () => void, done: () => boolean, max = 20_000): number {
  for (let i = 1; i <= max; i++) {
    step();
    if (done()) return i;
  }
  throw new Error('condition not reached');
}

describe('paper market', () => {
  it('is reproducible from its seed and keeps every price on the tick grid', () => {
    const a = makeExchange(7);
    const b = makeExchange(7);
    const c = makeExchange(8);
    for (let i = 0; i < 500; i++) {
      a.step();
      b.step();
      c.step();
    }
    expect(a.quotes.map((q) => [q.bid, q.ask, q.last, q.askSize])).toEqual(
      b.quotes.map((q) => [q.bid, q.ask, q.last, q.askSize]),
    );
    expect(a.quotes.map((q) => q.last)).not.toEqual(c.quotes.map((q) => q.last));
    expect(a.ex.history('ES', '1m', 60)).toEqual(b.ex.history('ES', '1m', 60));
    for (const q of a.quotes) {
      const tick = a.ex.instrument(q.symbol)?.tickSize ?? NaN;
      expect(isOnTick(q.bid, tick) && isOnTick(q.ask, tick) && isOnTick(q.last, tick)).toBe(true);
      expect(q.ask).toBeGreaterThan(q.bid);
    }
  });

  it('serves history that ends at the start price and aggregates 1m into 5m', () => {
    const { ex } = makeExchange();
    const m1 = ex.history('ES', '1m', 60);
    expect(m1).toHaveLength(60);
    expect(m1.at(-1)?.close).toBe(5425.25);
    expect(m1.at(-1)?.time).toBe(T0 - 60_000);
    const m5 = ex.history('ES', '5m', 12);
    expect(m5).toHaveLength(12);
    expect(m5[0]?.time).toBe(m1[0]?.time);
    expect(m5[0]?.high).toBe(Math.max(...m1.slice(0, 5).map((b) => b.high)));
    expect(m5[0]?.volume).toBe(m1.slice(0, 5).reduce((s, b) => s + b.volume, 0));
  });
});

describe('paper matching', () => {
  it('fills a market order larger than the displayed size in several partial fills', () => {
    const { ex, fills, quotes, step } = makeExchange();
    const q0 = ex.quote('AAPL');
    if (q0 === undefined) throw new Error('no AAPL');
    const qty = q0.askSize + 100;
    const r = ex.place(req({ symbol: 'AAPL', side: 'buy', type: 'market', qty }));
    expect(r.ok && r.value.status).toBe('partially_filled');
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ qty: q0.askSize, price: q0.ask });
    stepUntil(step, () => ex.allOrders()[0]?.status === 'filled');
    expect(fills.length).toBeGreaterThanOrEqual(2);
    expect(fills.reduce((s, f) => s + f.qty, 0)).toBe(qty);
    // Each later fill took the ask displayed on its own tick.
    for (const f of fills.slice(1))
      expect(quotes.filter((q) => q.symbol === 'AAPL' && q.ts === f.ts).at(-1)?.ask).toBe(f.price);
    expect(ex.position('AAPL').qty).toBe(qty);
  });

  it('rests a limit order below the market, then fills at or better than its limit once crossed', () => {
    const { ex, fills, step } = makeExchange(3);
    const bid = ex.quote('NVDA')?.bid ?? NaN;
    const limit = Number((bid - 0.05).toFixed(2));
    const r = ex.place(req({ symbol: 'NVDA', side: 'buy', type: 'limit', qty: 10, limitPrice: limit }));
    expect(r.ok && r.value.status).toBe('working');
    expect(fills).toHaveLength(0);
    const steps = stepUntil(step, () => ex.allOrders()[0]?.status === 'filled');
    expect(steps).toBeGreaterThan(1);
    expect(fills.every((f) => f.price <= limit)).toBe(true);
    expect(fills.reduce((s, f) => s + f.qty, 0)).toBe(10);
  });

  it('triggers a buy stop only when a trade reaches it, then fills as a market order', () => {
    const { ex, fills, quotes, step } = makeExchange(5);
    const last = ex.quote('ES')?.last ?? NaN;
    const stop = last + 1; // four ticks above
    const r = ex.place(req({ symbol: 'ES', side: 'buy', type: 'stop', qty: 1, stopPrice: stop }));
    expect(r.ok).toBe(true);
    stepUntil(step, () => fills.length > 0);
    const at = quotes.filter((q) => q.symbol === 'ES' && q.ts === fills[0]?.ts).at(-1);
    expect(at !== undefined && at.last >= stop).toBe(true);
    // No earlier ES trade reached the stop.
    const before = quotes.filter((q) => q.symbol === 'ES' && q.ts < (fills[0]?.ts ?? 0));
    expect(before.every((q) => q.last < stop)).toBe(true);
    expect(fills[0]?.price).toBe(at?.ask);
  });

  it('does not trigger a buy stop one tick above the last through a one-tick spread (trades only)', () => {
    const { ex, fills, quotes, step } = makeExchange(5);
    const tick = ex.instrument('ES')?.tickSize ?? NaN;
    // A moment when the last trade sits on the bid and the ask is one tick above it.
    stepUntil(step, () => {
      const q = ex.quote('ES');
      return q !== undefined && q.ask - q.last === tick && q.ask - q.bid === tick;
    });
    const q0 = ex.quote('ES');
    const stop = (q0?.last ?? NaN) + tick; // = the ask
    const r = ex.place(req({ symbol: 'ES', side: 'buy', type: 'stop', qty: 1, stopPrice: stop }));
    expect(r.ok && r.value.status).toBe('working');
    expect(fills).toHaveLength(0);
    const seen = quotes.length;
    stepUntil(step, () => fills.length > 0);
    // It fired on the first tick whose trade reached the stop, not on an ask touching it.
    const after = quotes.slice(seen).filter((q) => q.symbol === 'ES');
    const firstTrade = after.findIndex((q) => q.last >= stop);
    expect(after[firstTrade]?.ts).toBe(fills[0]?.ts);
    // Moving the stop to the last trade or through it is refused, as on placement.
    const w = ex.place(req({ symbol: 'ES', side: 'sell', type: 'stop', qty: 1, stopPrice: stop - 40 }));
    const cur = ex.quote('ES')?.last ?? NaN;
    const moved = w.ok ? ex.modify(w.value.id, { stopPrice: cur }) : null;
    expect(moved !== null && !moved.ok && moved.error.code).toBe('stop_wrong_side');
  });

  it('turns a triggered sell stop-limit into a limit that never fills below its limit', () => {
    const { ex, fills, orders, step } = makeExchange(9);
    const last = ex.quote('ES')?.last ?? NaN;
    const stop = last - 0.5;
    const limit = stop - 0.25;
    const r = ex.place(
      req({ symbol: 'ES', side: 'sell', type: 'stop_limit', qty: 2, stopPrice: stop, limitPrice: limit }),
    );
    expect(r.ok).toBe(true);
    stepUntil(step, () => fills.length > 0);
    expect(fills.every((f) => f.price >= limit)).toBe(true);
    expect(orders.at(-1)?.status === 'filled' || orders.at(-1)?.status === 'partially_filled').toBe(true);
  });

  it('rejects with reasons a trader can read', () => {
    const { ex } = makeExchange();
    const offTick = ex.place(req({ symbol: 'ES', side: 'buy', type: 'limit', qty: 1, limitPrice: 5000.1 }));
    expect(offTick).toEqual({
      ok: false,
      error: {
        code: 'off_tick',
        message: expect.stringContaining("not on ES's tick grid: the tick size is 0.25"),
      },
    });
    const step = ex.place(req({ symbol: 'BTC-USD', side: 'buy', type: 'market', qty: 0.00005 }));
    expect(!step.ok && step.error.message).toMatch(/not a multiple of BTC-USD's quantity step 0.0001/);
    const unknown = ex.place(req({ symbol: 'XYZ', side: 'buy', type: 'market', qty: 1 }));
    expect(!unknown.ok && unknown.error.code).toBe('unknown_symbol');
    const big = ex.place(req({ symbol: 'ES', side: 'buy', type: 'market', qty: 100 }));
    expect(!big.ok && big.error.message).toMatch(
      /^Insufficient buying power: buy 100 ES needs \$[\d,.]+ of margin/,
    );
    const wrongStop = ex.place(req({ symbol: 'ES', side: 'buy', type: 'stop', qty: 1, stopPrice: 5000 }));
    expect(!wrongStop.ok && wrongStop.error.code).toBe('stop_wrong_side');
  });

  it('cancels the unfilled rest of an IOC and expires day orders at the session boundary', () => {
    const { ex, clock, step } = makeExchange();
    const bid = ex.quote('MSFT')?.bid ?? NaN;
    const ioc = ex.place(
      req({ symbol: 'MSFT', side: 'buy', type: 'limit', qty: 5, limitPrice: bid - 1, tif: 'ioc' }),
    );
    expect(ioc.ok && ioc.value.status).toBe('cancelled');
    const day = ex.place(req({ symbol: 'MSFT', side: 'buy', type: 'limit', qty: 5, limitPrice: bid - 20 }));
    const gtc = ex.place(
      req({ symbol: 'MSFT', side: 'buy', type: 'limit', qty: 5, limitPrice: bid - 20, tif: 'gtc' }),
    );
    expect(day.ok && gtc.ok).toBe(true);
    clock.t = Date.UTC(2026, 0, 6, 0, 0, 1);
    step();
    const byId = new Map(ex.allOrders().map((o) => [o.id, o.status]));
    expect(day.ok && byId.get(day.value.id)).toBe('expired');
    expect(gtc.ok && byId.get(gtc.value.id)).toBe('working');
  });

  it('rolls day P&L over at the session boundary: start-of-day equity is marked at 00:00 UTC', () => {
    const { ex, clock, step } = makeExchange();
    const accounts: number[] = [];
    ex.onEvent((e) => {
      if (e.type === 'account' && e.account.startOfDayEquity !== undefined)
        accounts.push(e.account.startOfDayEquity);
    });
    ex.place(req({ symbol: 'ES', side: 'buy', type: 'market', qty: 2 }));
    for (let i = 0; i < 50; i++) step();
    expect(ex.account().startOfDayEquity).toBe(100_000);
    clock.t = Date.UTC(2026, 0, 6, 0, 0, 0, 100);
    const atClose = Math.round(ex.equity() * 100) / 100;
    expect(atClose).not.toBe(100_000);
    ex.step();
    expect(ex.account().startOfDayEquity).toBe(atClose);
    expect(accounts.at(-1)).toBe(atClose);
    // Within the session it stays put.
    step();
    expect(ex.account().startOfDayEquity).toBe(atClose);
  });

  it('charges commissions per asset class', () => {
    const { ex, fills } = makeExchange();
    ex.place(req({ symbol: 'ES', side: 'buy', type: 'market', qty: 2 }));
    ex.place(req({ symbol: 'AAPL', side: 'buy', type: 'market', qty: 10 }));
    ex.place(req({ symbol: 'BTC-USD', side: 'buy', type: 'market', qty: 0.01 }));
    const [es, aapl, btc] = fills;
    expect(es?.commission).toBe(4.5);
    expect(aapl?.commission).toBe(1); // $0.05 at $0.005/share, $1 minimum
    expect(btc?.commission).toBe(Math.round(0.001 * 0.01 * (btc?.price ?? 0) * 100) / 100);
  });
});

describe('paper protection orders (the shared venue)', () => {
  it('OCO: the leg that fills cancels the other', () => {
    const { ex, fills, orders, step } = makeExchange(4);
    const last = ex.quote('ES')?.last ?? NaN;
    const r = ex.placeOco(
      req({
        symbol: 'ES',
        side: 'sell',
        type: 'limit',
        qty: 1,
        limitPrice: last + 2,
        clientOrderId: 'oco-tp',
      }),
      req({ symbol: 'ES', side: 'sell', type: 'stop', qty: 1, stopPrice: last - 2, clientOrderId: 'oco-sl' }),
    );
    if (!r.ok) throw new Error(r.error.message);
    const [tp, sl] = r.value;
    stepUntil(step, () => fills.length > 0);
    const filled = fills[0]?.orderId;
    const other = filled === tp.id ? sl.id : tp.id;
    expect(orders.filter((o) => o.id === other).at(-1)?.status).toBe('cancelled');
    expect(ex.openOrders()).toEqual([]);
  });

  it('bracket: exits wait as pending, then work sized to the entry fill', () => {
    const { ex, orders, step } = makeExchange(6);
    const last = ex.quote('NVDA')?.last ?? NaN;
    const r = ex.placeBracket(
      req({ symbol: 'NVDA', side: 'buy', type: 'market', qty: 1200, clientOrderId: 'br' }),
      {
        takeProfit: { type: 'limit', limitPrice: Number((last + 5).toFixed(2)) },
        stopLoss: { type: 'stop', stopPrice: Number((last - 5).toFixed(2)) },
      },
    );
    if (!r.ok) throw new Error(r.error.message);
    const { entry, takeProfit, stopLoss } = r.value;
    expect(takeProfit?.clientOrderId).toBe('br-tp');
    expect(stopLoss?.side).toBe('sell');
    // The entry is larger than the displayed size, so it fills over several ticks.
    stepUntil(step, () => ex.allOrders().find((o) => o.id === entry.id)?.status === 'filled');
    const versions = orders.filter((o) => o.id === stopLoss?.id);
    expect(versions[0]?.status).toBe('pending');
    expect(versions.some((o) => o.status === 'working' && o.qty < 1200)).toBe(true);
    expect(versions.at(-1)).toMatchObject({ status: 'working', qty: 1200 });
    expect(ex.position('NVDA').qty).toBe(1200);
  });

  it('trailing stop: follows the market up, never down, and reports each move', () => {
    const { ex, orders, fills, step } = makeExchange(8);
    const r = ex.placeTrailingStop(
      req({ symbol: 'ES', side: 'sell', type: 'stop', qty: 1, clientOrderId: 'trail' }),
      { by: 'ticks', value: 8 },
    );
    if (!r.ok) throw new Error(r.error.message);
    const last = ex.quote('ES')?.last ?? NaN;
    expect(r.value.stopPrice).toBe(last - 2);
    stepUntil(step, () => fills.length > 0);
    const stops = orders
      .filter((o) => o.id === r.value.id && o.status === 'working')
      .map((o) => o.stopPrice ?? 0);
    for (let i = 1; i < stops.length; i++) expect(stops[i]).toBeGreaterThanOrEqual(stops[i - 1] ?? 0);
    expect(fills[0]?.price).toBeLessThanOrEqual(stops.at(-1) ?? NaN);
  });
});

describe('PaperConnection', () => {
  it('goes live with a resync, reports honest health and loses verification on disconnect', async () => {
    let t = T0;
    const conn = new PaperConnection({ seed: 1, now: () => t, autoTick: false, historyMinutes: 10 });
    const events: ConnectionEvent[] = [];
    await conn.start((_id, e) => events.push(e));
    expect(events.some((e) => e.type === 'resync')).toBe(true);
    // Live with its snapshot delivered: that was a message, before any tick.
    expect(conn.health()).toMatchObject({ state: 'live', lastMessageAt: T0 });
    expect(events.filter((e) => e.type === 'health').at(-1)).toMatchObject({
      health: { state: 'live', lastMessageAt: T0 },
    });
    expect(events.filter((e) => e.type === 'instrument')).toHaveLength(7);
    for (let i = 0; i < 40; i++) {
      t += 100;
      conn.exchange.step();
    }
    const h = conn.health();
    expect(h).toMatchObject({
      id: 'paper',
      kind: 'paper',
      mode: 'paper',
      state: 'live',
      rttMs: 0,
      lastMessageAt: t,
    });
    expect(h.messagesPerSec).toBeGreaterThan(0);
    conn.disconnect();
    expect(events.at(-2)?.type).toBe('unverified');
    expect(conn.health().state).toBe('stopped');
    const r = await conn.placeOrder(req({ symbol: 'ES', side: 'buy', type: 'market', qty: 1 }));
    expect(r.status === 'rejected' && r.code).toBe('not_connected');
    expect(conn.health().reconnects).toBe(0);
    conn.reconnect();
    expect(events.at(-2)?.type).toBe('resync');
    // The user's disconnect and reconnect counts, as a socket's would.
    expect(conn.health()).toMatchObject({ state: 'live', reconnects: 1 });
    await conn.stop();
  });
});
