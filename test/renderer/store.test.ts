import { describe, expect, it, vi } from 'vitest';
import type { Fill, Instrument, Order, Quote } from '../../src/shared/domain';
import { emptyBatch, type Batch, type FormingBar, type Snapshot } from '../../src/shared/stream';
import { TerminalStore } from '../../src/renderer/state/store';

const es: Instrument = {
  symbol: 'ES',
  name: 'E-mini S&P',
  assetClass: 'future',
  tickSize: 0.25,
  multiplier: 50,
  currency: 'USD',
  qtyStep: 1,
  pricePrecision: 2,
  connectionId: 'paper',
};

function quote(symbol: string, last: number): Quote {
  return {
    symbol,
    connectionId: 'paper',
    bid: last - 0.25,
    ask: last + 0.25,
    last,
    bidSize: 1,
    askSize: 1,
    open: 5000,
    volume: 10,
    ts: 1,
    receivedAt: 1,
  };
}

function order(id: string, status: Order['status'] = 'working'): Order {
  return {
    id,
    clientOrderId: `c-${id}`,
    connectionId: 'paper',
    accountId: 'A1',
    symbol: 'ES',
    side: 'buy',
    type: 'limit',
    tif: 'day',
    qty: 1,
    filledQty: 0,
    avgFillPrice: null,
    limitPrice: 5000,
    stopPrice: null,
    status,
    rejectReason: null,
    managedBy: 'broker',
    createdAt: 1,
    updatedAt: 1,
  };
}

function fill(id: string): Fill {
  return {
    id,
    orderId: 'o1',
    connectionId: 'paper',
    accountId: 'A1',
    symbol: 'ES',
    side: 'buy',
    qty: 1,
    price: 5000,
    commission: 1,
    ts: 1,
  };
}

function snapshot(seq: number, over: Partial<Snapshot> = {}): Snapshot {
  return {
    kind: 'snapshot',
    seq,
    sentAt: 0,
    instruments: [es],
    quotes: [quote('ES', 5000)],
    orders: [],
    fills: [],
    positions: [],
    accounts: [],
    connections: [],
    bars: [],
    ...over,
  };
}

function batch(seq: number, over: Partial<Batch> = {}): Batch {
  return { ...emptyBatch(seq, 0), ...over };
}

/** A store whose frame scheduler is driven by the test. */
function makeStore(requestSnapshot: () => Promise<Snapshot> = () => Promise.reject(new Error('none'))) {
  const frames: (() => void)[] = [];
  const store = new TerminalStore({ requestSnapshot, schedule: (f) => frames.push(f), snapshotRetryMs: 0 });
  const runFrame = () => frames.splice(0).forEach((f) => f());
  return { store, frames, runFrame };
}

