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
});
