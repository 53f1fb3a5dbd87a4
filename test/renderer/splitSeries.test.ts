// SplitCandles: the pure bookkeeping in Node, the series behaviour in real Chromium with the real
// lightweight-charts build (bench/chartPage.ts loads both into a blank page).
import type { Browser, Page } from '@playwright/test';
import type { IChartApi } from 'lightweight-charts';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { launchChromium, openChartPage, type ChartPageGlobals } from '../../bench/chartPage';
import {
  classifyUpdate,
  foldCount,
  mergeOlder,
  normalizeHistory,
  splitPoint,
  toChartTime,
  type SplitCandles,
} from '../../src/renderer/chart/splitSeries';
import type { Bar } from '../../src/shared/domain';

const bar = (time: number, close = 100): Bar => ({ time, open: 100, high: 101, low: 99, close, volume: 10 });

describe('split bookkeeping', () => {
  it('converts epoch ms to whole UTC seconds', () => {
    expect(toChartTime(1_700_000_060_999)).toBe(1_700_000_060);
  });

  it('keeps the last bar in the live half from the start', () => {
    expect(splitPoint(0)).toBe(0);
    expect(splitPoint(1)).toBe(0);
    expect(splitPoint(1000)).toBe(999);
    expect(splitPoint(1000, 10)).toBe(990);
    expect(splitPoint(5, 10)).toBe(0);
    // Zero kept would put the forming bar in the static half; at least one always stays live.
    expect(splitPoint(1000, 0)).toBe(999);
  });

  it('folds only once the live half exceeds maxLive, leaving the newest bar live', () => {
    expect(foldCount(500, 500)).toBe(0);
    expect(foldCount(501, 500)).toBe(500);
    expect(foldCount(501, 500, 100)).toBe(401);
    expect(foldCount(2, 1)).toBe(1);
  });

  it('classifies updates in chart seconds: newer appends, same second amends, older is stale', () => {
    const t = 1_700_000_000_000;
    expect(classifyUpdate(undefined, t)).toBe('append');
    expect(classifyUpdate(t, t + 60_000)).toBe('append');
    expect(classifyUpdate(t, t)).toBe('amend');
    // Same chart second: the chart would amend, so our books must too.
    expect(classifyUpdate(t, t + 500)).toBe('amend');
    expect(classifyUpdate(t, t - 60_000)).toBe('stale');
  });

  it('passes clean history through and repairs unordered or duplicate history', () => {
    const clean = [bar(0), bar(60_000), bar(120_000)];
    expect(normalizeHistory(clean)).toBe(clean);
    const messy = [bar(120_000), bar(0), bar(60_000, 1), bar(60_000, 2)];
    expect(normalizeHistory(messy).map((b) => [b.time, b.close])).toEqual([
      [0, 100],
      [60_000, 2],
      [120_000, 100],
    ]);
  });
});

interface TestWindow extends ChartPageGlobals {
  chart: IChartApi;
  split: SplitCandles;
}