describe('TerminalStore', () => {
  it('applies a snapshot into keyed maps and publishes on the next frame', () => {
    const { store, runFrame } = makeStore();
    const listener = vi.fn();
    store.subscribe(listener);
    expect(store.apply(snapshot(10, { orders: [order('o1')], fills: [fill('f1')] }))).toBe('applied');
    expect(store.getState().sync).toBe('waiting'); // not committed until the frame runs
    runFrame();
    const s = store.getState();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(s.sync).toBe('live');
    expect(s.seq).toBe(10);
    expect(s.instruments.get('ES')?.tickSize).toBe(0.25);
    expect(s.quotes.get('ES')?.last).toBe(5000);
    expect([...s.orders.keys()]).toEqual(['o1']);
    expect([...s.fills.keys()]).toEqual(['f1']);
  });

  it('applies batches in order, merges entities and keeps untouched collections identical', () => {
    const { store, runFrame } = makeStore();
    store.apply(snapshot(1, { orders: [order('o1')] }));
    runFrame();
    const before = store.getState();
    expect(store.apply(batch(2, { quotes: [quote('ES', 5001)], orders: [order('o2')] }))).toBe('applied');
    expect(store.apply(batch(3, { quotes: [quote('ES', 5002)], orders: [order('o1', 'cancelled')] }))).toBe(
      'applied',
    );
    runFrame();
    const s = store.getState();
    expect(s.seq).toBe(3);
    expect(s.quotes.get('ES')?.last).toBe(5002);
    expect(s.orders.get('o1')?.status).toBe('cancelled');
    expect(s.orders.size).toBe(2);
    expect(s.positions).toBe(before.positions);
    expect(s.instruments).toBe(before.instruments);
  });

  it('commits at most once per frame however many batches arrive', () => {
    const { store, frames, runFrame } = makeStore();
    const listener = vi.fn();
    store.subscribe(listener);
    store.apply(snapshot(1));
    for (let seq = 2; seq < 50; seq++) store.apply(batch(seq, { quotes: [quote('ES', 5000 + seq)] }));
    expect(frames).toHaveLength(1);
    runFrame();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getState().quotes.get('ES')?.last).toBe(5049);
  });

  it('on a seq gap discards the batch, requests a snapshot and replaces the state', async () => {
    const fresh = snapshot(40, { orders: [order('o9')], quotes: [quote('ES', 5100)] });
    const requestSnapshot = vi.fn(() => Promise.resolve(fresh));
    const { store, runFrame } = makeStore(requestSnapshot);
    store.apply(snapshot(1, { orders: [order('o1')] }));
    store.apply(batch(2));
    expect(store.apply(batch(5, { orders: [order('gap-order')] }))).toBe('gap');
    expect(requestSnapshot).toHaveBeenCalledTimes(1);
    expect(store.peek().sync).toBe('resyncing');
    expect(store.peek().orders.has('gap-order')).toBe(false);
    // Batches that arrive while the snapshot is in flight are not applied on top of old state.
    expect(store.apply(batch(6))).toBe('ignored');
    expect(requestSnapshot).toHaveBeenCalledTimes(1);
    await store.settled();
    runFrame();
    const s = store.getState();
    expect(s.sync).toBe('live');
    expect(s.seq).toBe(40);
    expect([...s.orders.keys()]).toEqual(['o9']);
    expect(s.quotes.get('ES')?.last).toBe(5100);
    expect(store.stats.gaps).toBe(1);
    expect(store.apply(batch(41))).toBe('applied');
  });

  it('has no duplicate rows after a snapshot replaces state that already held them', async () => {
    const again = snapshot(20, { orders: [order('o1'), order('o2')], fills: [fill('f1'), fill('f2')] });
    const { store, runFrame } = makeStore(() => Promise.resolve(again));
    store.apply(snapshot(1, { orders: [order('o1')], fills: [fill('f1')] }));
    store.apply(batch(2, { orders: [order('o2')], fills: [fill('f2'), fill('f2')] }));
    store.apply(batch(9)); // gap
    await store.settled();
    runFrame();
    const s = store.getState();
    expect([...s.orders.keys()]).toEqual(['o1', 'o2']);
    expect([...s.fills.keys()]).toEqual(['f1', 'f2']);
    expect(s.snapshots).toBe(2);
  });

  it('ignores batches older than the snapshot and those before any snapshot', () => {
    const { store } = makeStore();
    expect(store.apply(batch(1))).toBe('ignored');
    store.apply(snapshot(10));
    expect(store.apply(batch(9))).toBe('ignored');
    expect(store.apply(batch(11))).toBe('applied');
  });

  it('keeps fills bounded, dropping the oldest', () => {
    const frames: (() => void)[] = [];
    const store = new TerminalStore({
      requestSnapshot: () => Promise.reject(new Error('none')),
      schedule: (f) => frames.push(f),
      maxFills: 3,
    });
    store.apply(snapshot(1, { fills: [fill('a'), fill('b')] }));
    store.apply(batch(2, { fills: [fill('c'), fill('d'), fill('e')] }));
    expect([...store.peek().fills.keys()]).toEqual(['c', 'd', 'e']);
  });

  it('delivers forming bars to bar listeners without a commit', () => {
    const { store } = makeStore();
    const seen: FormingBar[][] = [];
    store.onBars((bars) => seen.push([...bars]));
    const bar = { series: 'ES|1m', bar: { time: 60_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 } };
    store.apply(snapshot(1, { bars: [bar] }));
    store.apply(batch(2, { bars: [{ ...bar, bar: { ...bar.bar, close: 1.75 } }] }));
    expect(seen.map((b) => b[0]?.bar.close)).toEqual([1.5, 1.75]);
  });

  it('retries a failed snapshot request when the stream keeps flowing', async () => {
    let calls = 0;
    const requestSnapshot = () =>
      ++calls === 1 ? Promise.reject(new Error('down')) : Promise.resolve(snapshot(7));
    const { store } = makeStore(requestSnapshot);
    await store.resync();
    expect(store.stats.snapshotFailures).toBe(1);
    expect(store.peek().sync).toBe('waiting');
    store.apply(batch(3));
    await store.settled();
    expect(calls).toBe(2);
    expect(store.peek().seq).toBe(7);
  });
});
