import { describe, expect, it } from 'vitest';
import { BarStore, DEFAULT_HISTORY_BARS, pageBars } from '../../../src/main/core/bars';
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

describe('pageBars', () => {
  const M = 60_000;
  const base = Array.from({ length: 600 }, (_, i): Bar => {
    const p = 100 + (i % 7);
    return { time: i * M, open: p, high: p + 2, low: p - 1, close: p + 1, volume: 2 };
  });

  it('returns the newest page, whole bars only, oldest first', () => {
    const page = pageBars(base, '5m', 10);
    expect(page).toHaveLength(10);
    expect(page[9]?.time).toBe(595 * M);
    expect(page[0]).toMatchObject({
      time: 550 * M,
      volume: 10,
      high: Math.max(...base.slice(550, 555).map((b) => b.high)),
    });
  });

  it('pages back strictly before `before`, without overlapping what is loaded', () => {
    const page = pageBars(base, '1m', 100, 300 * M);
    expect(page).toHaveLength(100);
    expect(page[0]?.time).toBe(200 * M);
    expect(page[99]?.time).toBe(299 * M);
    // The next page continues where that one started, and the start of the data ends paging.
    expect(pageBars(base, '1m', 100, 200 * M)[99]?.time).toBe(199 * M);
    expect(pageBars(base, '1m', 100, 0)).toEqual([]);
    expect(pageBars(base, '1m', 500, 50 * M)).toHaveLength(50);
  });

  it('drops the bucket a `before` falls inside, so no page ends with a short bar', () => {
    const page = pageBars(base, '15m', 3, 302 * M);
    expect(page.map((b) => b.time)).toEqual([255 * M, 270 * M, 285 * M]);
  });

  it('aggregates into 4h and 1D buckets on UTC boundaries, and 5s bars into 15s', () => {
    const day = pageBars(base, '1D', 5);
    expect(day).toHaveLength(1);
    expect(day[0]?.volume).toBe(1200);
    expect(pageBars(base, '4h', 5).map((b) => b.time)).toEqual([0, 240 * M, 480 * M]);
    const secs = Array.from({ length: 9 }, (_, i): Bar => ({
      time: i * 5_000,
      open: i,
      high: i,
      low: i,
      close: i,
      volume: 1,
    }));
    expect(pageBars(secs, '15s', 10)).toEqual([
      { time: 0, open: 0, high: 2, low: 0, close: 2, volume: 3 },
      { time: 15_000, open: 3, high: 5, low: 3, close: 5, volume: 3 },
      { time: 30_000, open: 6, high: 8, low: 6, close: 8, volume: 3 },
    ]);
  });
});
