/**
 * Chart series: history from the connection plus the forming bar, updated in main from trade
 * prints (never in the renderer). Series are ref-counted: two charts on `ES|1m` share one.
 */
import { type Bar, type Timeframe, timeframeMs } from '../../shared/domain';
import { type FormingBar, seriesKey } from '../../shared/stream';

/**
 * Bars a chart receives when it opens: a full session of 1m, several days of 5m/15m. It is a
 * cap, not a request: whatever a connection returns, the engine sends at most this many, because
 * the renderer's SplitCandles folds its live half into the whole history with one `setData`, and
 * that fold is O(history) — a few ms at this size, hundreds of ms at 100k (docs/benchmarks.md).
 */
export const DEFAULT_HISTORY_BARS = 2000;

export function barTime(ts: number, timeframe: Timeframe): number {
  const ms = timeframeMs[timeframe];
  return Math.floor(ts / ms) * ms;
}

/** Fold a trade into `bar` (mutating) or start a new bar. Returns the bar now forming. */
export function foldTrade(bar: Bar | undefined, time: number, price: number, size: number): Bar {
  if (bar === undefined || time > bar.time)
    return { time, open: price, high: price, low: price, close: price, volume: size };
  if (price > bar.high) bar.high = price;
  if (price < bar.low) bar.low = price;
  bar.close = price;
  bar.volume += size;
  return bar;
}

/**
 * Aggregate oldest-first bars of a shorter (or equal) length into `timeframe` bars, bucketed by
 * open time: 1m bars into 5m…1D, 5s bars into 15s.
 */
export function aggregateBars(bars1m: readonly Bar[], timeframe: Timeframe): Bar[] {
  const out: Bar[] = [];
  let cur: Bar | undefined;
  for (const b of bars1m) {
    const t = barTime(b.time, timeframe);
    if (cur === undefined || t !== cur.time) {
      cur = { time: t, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume };
      out.push(cur);
    } else {
      if (b.high > cur.high) cur.high = b.high;
      if (b.low < cur.low) cur.low = b.low;
      cur.close = b.close;
      cur.volume += b.volume;
    }
  }
  return out;
}

/**
 * One page of `timeframe` bars from oldest-first base bars (1m, or 5s for seconds): the newest
 * `count` bars, or with `before` (epoch ms) the newest `count` that open before it. The page
 * starts on a bucket boundary, so no aggregated bar is cut short.
 */
export function pageBars(base: readonly Bar[], timeframe: Timeframe, count: number, before?: number): Bar[] {
  if (count <= 0) return [];
  // A `before` inside a bucket cuts at that bucket's open: only whole bars go back.
  const cut = before === undefined ? undefined : barTime(before, timeframe);
  // End (exclusive) of the base bars that may be used: binary search for the first at/after `cut`.
  let end = base.length;
  if (cut !== undefined) {
    let lo = 0;
    let hi = base.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((base[mid]?.time ?? 0) < cut) lo = mid + 1;
      else hi = mid;
    }
    end = lo;
  }
  const last = base[end - 1];
  if (last === undefined) return [];
  const from = barTime(last.time, timeframe) - (count - 1) * timeframeMs[timeframe];
  let i = end;
  while (i > 0 && (base[i - 1]?.time ?? 0) >= from) i--;
  return aggregateBars(base.slice(i, end), timeframe);
}

export interface HistorySource {
  history?(symbol: string, timeframe: Timeframe, count: number): Promise<Bar[]>;
  historyBefore?(symbol: string, timeframe: Timeframe, before: number, count: number): Promise<Bar[]>;
}

interface Series {
  key: string;
  connectionId: string;
  symbol: string;
  timeframe: Timeframe;
  /** Bar length in ms (cached for the hot path). */
  ms: number;
  refs: number;
  forming: Bar | undefined;
  ready: Promise<Bar[]>;
}

export class BarStore {
  private readonly series = new Map<string, Series>();
  /** connectionId → symbol → series fed by that instrument's trades (hot-path index, no key building). */
  private readonly bySymbol = new Map<string, Map<string, Series[]>>();
  private changed = new Set<string>();

  constructor(private readonly historyBars = DEFAULT_HISTORY_BARS) {}

