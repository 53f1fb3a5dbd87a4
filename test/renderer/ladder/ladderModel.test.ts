/**
 * The DOM ladder keeps up with a fast feed by notifying only the rows a change touches: fed by the
 * real renderer store, a tick that moves nothing but the last price notifies two rows, not 51,
 * and an order appearing or moving notifies its old and new row.
 */
import { describe, expect, it } from 'vitest';
import type { Depth, Instrument, Order, Quote } from '../../../src/shared/domain';
import { emptyBatch, type Batch, type Snapshot } from '../../../src/shared/stream';
import { TerminalStore } from '../../../src/renderer/state/store';
import { HALF_ROWS, LadderModel } from '../../../src/renderer/ladder/ladderModel';
import { ES } from '../../main/core/fixtures';

const es: Instrument = { ...ES, connectionId: 'paper' };

function quote(over: Partial<Quote> = {}): Quote {
  return {
    symbol: 'ES',
    connectionId: 'paper',
    bid: 5000,
    ask: 5000.25,
    last: 5000,
    bidSize: 12,
    askSize: 7,
    open: 4990,
    volume: 100,
    ts: 1,
    receivedAt: 1,
    ...over,
  };
}

function order(id: string, limitPrice: number, over: Partial<Order> = {}): Order {
  return {
    id,
    clientOrderId: `c-${id}`,
    connectionId: 'paper',
    accountId: 'A1',
    symbol: 'ES',
    side: 'buy',
    type: 'limit',
    tif: 'day',
    qty: 2,
    filledQty: 0,
    avgFillPrice: null,
    limitPrice,
    stopPrice: null,
    status: 'working',
    rejectReason: null,
    heldBy: 'broker',
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}

function setup() {
  const frames: (() => void)[] = [];
  const store = new TerminalStore({
    requestSnapshot: () => Promise.reject(new Error('none')),
    schedule: (f) => frames.push(f),
  });
  const snap: Snapshot = {
    kind: 'snapshot',
    seq: 1,
    sentAt: 0,
    instruments: [es],
    quotes: [quote()],
    orders: [],
    fills: [],
    positions: [],
    accounts: [],
    connections: [],
    bars: [],
    alerts: [],
  };
  store.apply(snap);
  frames.splice(0).forEach((f) => f());
  const model = new LadderModel({ instrument: es, connectionId: 'paper', accountId: 'A1' });
  model.apply(store.getState());
  // Every row subscribed, as the mounted ladder does; count notifications per row.
  const hits = new Map<number, number>();
  for (const t of model.layout()) model.subscribeRow(t, () => hits.set(t, (hits.get(t) ?? 0) + 1));
  model.subscribeLayout(() => hits.set(-1, (hits.get(-1) ?? 0) + 1));
  store.subscribe(() => model.apply(store.getState()));
  let seq = 1;
  const send = (over: Partial<Batch>) => {
    seq++;
    store.apply({ ...emptyBatch(seq, 0), ...over });
    frames.splice(0).forEach((f) => f());
  };
  return { model, hits, send };
}

describe('LadderModel', () => {
  it('centres on the market with one row per tick, the bid and ask sizes on their rows', () => {
    const { model } = setup();
    const ticks = model.layout();
    expect(ticks).toHaveLength(2 * HALF_ROWS + 1);
    expect(model.row(model.tickOf(5000))).toMatchObject({
      price: 5000,
      bidSize: 12,
      askSize: null,
      last: true,
    });
    expect(model.row(model.tickOf(5000.25))).toMatchObject({ price: 5000.25, bidSize: null, askSize: 7 });
    expect(model.row(model.tickOf(5001))).toMatchObject({ bidSize: null, askSize: null, volume: 0 });
  });

  it('a trade one tick up notifies only the rows it changed, and adds its volume there', () => {
    const { model, hits, send } = setup();
    send({ quotes: [quote({ last: 5000.25, volume: 103 })] });
    expect(model.row(model.tickOf(5000.25))).toMatchObject({ last: true, volume: 3 });
    expect(model.row(model.tickOf(5000))?.last).toBe(false);
    expect([...hits.entries()].sort()).toEqual(
      [
        [model.tickOf(5000), 1],
        [model.tickOf(5000.25), 1],
      ].sort(),
    );
    // A quote with nothing new for the ladder notifies nobody.
    hits.clear();
    send({ quotes: [quote({ last: 5000.25, volume: 103, ts: 2, receivedAt: 2 })] });
    expect(hits.size).toBe(0);
    expect(model.notifications).toBe(2);
  });

  it('shows working orders of the account at their row and moves them with a modify', () => {
    const { model, hits, send } = setup();
    send({ orders: [order('o1', 4998), order('other', 4997, { accountId: 'B2' })] });
    expect(model.row(model.tickOf(4998))?.orders).toEqual([
      expect.objectContaining({ orderId: 'o1', side: 'buy', qty: 2, priceField: 'limitPrice' }),
    ]);
    expect(model.row(model.tickOf(4997))?.orders).toEqual([]);
    expect([...hits.keys()]).toEqual([model.tickOf(4998)]);
    hits.clear();
    send({ orders: [order('o1', 4999.5, { updatedAt: 2 })] });
    expect(model.row(model.tickOf(4998))?.orders).toEqual([]);
    expect(model.row(model.tickOf(4999.5))?.orders.map((o) => o.orderId)).toEqual(['o1']);
    expect([...hits.keys()].sort()).toEqual([model.tickOf(4998), model.tickOf(4999.5)].sort());
    hits.clear();
    send({ orders: [order('o1', 4999.5, { status: 'cancelled', updatedAt: 3 })] });
    expect(model.row(model.tickOf(4999.5))?.orders).toEqual([]);
    expect([...hits.keys()]).toEqual([model.tickOf(4999.5)]);
  });

  it('a stop-limit sits once, at its stop', () => {
    const { model, send } = setup();
    send({ orders: [order('sl', 4995, { type: 'stop_limit', side: 'sell', stopPrice: 4996 })] });
    expect(model.row(model.tickOf(4996))?.orders.map((o) => [o.orderId, o.priceField])).toEqual([
      ['sl', 'stopPrice'],
    ]);
    expect(model.row(model.tickOf(4995))?.orders).toEqual([]);
  });

  it('recentres when the market walks off the ladder', () => {
    const { model, hits, send } = setup();
    const far = 5000 + HALF_ROWS * 0.25;
    send({ quotes: [quote({ bid: far, ask: far + 0.25, last: far, volume: 101 })] });
    expect(hits.get(-1)).toBe(1);
    const mid = model.layout()[HALF_ROWS];
    expect(mid).toBe(model.tickOf(far + 0.125));
  });

  it('counts working orders beyond its rows and shows them after recentring there', () => {
    const { model, send } = setup();
    let told = 0;
    model.subscribeEdges(() => told++);
    expect(model.edges()).toEqual({ above: null, below: null });
    send({ orders: [order('far', 4900), order('farther', 4850, { qty: 1 })] });
    expect(model.edges()).toEqual({ above: null, below: { count: 2, nearest: 4900 } });
    expect(told).toBe(1);
    model.recentre(4900);
    expect(model.row(model.tickOf(4900))?.orders.map((o) => o.orderId)).toEqual(['far']);
    expect(model.edges()).toEqual({ above: null, below: { count: 1, nearest: 4850 } });
    // Centred there by the trader: the next tick does not pull the ladder back to the market.
    const layout = model.layout();
    send({ quotes: [quote({ last: 5000.25, volume: 101 })] });
    expect(model.layout()).toBe(layout);
    model.recentre();
    expect(model.layout()[HALF_ROWS]).toBe(model.tickOf(5000.125));
  });

  it('with a book, shows sizes on every level and a new book notifies only the rows it changed', () => {
    const { model, hits, send } = setup();
    const book = (over: Partial<Depth> = {}): Depth => ({
      connectionId: 'paper',
      symbol: 'ES',
      bids: [
        [5000, 12],
        [4999.75, 30],
        [4999.5, 41],
      ],
      asks: [
        [5000.25, 7],
        [5000.5, 25],
        [5000.75, 38],
      ],
      ts: 2,
      ...over,
    });
    expect(model.hasBook()).toBe(false);
    send({ depth: [book()] });
    expect(model.hasBook()).toBe(true);
    expect(model.row(model.tickOf(4999.5))).toMatchObject({ bidSize: 41, askSize: null, bestBid: false });
    expect(model.row(model.tickOf(5000))).toMatchObject({ bidSize: 12, bestBid: true });
    expect(model.row(model.tickOf(5000.75))).toMatchObject({ askSize: 38, bestAsk: false });
    // The touch rows already showed 12 and 7: only the four deeper levels changed.
    expect([...hits.keys()].sort()).toEqual(
      [4999.75, 4999.5, 5000.5, 5000.75].map((p) => model.tickOf(p)).sort(),
    );
    // One level's size changes and one level is added: two rows, nothing else.
    hits.clear();
    send({
      depth: [
        book({
          bids: [
            [5000, 12],
            [4999.75, 31],
            [4999.5, 41],
          ],
          asks: [
            [5000.25, 7],
            [5000.5, 25],
            [5000.75, 38],
            [5001, 50],
          ],
          ts: 3,
        }),
      ],
    });
    expect([...hits.keys()].sort()).toEqual([model.tickOf(4999.75), model.tickOf(5001)].sort());
    expect(model.row(model.tickOf(5001))?.askSize).toBe(50);
    // The same book again (a new object) notifies nobody.
    hits.clear();
    send({
      depth: [
        book({
          ts: 4,
          asks: [...book().asks, [5001, 50]],
          bids: book().bids.map((l, i) => (i === 1 ? [l[0], 31] : l)),
        }),
      ],
    });
    expect(hits.size).toBe(0);
  });
});
