import { describe, expect, it } from 'vitest';
import { BarStore, DEFAULT_HISTORY_BARS } from '../../../src/main/core/bars';
import { PaperExchange } from '../../../src/main/core/paper/exchange';
import type { Bar, Timeframe } from '../../../src/shared/domain';

const MIN = 60_000;
const NOW = 1_700_000_000_000 - (1_700_000_000_000 % MIN);

function minutes(n: number): Bar[] {
  return Array.from({ length: n }, (_, i) => {
    const p = 100 + (i % 10);
    return { time: NOW - (n - 1 - i) * MIN, open: p, high: p + 1, low: p - 1, close: p, volume: 1 };
  });
}

describe('BarStore history', () => {
  it('never sends more than the history cap, whatever the connection returns', async () => {
    const store = new BarStore();
    // A source that ignores `count` (as a careless adapter might) and returns 100k bars.
    const greedy = {
      history: (_s: string, _t: Timeframe, _count: number) => Promise.resolve(minutes(100_000)),
    };
    const first = await store.open('c1', 'ES', '1m', greedy, NOW);
    expect(first.bars).toHaveLength(DEFAULT_HISTORY_BARS);
    // The newest bars are the ones kept, the forming one last.
    expect(first.bars[first.bars.length - 1]?.time).toBe(NOW);
    store.onTrade('c1', 'ES', 150, 2, NOW + 1_000);
    const second = await store.open('c1', 'ES', '1m', greedy, NOW + 1_000);
    expect(second.bars).toHaveLength(DEFAULT_HISTORY_BARS);
    expect(second.bars[second.bars.length - 1]).toMatchObject({ time: NOW, close: 150, high: 150 });
  });

  it('gets from the paper broker the history sizes the chart design assumes', async () => {
    const ex = new PaperExchange({ seed: 7, now: () => NOW });
    const store = new BarStore();
    const sizes: Record<string, number> = {};
    for (const tf of ['1m', '5m', '15m', '1h'] as const) {
      const h = await store.open(
        'paper',
        'ES',
        tf,
        { history: (s, t, c) => Promise.resolve(ex.history(s, t, c)) },
        NOW,
      );
      sizes[tf] = h.bars.length;
    }
    // Five days of 1m history: a full 2,000 for 1m, the rest limited by the five days (plus the
    // bucket the oldest minutes fall in).
    expect(sizes).toEqual({ '1m': 2000, '5m': 1441, '15m': 481, '1h': 121 });
  });
});
