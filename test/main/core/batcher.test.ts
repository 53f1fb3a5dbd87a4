import { afterEach, describe, expect, it, vi } from 'vitest';
import { BarStore } from '../../../src/main/core/bars';
import { StreamBatcher } from '../../../src/main/core/batcher';
import { Ledger } from '../../../src/main/core/ledger';
import type { Batch, StreamMessage } from '../../../src/shared/stream';
import { ES, fill, quote } from './fixtures';

function setup(opts: { maxLossless?: number; autoFlush?: boolean; flushMs?: number } = {}) {
  const ledger = new Ledger();
  const bars = new BarStore();
  const batcher = new StreamBatcher(ledger, bars, { autoFlush: false, now: () => 42, ...opts });
  const seen: StreamMessage[] = [];
  batcher.subscribe((m) => seen.push(m));
  ledger.apply('c1', { type: 'instrument', instrument: ES });
  ledger.apply('c1', {
    type: 'account',
    account: { accountId: 'A1', name: 'T', currency: 'USD', cash: 1000 },
  });
  return { ledger, bars, batcher, seen };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('StreamBatcher', () => {
  it('conflates order books to the latest per listing, and a removed connection takes its books', () => {
    const { ledger, batcher } = setup();
    batcher.flush();
    const book = (connectionId: string, symbol: string, bid: number) => ({
      connectionId,
      symbol,
      bids: [[bid, 3]] as [number, number][],
      asks: [[bid + 0.25, 4]] as [number, number][],
      ts: bid,
    });
    for (let i = 0; i < 30; i++) ledger.apply('c1', { type: 'depth', depth: book('c1', 'ES', 5000 + i) });
    ledger.apply('c2', { type: 'depth', depth: book('c2', 'ES', 6000) });
    const b = batcher.flush();
    expect(b?.depth?.map((d) => [d.connectionId, d.symbol, d.bids[0]?.[0]])).toEqual([
      ['c1', 'ES', 5029],
      ['c2', 'ES', 6000],
    ]);
    expect(batcher.snapshot().depth?.map((d) => d.connectionId)).toEqual(['c1', 'c2']);
    // A window with no book carries none.
    ledger.apply('c1', { type: 'quote', quote: quote({ symbol: 'ES' }) });
    expect(batcher.flush()?.depth).toBeUndefined();
    ledger.apply('c2', { type: 'depth', depth: book('c2', 'ES', 6001) });
    ledger.forgetConnection('c2');
    expect(batcher.flush()?.depth).toBeUndefined();
    expect(batcher.snapshot().depth?.map((d) => d.connectionId)).toEqual(['c1']);
  });

  it('conflates quotes to the latest per symbol', () => {
    const { ledger, batcher } = setup();
    batcher.flush();
    for (let i = 0; i < 100; i++)
      ledger.apply('c1', { type: 'quote', quote: quote({ symbol: 'ES', last: 5000 + i * 0.25 }) });
    for (let i = 0; i < 50; i++)
      ledger.apply('c1', { type: 'quote', quote: quote({ symbol: 'NQ', last: 18000 + i }) });
    const b = batcher.flush();
    expect(b?.quotes.map((q) => [q.symbol, q.last])).toEqual([
      ['ES', 5000 + 99 * 0.25],
      ['NQ', 18049],
    ]);
  });

  it('conflates per connection and symbol: two connections listing ES keep their own quote', () => {
    const { ledger, batcher } = setup();
    ledger.apply('c2', { type: 'instrument', instrument: { ...ES, connectionId: 'c2' } });
    batcher.flush();
    for (let i = 0; i < 10; i++) {
      ledger.apply('c1', {
        type: 'quote',
        quote: quote({ symbol: 'ES', connectionId: 'c1', last: 5000 + i }),
      });
      ledger.apply('c2', {
        type: 'quote',
        quote: quote({ symbol: 'ES', connectionId: 'c2', last: 6000 + i }),
      });
    }
    const b = batcher.flush();
    expect(b?.quotes.map((q) => [q.connectionId, q.symbol, q.last])).toEqual([
      ['c1', 'ES', 5009],
      ['c2', 'ES', 6009],
    ]);
  });

  it('sends a forgotten connection as removals and drops what was pending for it', () => {
    const { ledger, batcher } = setup({ maxLossless: 2 });
    batcher.flush();
    for (let i = 0; i < 6; i++)
      ledger.apply('c1', { type: 'fill', fill: fill({ id: `x${i}`, side: 'buy', qty: 1, price: 5000 }) });
    ledger.apply('c1', { type: 'quote', quote: quote({ symbol: 'ES' }) });
    // A budget of 2 leaves fills, the position and the account pending...
    const first = batcher.flush();
    expect(first?.fills).toHaveLength(2);
    expect(first?.removed.connections).toEqual([]);
    // ...when the user removes the connection: the next batch carries only the removals.
    ledger.forgetConnection('c1');
    const b = batcher.flush();
    expect(b?.removed).toEqual({
      connections: ['c1'],
      accounts: ['c1:A1'],
      positions: ['c1:A1:ES'],
      orders: [],
      fills: [],
    });
    expect([b?.fills, b?.positions, b?.accounts, b?.quotes, b?.instruments]).toEqual([[], [], [], [], []]);
    expect(batcher.flush()).toBeNull();
    expect(batcher.snapshot()).toMatchObject({ accounts: [], positions: [], fills: [], instruments: [] });
  });

  it('sends a removal before a re-creation of the same key in one batch, never the other way round', () => {
    const { ledger, batcher } = setup();
    batcher.flush();
    ledger.forgetConnection('c1');
    ledger.apply('c1', {
      type: 'account',
      account: { accountId: 'A1', name: 'T', currency: 'USD', cash: 5 },
    });
    const b = batcher.flush();
    // Both: a consumer applies the removal, then the new account.
    expect(b?.removed.accounts).toEqual(['c1:A1']);
    expect(b?.accounts.map((a) => [a.accountId, a.cash])).toEqual([['A1', 5]]);
    // Changed, then removed: only the removal.
    ledger.apply('c1', {
      type: 'account',
      account: { accountId: 'A1', name: 'T', currency: 'USD', cash: 6 },
    });
    ledger.forgetConnection('c1');
    const c = batcher.flush();
    expect(c?.accounts).toEqual([]);
    expect(c?.removed.accounts).toEqual(['c1:A1']);
  });

  it('numbers batches one by one and emits nothing when nothing changed', () => {
    const { ledger, batcher, seen } = setup();
    expect(batcher.snapshot().seq).toBe(0);
    batcher.flush();
    expect(batcher.flush()).toBeNull();
    ledger.apply('c1', { type: 'quote', quote: quote({ symbol: 'ES' }) });
    batcher.flush();
    expect(batcher.flush()).toBeNull();
    ledger.apply('c1', { type: 'quote', quote: quote({ symbol: 'ES', last: 1 }) });
    batcher.flush();
    expect(seen.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(batcher.snapshot().seq).toBe(3);
  });

  it('bounds lossless changes per batch and carries the rest over without losing any', () => {
    const { ledger, batcher } = setup({ maxLossless: 10 });
    batcher.flush();
    for (let i = 0; i < 35; i++)
      ledger.apply('c1', { type: 'fill', fill: fill({ id: `x${i}`, side: 'buy', qty: 1, price: 5000 + i }) });
    const batches: Batch[] = [];
    for (let b = batcher.flush(); b !== null; b = batcher.flush()) batches.push(b);
    const sizes = batches.map(
      (b) => b.fills.length + b.orders.length + b.positions.length + b.accounts.length + b.connections.length,
    );
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    expect(batches.flatMap((b) => b.fills.map((f) => f.id))).toEqual(
      Array.from({ length: 35 }, (_, i) => `x${i}`),
    );
    // The position and account changes arrive too, in their latest state.
    const lastPos = batches.flatMap((b) => b.positions).at(-1);
    expect(lastPos?.qty).toBe(35);
    expect(batches.flatMap((b) => b.accounts)).toHaveLength(1);
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => (batches[0]?.seq ?? NaN) + i));
  });

  it('flushes once per window on its timer', async () => {
    vi.useFakeTimers();
    const { ledger, batcher, seen } = setup({ autoFlush: true, flushMs: 16 });
    await vi.advanceTimersByTimeAsync(16);
    const before = seen.length;
    for (let i = 0; i < 20; i++)
      ledger.apply('c1', { type: 'quote', quote: quote({ symbol: 'ES', last: i }) });
    expect(seen.length).toBe(before);
    await vi.advanceTimersByTimeAsync(16);
    expect(seen.length).toBe(before + 1);
    const b = seen.at(-1) as Batch;
    expect(b.quotes).toHaveLength(1);
    expect(b.quotes[0]?.last).toBe(19);
    await vi.advanceTimersByTimeAsync(160);
    expect(seen.length).toBe(before + 1);
    batcher.stop();
  });

  it('emits the forming bar of a subscribed series from trades', async () => {
    const { bars, batcher } = setup();
    await bars.open('c1', 'ES', '1m', {}, 60_000);
    batcher.flush();
    bars.onTrade('c1', 'ES', 5000, 2, 60_500);
    bars.onTrade('c1', 'ES', 5001, 1, 61_000);
    bars.onTrade('c1', 'NQ', 1, 1, 61_000);
    const b = batcher.flush();
    expect(b?.bars).toEqual([
      { series: 'ES|1m', bar: { time: 60_000, open: 5000, high: 5001, low: 5000, close: 5001, volume: 3 } },
    ]);
  });
});
