import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/core/engine';
import { PaperConnection } from '../../../src/main/core/paper/connection';
import type { Result } from '../../../src/shared/contract';
import type { Order } from '../../../src/shared/domain';
import type { Batch } from '../../../src/shared/stream';
import { settle } from '../../support/timers';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
});

async function setup() {
  const paper = new PaperConnection({ seed: 5, autoTick: false, historyMinutes: 30 });
  const e = Engine.create({ paper: false, connections: [paper], flushMs: 1 });
  engine = e;
  await e.start();
  const symbols = new Set<string>();
  e.subscribe((m) => {
    if (m.kind === 'batch') for (const q of (m as Batch).quotes) symbols.add(q.symbol);
  });
  const streamed = async (): Promise<Set<string>> => {
    symbols.clear();
    for (let i = 0; i < 20; i++) paper.exchange.step();
    e.batcher.flush();
    return new Set(symbols);
  };
  return { e, paper, streamed };
}

describe('subscriptions: each connection streams what the terminal needs', () => {
  it('streams every listing until a watchlist is chosen, then the watchlist plus held and working symbols', async () => {
    const { e, streamed } = await setup();
    await settle();
    expect((await streamed()).size).toBeGreaterThan(2);

    e.setWatchlist(['ES']);
    await settle();
    expect([...(await streamed())]).toEqual(['ES']);

    // A working order on NQ keeps NQ's market coming even though NQ left the watchlist.
    const placed = (await e.dispatch('term:orders.place', {
      connectionId: 'paper',
      accountId: 'PAPER-1',
      symbol: 'NQ',
      side: 'buy',
      type: 'limit',
      qty: 1,
      limitPrice: 1000,
    })) as Result<Order>;
    expect(placed.ok).toBe(true);
    await settle();
    expect([...(await streamed())].sort()).toEqual(['ES', 'NQ']);

    // An open chart adds its symbol; closing it takes it away again.
    const chart = (await e.dispatch('term:charts.open', { symbol: 'AAPL', timeframe: '1m' })) as Result<{
      series: string;
    }>;
    await settle();
    expect([...(await streamed())].sort()).toEqual(['AAPL', 'ES', 'NQ']);
    if (chart.ok) await e.dispatch('term:charts.close', { series: chart.value.series });
    await settle();
    expect([...(await streamed())].sort()).toEqual(['ES', 'NQ']);
  });

  it("streams a listing's order book only while a ladder watches it, and stops after", async () => {
    const { e, paper } = await setup();
    e.setWatchlist(['ES']);
    await settle();
    const books: { symbol: string; bids: number; asks: number }[] = [];
    e.subscribe((m) => {
      if (m.kind === 'batch')
        for (const d of m.depth ?? [])
          books.push({ symbol: d.symbol, bids: d.bids.length, asks: d.asks.length });
    });
    const step = () => {
      books.length = 0;
      for (let i = 0; i < 20; i++) paper.exchange.step();
      e.batcher.flush();
    };
    step();
    expect(books).toEqual([]);
    expect(paper.capabilities.depth).toBe(true);

    const watch = { connectionId: 'paper', symbol: 'NQ' };
    // Two ladders on NQ (NQ is not on the watchlist: the watch brings its quotes too).
    expect(await e.dispatch('term:depth.watch', watch)).toEqual({ ok: true, value: {} });
    expect(await e.dispatch('term:depth.watch', watch)).toEqual({ ok: true, value: {} });
    await settle();
    step();
    expect(books.length).toBeGreaterThan(0);
    expect(new Set(books.map((b) => b.symbol))).toEqual(new Set(['NQ']));
    expect(books.every((b) => b.bids === 10 && b.asks === 10)).toBe(true);
    expect(e.snapshot().depth?.map((d) => d.symbol)).toEqual(['NQ']);

    // One ladder closes: the other still watches.
    await e.dispatch('term:depth.unwatch', watch);
    await settle();
    step();
    expect(books.length).toBeGreaterThan(0);
    // The last one closes: no more books, and a new snapshot carries no stale one.
    await e.dispatch('term:depth.unwatch', watch);
    await settle();
    step();
    expect(books).toEqual([]);
    expect(e.snapshot().depth).toEqual([]);

    // A listing nobody has is refused, not remembered.
    const bad = (await e.dispatch('term:depth.watch', {
      connectionId: 'paper',
      symbol: 'NOPE',
    })) as Result<object>;
    expect(bad.ok).toBe(false);
  });
});
