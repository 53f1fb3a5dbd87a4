// Runs INSIDE the benchmark page (bundled by bench/chartPage.ts, `lightweight-charts` mapped to
// the standalone build's global). Measures µs per live `update()` for the naive one-series
// design and for SplitCandles, and the one-off fold cost.
import {
  CandlestickSeries,
  HistogramSeries,
  createChart,
  type IChartApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { foldCount, LIVE_AFTER_FOLD, SplitCandles } from '../src/renderer/chart/splitSeries';
import type { Bar } from '../src/shared/domain';

export { SplitCandles };

const MINUTE = 60_000;
const WARM_UP_BARS = 2_000;
const WARM_UP_CALLS = 500;

/** µs per call. */
export interface Stats {
  /**
   * Mean of the fastest 99 % of calls: the typical cost, robust to the odd garbage-collection
   * pause (those belong to the page's heap, not the design) and finer than the 5 µs timer grain
   * because Chromium jitters the clamp. `max` shows the pauses.
   */
  typical: number;
  median: number;
  p95: number;
  max: number;
  samples: number;
}

export interface DesignResult {
  setDataMs: number;
  amend: Stats;
  append: Stats;
}

export interface SizeResult {
  size: number;
  naive: DesignResult;
  naiveWithVolume: DesignResult;
  split: DesignResult;
  fold: { maxLive: number; folds: number; medianMs: number; maxMs: number };
}

export interface MeasureOptions {
  warmup: number;
  calls: number;
}

/** Deterministic 1-minute random walk, so every run charts the same data. */
export function makeBars(n: number, startMs = Date.UTC(2024, 0, 2)): Bar[] {
  let seed = 0x2545f491;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const bars: Bar[] = [];
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = Math.max(1, open + (rnd() - 0.5) * 0.4);
    bars.push({
      time: startMs + i * MINUTE,
      open,
      high: Math.max(open, close) + rnd() * 0.1,
      low: Math.min(open, close) - rnd() * 0.1,
      close,
      volume: Math.round(100 + rnd() * 900),
    });
  }
  return bars;
}

function stats(us: number[]): Stats {
  const sorted = [...us].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const kept = sorted.slice(0, Math.max(1, Math.ceil(sorted.length * 0.99)));
  return {
    typical: kept.reduce((sum, x) => sum + x, 0) / kept.length,
    median: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1] ?? NaN,
    samples: sorted.length,
  };
}

function newChart(): { chart: IChartApi; host: HTMLElement } {
  const host = document.createElement('div');
  host.style.width = '1200px';
  host.style.height = '700px';
  document.body.appendChild(host);
  return { chart: createChart(host, { width: 1200, height: 700 }), host };
}

/** A live design under test: load history, then amend / append the forming bar. */
interface Design {
  load(bars: Bar[]): void;
  tick(bar: Bar): void;
  remove(): void;
}

function naiveDesign(withVolume: boolean): Design {
  const { chart, host } = newChart();
  const candles = chart.addSeries(CandlestickSeries);
  const volume = withVolume
    ? chart.addSeries(HistogramSeries, { priceScaleId: 'volume', priceFormat: { type: 'volume' } })
    : undefined;
  const c = (b: Bar) => ({
    time: (b.time / 1000) as UTCTimestamp,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
  });
  const v = (b: Bar) => ({
    time: (b.time / 1000) as UTCTimestamp,
    value: b.volume,
    color: b.close >= b.open ? '#26a69a80' : '#ef535080',
  });
  return {
    load: (bars) => {
      candles.setData(bars.map(c));
      volume?.setData(bars.map(v));
    },
    tick: (bar) => {
      candles.update(c(bar));
      volume?.update(v(bar));
    },
    remove: () => {
      chart.remove();
      host.remove();
    },
  };
}

function splitDesign(maxLive?: number): Design & { split: SplitCandles; chart: IChartApi } {
  const { chart, host } = newChart();
  const split = new SplitCandles(chart, maxLive === undefined ? {} : { maxLive });
  return {
    split,
    chart,
    load: (bars) => split.setHistory(bars),
    tick: (bar) => split.update(bar),
    remove: () => {
      split.dispose();
      chart.remove();
      host.remove();
    },
  };
}

