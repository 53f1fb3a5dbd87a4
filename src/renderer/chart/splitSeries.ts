// A candle + volume chart series split in two halves so the per-tick cost stays flat.
//
// lightweight-charts 5.x re-runs PlotList.setData over every row of a series on each
// `update()` (docs/benchmarks.md, performance.md §4.2), so a 100k-bar series costs ~5 ms per
// tick. Here the full history lives in a static series that never receives `update()`, and
// only the last few hundred bars live in a short "live" series with identical styling on the
// same price scale. When the live half outgrows `maxLive`, its oldest bars are folded into the
// history half with one `setData` — O(history) once every few hundred bars, not per tick.
//
// Library behaviour this design relies on (lightweight-charts 5.2 DataLayer):
// - amending a bar at an existing time point re-sends data for the updated series only, so an
//   amend costs O(live);
// - a bar at a NEW time point re-sends every series on the chart (the time scale changed), so
//   an append still costs O(history) once per bar. Nothing short of whitespace padding into the
//   future avoids that, and padding would shift the visible range; we accept it.
import {
  CandlestickSeries,
  HistogramSeries,
  type CandlestickData,
  type CreatePriceLineOptions,
  type HistogramData,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type PriceFormatBuiltIn,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { Bar } from '../../shared/domain';

export interface SplitSeriesOptions {
  /** Bars the live half may hold before its oldest bars are folded into history. Default 500. */
  maxLive?: number;
  upColor?: string;
  downColor?: string;
  /** Candle price format (precision / minMove from the instrument's tick size). Default: library's 2 decimals. */
  priceFormat?: PriceFormatBuiltIn;
}

export const DEFAULT_MAX_LIVE = 500;
/**
 * Bars left in the live half after a fold (and put there by `setHistory`). One is enough for
 * correctness — the forming bar must be in the live half so amending it never touches history —
 * and fewer bars kept means folds are rarer, which matters because a fold is O(history).
 */
export const LIVE_AFTER_FOLD = 1;

const DEFAULT_UP = '#26a69a';
const DEFAULT_DOWN = '#ef5350';
/** Volume takes the bottom 20 % of the pane; candles keep clear of it. */
const VOLUME_MARGINS = { top: 0.8, bottom: 0 };
const CANDLE_MARGINS = { top: 0.1, bottom: 0.25 };

// ---- pure bookkeeping (unit-tested in test/renderer/splitSeries.test.ts) ----

/** Chart time for a domain bar: epoch ms UTC → whole UTC seconds. */
export function toChartTime(ms: number): UTCTimestamp {
  return Math.floor(ms / 1000) as UTCTimestamp;
}

/** Index at which the live half starts when `total` bars are loaded: history = [0, split). */
export function splitPoint(total: number, keepLive: number = LIVE_AFTER_FOLD): number {
  return Math.max(0, total - Math.max(1, keepLive));
}

/** How many of the oldest live bars to fold into history; 0 while the live half fits. */
export function foldCount(liveLength: number, maxLive: number, keepLive: number = LIVE_AFTER_FOLD): number {
  return liveLength > maxLive ? liveLength - Math.min(Math.max(1, keepLive), maxLive) : 0;
}

export type UpdateKind = 'append' | 'amend' | 'stale';

/** What an incoming bar does, compared in chart time (seconds) so the chart and our books agree. */
export function classifyUpdate(lastMs: number | undefined, ms: number): UpdateKind {
  if (lastMs === undefined) return 'append';
  const last = toChartTime(lastMs);
  const next = toChartTime(ms);
  if (next > last) return 'append';
  return next === last ? 'amend' : 'stale';
}

/**
 * History as the chart requires it: strictly ascending chart times. Already-clean input (the
 * normal case) is returned as is; otherwise a sorted copy where the later entry wins a tie,
 * because `setData` throws on unordered data and a chart that throws shows nothing at all.
 */
export function normalizeHistory(bars: readonly Bar[]): readonly Bar[] {
  let clean = true;
  let previous = -Infinity;
  for (const bar of bars) {
    const time = toChartTime(bar.time);
    if (time <= previous) {
      clean = false;
      break;
    }
    previous = time;
  }
  if (clean) return bars;
  const byTime = new Map<number, Bar>();
  for (const bar of bars) byTime.set(toChartTime(bar.time), bar);
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
}

/**
 * Older bars to put in front of what is loaded: only those strictly before the first loaded bar
 * (a page may overlap it), in chart order. Empty when nothing is older.
 */
export function mergeOlder(older: readonly Bar[], firstLoadedMs: number | undefined): readonly Bar[] {
  const clean = normalizeHistory(older);
  if (firstLoadedMs === undefined) return clean;
  const first = toChartTime(firstLoadedMs);
  let end = clean.length;
  while (end > 0 && toChartTime((clean[end - 1] as Bar).time) >= first) end--;
  return end === clean.length ? clean : clean.slice(0, end);
}

// ---- the series pair ----

type Candle = CandlestickData<UTCTimestamp>;
type Volume = HistogramData<UTCTimestamp>;

let instances = 0;

export class SplitCandles {
  private readonly chart: IChartApi;
  private readonly maxLive: number;
  private readonly upVolume: string;
  private readonly downVolume: string;
  private readonly historyCandles: ISeriesApi<'Candlestick'>;
  private readonly liveCandles: ISeriesApi<'Candlestick'>;
  private readonly historyVolume: ISeriesApi<'Histogram'>;
  private readonly liveVolume: ISeriesApi<'Histogram'>;
  // Converted history kept so a fold only appends to it before `setData`.
  private readonly historyCandleData: Candle[] = [];
  private readonly historyVolumeData: Volume[] = [];
  private live: Bar[] = [];
  private disposed = false;

  constructor(chart: IChartApi, options: SplitSeriesOptions = {}) {
    this.chart = chart;
    this.maxLive = Math.max(1, Math.floor(options.maxLive ?? DEFAULT_MAX_LIVE));
    const upColor = options.upColor ?? DEFAULT_UP;
    const downColor = options.downColor ?? DEFAULT_DOWN;
    this.upVolume = translucent(upColor);
    this.downVolume = translucent(downColor);

    const candleStyle = {
      upColor,
      downColor,
      borderUpColor: upColor,
      borderDownColor: downColor,
      wickUpColor: upColor,
      wickDownColor: downColor,
      ...(options.priceFormat ? { priceFormat: options.priceFormat } : {}),
    };
    // The axis label and price line belong to the live half: it holds the latest bar.
    this.historyCandles = chart.addSeries(CandlestickSeries, {
      ...candleStyle,
      lastValueVisible: false,
      priceLineVisible: false,
    });
    this.liveCandles = chart.addSeries(CandlestickSeries, candleStyle);
    this.historyCandles.priceScale().applyOptions({ scaleMargins: CANDLE_MARGINS });

    // A per-instance overlay scale id, so two instruments on one chart never share a volume scale.
    const volumeScale = `volume-${++instances}`;
    const volumeStyle = {
      priceScaleId: volumeScale,
      priceFormat: { type: 'volume' as const },
      // A volume figure on the price axis would read as a price.
      lastValueVisible: false,
      priceLineVisible: false,
    };
    this.historyVolume = chart.addSeries(HistogramSeries, volumeStyle);
    this.liveVolume = chart.addSeries(HistogramSeries, volumeStyle);
    this.historyVolume.priceScale().applyOptions({ scaleMargins: VOLUME_MARGINS });
  }

  /** Replace everything (initial load, resync). All but the last bar go to the static half. */
  setHistory(bars: Bar[]): void {
    const clean = normalizeHistory(bars);
    const split = splitPoint(clean.length);
    this.historyCandleData.length = 0;
    this.historyVolumeData.length = 0;
    for (const bar of clean.slice(0, split)) this.pushHistory(bar);
    this.live = clean.slice(split);
    this.historyCandles.setData(this.historyCandleData);
    this.historyVolume.setData(this.historyVolumeData);
    this.liveCandles.setData(this.live.map(candle));
    this.liveVolume.setData(this.live.map((bar) => this.volume(bar)));
  }

  /** Amend the forming bar or append a new one; a bar older than the last is ignored. */
  update(bar: Bar): void {
    const kind = classifyUpdate(this.lastBar()?.time, bar.time);
    if (kind === 'stale') return;
    if (kind === 'amend') this.live[this.live.length - 1] = bar;
    else this.live.push(bar);
    this.liveCandles.update(candle(bar));
    this.liveVolume.update(this.volume(bar));
    if (kind === 'append') this.foldIfFull();
  }

  /**
   * Put older bars in front of the history half (scrolling back). One `setData` of the static
   * half; the view stays where it is because the time scale keeps its distance from the last bar.
   * Returns how many bars were added.
   */
  prepend(older: readonly Bar[]): number {
    const add = mergeOlder(older, this.firstBarTime());
    if (add.length === 0) return 0;
    if (this.count() === 0) {
      this.setHistory([...add]);
      return add.length;
    }
    this.historyCandleData.splice(0, 0, ...add.map(candle));
    this.historyVolumeData.splice(0, 0, ...add.map((bar) => this.volume(bar)));
    this.historyCandles.setData(this.historyCandleData);
    this.historyVolume.setData(this.historyVolumeData);
    return add.length;
  }

  /** Open time (epoch ms) of the oldest loaded bar. */
  firstBarTime(): number | undefined {
    const h = this.historyCandleData[0];
    return h !== undefined ? h.time * 1000 : this.live[0]?.time;
  }

  /** The bar at a chart time (seconds), e.g. under the crosshair; undefined between bars. */
  barAt(time: number): Bar | undefined {
    for (const bar of this.live) if (toChartTime(bar.time) === time) return bar;
    const data = this.historyCandleData;
    let lo = 0;
    let hi = data.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = data[mid] as Candle;
      if (c.time === time) {
        const v = this.historyVolumeData[mid];
        return {
          time: c.time * 1000,
          open: c.open,
          high: c.high,
          low: c.low,
          close: c.close,
          volume: v?.value ?? 0,
        };
      }
      if (c.time < time) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  count(): number {
    return this.historyCandleData.length + this.live.length;
  }

  /** The live half always holds the last bar when there is one (see `splitPoint`). */
  lastBar(): Bar | undefined {
    return this.live[this.live.length - 1];
  }

  // Price lines go on the LIVE candle half although it is the one that receives updates: the
  // library draws a price line only while its series has a bar at or right of the visible
  // range's left edge, and the history half has none whenever only recent bars are in view.
  // The live half always holds the newest bar, so its lines show whenever any bar does.
  createPriceLine(options: CreatePriceLineOptions): IPriceLine {
    return this.liveCandles.createPriceLine(options);
  }

  removePriceLine(line: IPriceLine): void {
    this.liveCandles.removePriceLine(line);
  }

  /** Pixel row of a price on the candle scale (null when the scale has no range yet). */
  priceToCoordinate(price: number): number | null {
    return this.liveCandles.priceToCoordinate(price);
  }

  coordinateToPrice(y: number): number | null {
    return this.liveCandles.coordinateToPrice(y);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const series of [this.liveVolume, this.historyVolume, this.liveCandles, this.historyCandles]) {
      this.chart.removeSeries(series);
    }
    this.historyCandleData.length = 0;
    this.historyVolumeData.length = 0;
    this.live = [];
  }

  private foldIfFull(): void {
    const n = foldCount(this.live.length, this.maxLive);
    if (n === 0) return;
    for (const bar of this.live.splice(0, n)) this.pushHistory(bar);
    // History first: the moved time points stay owned by some series throughout, so the time
    // scale never loses them and the visible range does not jump.
    this.historyCandles.setData(this.historyCandleData);
    this.historyVolume.setData(this.historyVolumeData);
    this.liveCandles.setData(this.live.map(candle));
    this.liveVolume.setData(this.live.map((bar) => this.volume(bar)));
  }

  private pushHistory(bar: Bar): void {
    this.historyCandleData.push(candle(bar));
    this.historyVolumeData.push(this.volume(bar));
  }

  private volume(bar: Bar): Volume {
    return {
      time: toChartTime(bar.time),
      value: bar.volume,
      color: bar.close >= bar.open ? this.upVolume : this.downVolume,
    };
  }
}

function candle(bar: Bar): Candle {
  return { time: toChartTime(bar.time), open: bar.open, high: bar.high, low: bar.low, close: bar.close };
}

/** Volume at half opacity so candles overlapping the volume band stay readable; hex only. */
function translucent(color: string): string {
  return /^#[0-9a-f]{6}$/i.test(color) ? `${color}80` : color;
}