  /** Subscribe to a series and return its history (oldest first; the last bar may be forming). */
  async open(
    connectionId: string,
    symbol: string,
    timeframe: Timeframe,
    source: HistorySource,
    now: number,
  ): Promise<{ series: string; bars: Bar[] }> {
    const key = seriesKey(symbol, timeframe);
    const existing = this.series.get(key);
    if (existing !== undefined) {
      existing.refs++;
      const bars = await existing.ready;
      return { series: key, bars: newest(withForming(bars, existing.forming), this.historyBars) };
    }
    const s: Series = {
      key,
      connectionId,
      symbol,
      timeframe,
      ms: timeframeMs[timeframe],
      refs: 1,
      forming: undefined,
      ready:
        source.history === undefined
          ? Promise.resolve([])
          : source.history(symbol, timeframe, this.historyBars).then((b) => newest(b, this.historyBars)),
    };
    this.series.set(key, s);
    let perConn = this.bySymbol.get(connectionId);
    if (perConn === undefined) {
      perConn = new Map();
      this.bySymbol.set(connectionId, perConn);
    }
    const list = perConn.get(symbol);
    if (list === undefined) perConn.set(symbol, [s]);
    else list.push(s);
    let bars: Bar[];
    try {
      bars = await s.ready;
    } catch (err) {
      this.drop(s);
      throw err;
    }
    // The connection's last bar is the one forming now when it falls in the current bucket.
    const last = bars[bars.length - 1];
    if (s.forming === undefined && last !== undefined && last.time === barTime(now, timeframe))
      s.forming = { ...last };
    return { series: key, bars: newest(withForming(bars, s.forming), this.historyBars) };
  }

  /** The listing behind an open series (for paging its history). */
  seriesInfo(key: string): { connectionId: string; symbol: string; timeframe: Timeframe } | undefined {
    const s = this.series.get(key);
    return s === undefined
      ? undefined
      : { connectionId: s.connectionId, symbol: s.symbol, timeframe: s.timeframe };
  }

  /** Listings with at least one open series (what the charts need streamed). */
  openListings(): { connectionId: string; symbol: string }[] {
    return [...this.series.values()].map((s) => ({ connectionId: s.connectionId, symbol: s.symbol }));
  }

  /** Release one reference; the series stops updating when none remain. Returns false if unknown. */
  close(key: string): boolean {
    const s = this.series.get(key);
    if (s === undefined) return false;
    if (--s.refs <= 0) this.drop(s);
    return true;
  }

  private drop(s: Series): void {
    this.series.delete(s.key);
    this.changed.delete(s.key);
    const perConn = this.bySymbol.get(s.connectionId);
    if (perConn === undefined) return;
    const list = perConn.get(s.symbol)?.filter((x) => x !== s) ?? [];
    if (list.length === 0) perConn.delete(s.symbol);
    else perConn.set(s.symbol, list);
    if (perConn.size === 0) this.bySymbol.delete(s.connectionId);
  }

  isOpen(key: string): boolean {
    return this.series.has(key);
  }

  /** Hot path: one trade print. */
  onTrade(connectionId: string, symbol: string, price: number, size: number, ts: number): void {
    const list = this.bySymbol.get(connectionId)?.get(symbol);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      const s = list[i] as Series;
      const t = Math.floor(ts / s.ms) * s.ms;
      // A late print for an already-closed bar would corrupt the forming one: ignore it.
      if (s.forming !== undefined && t < s.forming.time) continue;
      s.forming = foldTrade(s.forming, t, price, size);
      this.changed.add(s.key);
    }
  }

  hasChanges(): boolean {
    return this.changed.size > 0;
  }

  /** Forming bars changed since the last call (latest state, one per series). */
  takeChanged(): FormingBar[] {
    if (this.changed.size === 0) return [];
    const out: FormingBar[] = [];
    for (const key of this.changed) {
      const bar = this.series.get(key)?.forming;
      if (bar !== undefined) out.push({ series: key, bar: { ...bar } });
    }
    this.changed.clear();
    return out;
  }

  forming(): FormingBar[] {
    const out: FormingBar[] = [];
    for (const s of this.series.values())
      if (s.forming !== undefined) out.push({ series: s.key, bar: { ...s.forming } });
    return out;
  }
}

function withForming(bars: Bar[], forming: Bar | undefined): Bar[] {
  if (forming === undefined) return bars;
  const last = bars[bars.length - 1];
  if (last !== undefined && last.time === forming.time) return [...bars.slice(0, -1), { ...forming }];
  if (last === undefined || last.time < forming.time) return [...bars, { ...forming }];
  return bars;
}

/** The newest `max` bars (a connection may return more than it was asked for). */
function newest(bars: Bar[], max: number): Bar[] {
  return bars.length > max ? bars.slice(bars.length - max) : bars;
}