describe('SplitCandles in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });
  beforeEach(async () => {
    page = await openChartPage(browser);
  });
  afterEach(async () => {
    await page.close();
  });

  /** A 1200×700 chart with a SplitCandles on `window.chart` / `window.split`. */
  const mount = (maxLive: number): Promise<void> =>
    page.evaluate((m) => {
      const w = window as unknown as TestWindow;
      const host = document.createElement('div');
      document.body.appendChild(host);
      w.chart = w.LightweightCharts.createChart(host, { width: 1200, height: 700 });
      w.split = new w.PeregrineBench.SplitCandles(w.chart, { maxLive: m });
    }, maxLive);

  /** Rows per series in creation order: history candles, live candles, history volume, live volume. */
  const rows = (): Promise<number[]> =>
    page.evaluate(() =>
      ((window as unknown as TestWindow).chart.panes()[0]?.getSeries() ?? []).map((s) => s.data().length),
    );

  const nextFrame = (): Promise<void> =>
    page.evaluate(
      () =>
        new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
    );

  it('holds all but the last bar statically and amends the forming bar in the live half', async () => {
    await mount(500);
    const result = await page.evaluate(() => {
      const w = window as unknown as TestWindow;
      const bars = w.PeregrineBench.makeBars(1000);
      w.split.setHistory(bars);
      const [old, last] = [bars[10], bars.at(-1)];
      if (!old || !last) throw new Error('no bars');
      w.split.update({ ...last, close: last.close + 5, high: last.close + 5 });
      // Out of order: must be ignored, not thrown and not charted.
      w.split.update({ ...old, close: 1 });
      const series = w.chart.panes()[0]?.getSeries() ?? [];
      const liveCandle = series[1]?.data()[0] as { close: number } | undefined;
      return {
        count: w.split.count(),
        lastClose: w.split.lastBar()?.close,
        expectedClose: last.close + 5,
        liveClose: liveCandle?.close,
        labels: series.map((s) => [s.options().lastValueVisible, s.options().priceLineVisible]),
      };
    });
    expect(await rows()).toEqual([999, 1, 999, 1]);
    expect(result.count).toBe(1000);
    expect(result.lastClose).toBe(result.expectedClose);
    expect(result.liveClose).toBe(result.expectedClose);
    // One last-value label and price line: the live candles'; volume shows none.
    expect(result.labels).toEqual([
      [false, false],
      [true, true],
      [false, false],
      [false, false],
    ]);
  });

  it('puts older bars in front without moving the view, and finds any bar for the legend', async () => {
    await mount(500);
    const result = await page.evaluate(() => {
      const w = window as unknown as TestWindow;
      const bars = w.PeregrineBench.makeBars(1000);
      w.split.setHistory(bars.slice(500));
      const before = w.chart.timeScale().getVisibleRange();
      // A page that overlaps what is loaded by ten bars: the overlap is not added twice.
      const added = w.split.prepend(bars.slice(0, 510));
      const after = w.chart.timeScale().getVisibleRange();
      const probe = bars[5];
      const live = bars.at(-1);
      if (!probe || !live) throw new Error('no bars');
      return {
        added,
        count: w.split.count(),
        same: JSON.stringify(before) === JSON.stringify(after),
        first: w.split.firstBarTime() === bars[0]?.time,
        probe: JSON.stringify(w.split.barAt(Math.floor(probe.time / 1000))) === JSON.stringify(probe),
        live: w.split.barAt(Math.floor(live.time / 1000))?.close === live.close,
        between: w.split.barAt(Math.floor(probe.time / 1000) + 1) === undefined,
      };
    });
    expect(result).toEqual({
      added: 500,
      count: 1000,
      same: true,
      first: true,
      probe: true,
      live: true,
      between: true,
    });
    expect(await rows()).toEqual([999, 1, 999, 1]);
  });

  it('starts from an empty history', async () => {
    await mount(500);
    const counts = await page.evaluate(() => {
      const w = window as unknown as TestWindow;
      w.split.setHistory([]);
      const empty = w.split.count();
      const [a, b] = w.PeregrineBench.makeBars(2);
      if (!a || !b) throw new Error('no bars');
      w.split.update(a);
      w.split.update(b);
      return { empty, after: w.split.count(), last: w.split.lastBar()?.time === b.time };
    });
    expect(counts).toEqual({ empty: 0, after: 2, last: true });
    expect(await rows()).toEqual([0, 2, 0, 2]);
  });

  it('folds the oldest live bars into history without duplicating bars or moving the view', async () => {
    await mount(10);
    const result = await page.evaluate(() => {
      const w = window as unknown as TestWindow;
      const bars = w.PeregrineBench.makeBars(110);
      w.split.setHistory(bars.slice(0, 100));
      const ts = w.chart.timeScale();
      const shifts: number[] = [];
      for (const b of bars.slice(100)) {
        const before = ts.getVisibleLogicalRange();
        w.split.update(b);
        const after = ts.getVisibleLogicalRange();
        if (!before || !after) throw new Error('no visible range');
        shifts.push(after.to - before.to, after.from - before.from);
      }
      const [history, live] = w.chart.panes()[0]?.getSeries() ?? [];
      const times = [...(history?.data() ?? []), ...(live?.data() ?? [])].map((d) => d.time as number);
      return { shifts, times, expected: bars.map((b) => Math.floor(b.time / 1000)), count: w.split.count() };
    });
    // 1 live bar + 10 appends = 11 > maxLive 10 on the last append: 10 bars move, 1 stays live.
    expect(await rows()).toEqual([109, 1, 109, 1]);
    expect(result.count).toBe(110);
    expect(result.times).toEqual(result.expected);
    // The folding append scrolls exactly like every other append.
    expect(new Set(result.shifts).size).toBe(1);
  });

  it('autoscales over both halves', async () => {
    await mount(500);
    await page.evaluate(() => {
      const w = window as unknown as TestWindow;
      const bars = w.PeregrineBench.makeBars(50).map((b) => ({
        ...b,
        open: 100,
        close: 100,
        high: 101,
        low: 99,
      }));
      const [spike, last] = [bars[10], bars[49]];
      if (!spike || !last) throw new Error('no bars');
      bars[10] = { ...spike, high: 150 }; // in the history half
      bars[49] = { ...last, low: 50 }; // the last bar: live half
      w.split.setHistory(bars);
      w.chart.timeScale().fitContent();
    });
    await nextFrame();
    const range = await page.evaluate(() =>
      (window as unknown as TestWindow).chart.panes()[0]?.getSeries()[0]?.priceScale().getVisibleRange(),
    );
    expect(range?.from).toBeLessThanOrEqual(50);
    expect(range?.to).toBeGreaterThanOrEqual(150);
  });

  it('draws its price lines when only live bars are in view (a line on the history half would vanish)', async () => {
    await mount(1000);
    await page.evaluate(() => {
      const w = window as unknown as TestWindow;
      const bars = w.PeregrineBench.makeBars(2600);
      w.split.setHistory(bars.slice(0, 2000));
      for (const b of bars.slice(2000)) w.split.update(b);
      const price = bars.at(-1)?.close ?? NaN;
      // ~200 bars fit the default view, all of them in the 601-bar live half.
      w.split.createPriceLine({ price, color: '#ff00ff', lineWidth: 2, axisLabelVisible: false });
      // Control: the same line on the history half, which has no bar in view.
      w.chart
        .panes()[0]
        ?.getSeries()[0]
        ?.createPriceLine({ price: price + 0.05, color: '#00ffff', lineWidth: 2, axisLabelVisible: false });
    });
    await nextFrame();
    const pixels = await page.evaluate(() => {
      const canvas = (window as unknown as TestWindow).chart.takeScreenshot();
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let magenta = 0;
      let cyan = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === 255 && data[i + 1] === 0 && data[i + 2] === 255) magenta++;
        if (data[i] === 0 && data[i + 1] === 255 && data[i + 2] === 255) cyan++;
      }
      return { magenta, cyan };
    });
    expect(pixels.magenta).toBeGreaterThan(500);
    expect(pixels.cyan).toBe(0);
  });

  it('removes the line it was asked to and, on dispose, all four series', async () => {
    await mount(500);
    const result = await page.evaluate(() => {
      const w = window as unknown as TestWindow;
      w.split.setHistory(w.PeregrineBench.makeBars(20));
      const line = w.split.createPriceLine({ price: 100 });
      const live = w.chart.panes()[0]?.getSeries()[1];
      const withLine = live?.priceLines().length;
      w.split.removePriceLine(line);
      const withoutLine = live?.priceLines().length;
      w.split.dispose();
      w.split.dispose(); // idempotent
      return { withLine, withoutLine, left: w.chart.panes()[0]?.getSeries().length ?? 0 };
    });
    expect(result).toEqual({ withLine: 1, withoutLine: 0, left: 0 });
  });
});

describe('mergeOlder (scrolling back)', () => {
  const at = (s: number): Bar => ({ time: s * 1000, open: 1, high: 1, low: 1, close: 1, volume: 1 });

  it('keeps only bars strictly older than the first loaded one, in order', () => {
    expect(mergeOlder([at(1), at(3), at(2), at(4), at(5)], 4_000).map((b) => b.time)).toEqual([
      1000, 2000, 3000,
    ]);
    expect(mergeOlder([at(7), at(8)], 4_000)).toEqual([]);
    expect(mergeOlder([at(2), at(1)], undefined).map((b) => b.time)).toEqual([1000, 2000]);
  });
});