function lastOf(bars: Bar[]): Bar {
  const last = bars[bars.length - 1];
  if (!last) throw new Error('benchmark needs at least one bar');
  return last;
}

function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Collect garbage left by set-up, so a phase pays only for its own allocations (needs --expose-gc). */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function measureLive(design: Design, bars: Bar[], opts: MeasureOptions): DesignResult {
  const setDataMs = timeMs(() => design.load(bars));
  collect();
  let last = lastOf(bars);
  const amendUs: number[] = [];
  for (let i = 0; i < opts.warmup + opts.calls; i++) {
    // Amend the forming bar: a new trade moves close (and maybe high/low) at the same time.
    const close = last.close + (i % 2 === 0 ? 0.01 : -0.01);
    last = {
      ...last,
      close,
      high: Math.max(last.high, close),
      low: Math.min(last.low, close),
      volume: last.volume + 1,
    };
    const bar = last;
    const us = timeMs(() => design.tick(bar)) * 1000;
    if (i >= opts.warmup) amendUs.push(us);
  }
  const appendUs: number[] = [];
  collect();
  for (let i = 0; i < opts.warmup + opts.calls; i++) {
    const open = last.close;
    last = { time: last.time + MINUTE, open, high: open, low: open, close: open, volume: 1 };
    const bar = last;
    const us = timeMs(() => design.tick(bar)) * 1000;
    if (i >= opts.warmup) appendUs.push(us);
  }
  return { setDataMs, amend: stats(amendUs), append: stats(appendUs) };
}

/** Time the appends that trigger a fold, predicted with the same planner SplitCandles uses. */
export function measureFold(size: number, maxLive: number, folds: number): SizeResult['fold'] {
  const bars = makeBars(size);
  // Warm the fold path on a small chart first (see measureDesign).
  const warm = splitDesign(maxLive);
  measureLive(warm, makeBars(WARM_UP_BARS), { warmup: 0, calls: WARM_UP_CALLS });
  warm.remove();
  const design = splitDesign(maxLive);
  design.load(bars);
  collect();
  let live = Math.min(bars.length, LIVE_AFTER_FOLD);
  let last = lastOf(bars);
  const foldMs: number[] = [];
  while (foldMs.length < folds) {
    last = { ...last, time: last.time + MINUTE, volume: 1 };
    const bar = last;
    live += 1;
    const moving = foldCount(live, maxLive);
    const ms = timeMs(() => design.tick(bar));
    if (moving > 0) {
      foldMs.push(ms);
      live -= moving;
      // The live candle half is the second series added; if the prediction is off the figures
      // would be mislabelled, so stop rather than print them.
      const actual = design.chart.panes()[0]?.getSeries()[1]?.data().length;
      if (actual !== live)
        throw new Error(`fold prediction: expected ${live} live bars, chart has ${actual}`);
    }
  }
  design.remove();
  const sorted = [...foldMs].sort((a, b) => a - b);
  return {
    maxLive,
    folds: sorted.length,
    medianMs: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    maxMs: sorted[sorted.length - 1] ?? NaN,
  };
}

export type DesignName = 'naive' | 'naiveWithVolume' | 'split';

/** One design at one history length; the caller gives each its own page so heaps do not mix. */
export function measureDesign(name: DesignName, size: number, opts: MeasureOptions): DesignResult {
  const make = (): Design => (name === 'split' ? splitDesign() : naiveDesign(name === 'naiveWithVolume'));
  // A fresh page runs the library in the interpreter at first; get its hot paths optimized on a
  // small chart so the measured calls see steady-state code, as a long-running terminal does.
  const warm = make();
  try {
    measureLive(warm, makeBars(WARM_UP_BARS), { warmup: 0, calls: WARM_UP_CALLS });
  } finally {
    warm.remove();
  }
  const design = make();
  try {
    return measureLive(design, makeBars(size), opts);
  } finally {
    design.remove();
  }
}

/** Timer resolution actually available to the page (coarsened unless cross-origin isolated). */
export function timerResolutionUs(): { isolated: boolean; resolutionUs: number } {
  let smallest = Infinity;
  for (let i = 0; i < 200; i++) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    smallest = Math.min(smallest, b - a);
  }
  return { isolated: globalThis.crossOriginIsolated, resolutionUs: smallest * 1000 };
}
