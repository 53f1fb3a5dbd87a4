import { describe, expect, it, vi } from 'vitest';
import { blankHealth, type Fill, type Instrument, type Order, type Quote } from '../../src/shared/domain';
import { fillKey, instrumentKey, orderKey, quoteKey } from '../../src/shared/keys';
import { emptyBatch, type Alert, type Batch, type FormingBar, type Snapshot } from '../../src/shared/stream';
import { TerminalStore } from '../../src/renderer/state/store';
import { ES } from '../main/core/fixtures';

// The shared ES test contract, listed by the paper connection as the UI sees it.
const es: Instrument = { ...ES, connectionId: 'paper' };

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
    heldBy: 'broker',
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
    alerts: [],
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
    expect(s.instruments.get('paper:ES')?.tickSize).toBe(0.25);
    expect(s.quotes.get(quoteKey('paper', 'ES'))?.last).toBe(5000);
    expect([...s.orders.keys()]).toEqual(['paper:o1']);
    expect([...s.fills.keys()]).toEqual(['paper:f1']);
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
    expect(s.quotes.get(quoteKey('paper', 'ES'))?.last).toBe(5002);
    expect(s.orders.get('paper:o1')?.status).toBe('cancelled');
    expect(s.orders.size).toBe(2);
    expect(s.positions).toBe(before.positions);
    expect(s.instruments).toBe(before.instruments);
  });

  it('keeps alerts as state: from the snapshot after a gap, updated by id, gone once settled', () => {
    const { store, runFrame } = makeStore();
    const alert = (over: Partial<Alert> = {}): Alert => ({
      id: 'a1',
      ts: 1,
      level: 'warning',
      title: 'Feed stale',
      message: 'ES has not ticked for 30 s',
      active: true,
      acknowledged: false,
      ...over,
    });
    // Raised in a batch this client never saw: the snapshot still carries it.
    store.apply(snapshot(7, { alerts: [alert()] }));
    runFrame();
    expect(store.getState().alerts).toEqual([alert()]);
    store.apply(batch(8, { alerts: [alert({ acknowledged: true })] }));
    runFrame();
    expect(store.getState().alerts).toEqual([alert({ acknowledged: true })]);
    store.apply(batch(9, { alerts: [alert({ active: false, acknowledged: true })] }));
    runFrame();
    expect(store.getState().alerts).toEqual([]);
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
    expect(store.getState().quotes.get(quoteKey('paper', 'ES'))?.last).toBe(5049);
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
    expect([...s.orders.keys()]).toEqual(['paper:o9']);
    expect(s.quotes.get(quoteKey('paper', 'ES'))?.last).toBe(5100);
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
    expect([...s.orders.keys()]).toEqual(['paper:o1', 'paper:o2']);
    expect([...s.fills.keys()]).toEqual(['paper:f1', 'paper:f2']);
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
    expect([...store.peek().fills.keys()]).toEqual(['paper:c', 'paper:d', 'paper:e']);
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

  it('keys quotes by connection and symbol: two connections listing ES do not overwrite each other', () => {
    const { store, runFrame } = makeStore();
    const other = (last: number): Quote => ({ ...quote('ES', last), connectionId: 'gw' });
    store.apply(snapshot(1, { quotes: [quote('ES', 5000), other(6000)] }));
    store.apply(batch(2, { quotes: [other(6001)] }));
    store.apply(batch(3, { quotes: [quote('ES', 5001)] }));
    runFrame();
    const q = store.getState().quotes;
    expect(q.get(quoteKey('paper', 'ES'))?.last).toBe(5001);
    expect(q.get(quoteKey('gw', 'ES'))?.last).toBe(6001);
  });

  it('applies removals: a removed connection takes everything it reported with it', () => {
    const { store, runFrame } = makeStore();
    const gw = <T extends { connectionId: string }>(x: T): T => ({ ...x, connectionId: 'gw' });
    const health = (id: string) =>
      blankHealth({ id, kind: 'test', label: id, mode: 'demo', state: 'live', since: 0 });
    const account = (connectionId: string) => ({
      connectionId,
      accountId: 'A1',
      name: 'A1',
      mode: 'demo' as const,
      currency: 'USD',
      cash: 0,
      equity: 0,
      realizedPnl: 0,
      unrealizedPnl: 0,
      fees: 0,
      dayPnl: 0,
      verified: true,
    });
    const position = (connectionId: string) => ({
      key: `${connectionId}:A1:ES`,
      connectionId,
      accountId: 'A1',
      symbol: 'ES',
      qty: 1,
      avgPrice: 5000,
      last: null,
      markedAt: null,
      unrealizedPnl: 0,
      realizedPnl: 0,
      fees: 0,
      multiplier: 50,
      currency: 'USD',
      markSource: null,
    });
    store.apply(
      snapshot(1, {
        instruments: [es, { ...gw(es), symbol: 'NQ' }],
        quotes: [quote('ES', 5000), gw(quote('ES', 6000))],
        orders: [order('o1'), gw(order('g1'))],
        fills: [fill('f1'), gw(fill('gf1'))],
        positions: [position('paper'), position('gw')],
        accounts: [account('paper'), account('gw')],
        connections: [health('paper'), health('gw')],
      }),
    );
    runFrame();
    const before = store.getState();
    store.apply(
      batch(2, {
        removed: {
          connections: ['gw'],
          accounts: ['gw:A1'],
          positions: ['gw:A1:ES'],
          orders: ['gw:g1'],
          fills: [],
        },
      }),
    );
    runFrame();
    const s = store.getState();
    expect([...s.connections.keys()]).toEqual(['paper']);
    expect([...s.accounts.keys()]).toEqual(['paper:A1']);
    expect([...s.positions.keys()]).toEqual(['paper:A1:ES']);
    expect([...s.orders.keys()]).toEqual(['paper:o1']);
    expect([...s.fills.keys()]).toEqual(['paper:f1']);
    expect([...s.quotes.keys()]).toEqual([quoteKey('paper', 'ES')]);
    expect([...s.instruments.keys()]).toEqual(['paper:ES']);
    expect(s.seq).toBe(2);
    // A removal that touches nothing keeps the collections' identity (no needless re-render).
    expect(before.instruments).not.toBe(s.instruments);
    store.apply(
      batch(3, { removed: { connections: [], accounts: [], positions: [], orders: [], fills: ['gw:nope'] } }),
    );
    runFrame();
    expect(store.getState().fills).toBe(s.fills);
    expect(store.getState().orders).toBe(s.orders);
  });

  it('applies a batch’s removals before its upserts, and removes a replaced reconciled fill', () => {
    const { store, runFrame } = makeStore();
    const synthetic: Fill = { ...fill('synthetic:o1:1'), synthetic: true };
    store.apply(snapshot(1, { orders: [order('o1')], fills: [synthetic] }));
    store.apply(
      batch(2, {
        orders: [order('o1', 'filled')],
        fills: [fill('x1')],
        removed: {
          connections: [],
          accounts: [],
          positions: [],
          orders: ['paper:o1'],
          fills: ['paper:synthetic:o1:1'],
        },
      }),
    );
    runFrame();
    const s = store.getState();
    // Removed then re-created in the same window: the new state stands.
    expect(s.orders.get('paper:o1')?.status).toBe('filled');
    expect([...s.fills.keys()]).toEqual(['paper:x1']);
  });

  it('keeps two connections’ listings, orders and fills apart when symbols and broker ids are equal', () => {
    const { store, runFrame } = makeStore();
    const onGw = <T extends { connectionId: string }>(x: T): T => ({ ...x, connectionId: 'gw' });
    store.apply(
      snapshot(1, {
        instruments: [es, { ...onGw(es), tickSize: 0.01, pricePrecision: 4 }],
        orders: [order('1'), { ...onGw(order('1')), limitPrice: 6000 }],
        fills: [fill('e1'), { ...onGw(fill('e1')), price: 6000 }],
      }),
    );
    runFrame();
    let s = store.getState();
    expect(s.instruments.size).toBe(2);
    expect(s.instruments.get(instrumentKey('paper', 'ES'))?.pricePrecision).toBe(2);
    expect(s.instruments.get(instrumentKey('gw', 'ES'))?.pricePrecision).toBe(4);
    expect(s.orders.get(orderKey('paper', '1'))?.limitPrice).toBe(5000);
    expect(s.orders.get(orderKey('gw', '1'))?.limitPrice).toBe(6000);
    expect(s.fills.get(fillKey('gw', 'e1'))?.price).toBe(6000);
    expect(s.fills.size).toBe(2);

    // An update on one connection leaves the other's same-id order alone; so does a removal.
    store.apply(
      batch(2, {
        orders: [onGw(order('1', 'cancelled'))],
        fills: [onGw({ ...fill('e1'), price: 6001 })],
        removed: { connections: [], accounts: [], positions: [], orders: [], fills: ['paper:e1'] },
      }),
    );
    runFrame();
    s = store.getState();
    expect(s.orders.get(orderKey('paper', '1'))?.status).toBe('working');
    expect(s.orders.get(orderKey('gw', '1'))?.status).toBe('cancelled');
    expect([...s.fills.keys()]).toEqual([fillKey('gw', 'e1')]);
    expect(s.fills.get(fillKey('gw', 'e1'))?.price).toBe(6001);
  });
});
