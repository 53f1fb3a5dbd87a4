/**
 * The imperative side of the chart: one lightweight-charts instance for the page's life, one
 * split candle series per instrument, live bars straight into the series (never through React),
 * and the e2e-visible `data-*` attributes kept current with cheap `setAttribute` calls. It also
 * draws what the library cannot: edge markers for lines priced off-screen, the legend of the bar
 * under the crosshair, and older history fetched as the trader scrolls back.
 */
import {
  ColorType,
  CrosshairMode,
  LineStyle,
  TickMarkType,
  createChart,
  type IChartApi,
  type IPriceLine,
  type LogicalRange,
  type MouseEventParams,
  type Time,
} from 'lightweight-charts';
import type { Bar, Instrument, Timeframe } from '../../shared/domain';
import { decimalsOf, roundToStep } from '../../shared/money';
import { seriesKey, type FormingBar } from '../../shared/stream';
import { layoutEdgeMarkers, type EdgeMarker } from './edgeMarkers';
import { formatPrice } from '../../shared/money';
import type { PriceLineSpec } from './orderLines';
import { SplitCandles } from './splitSeries';

/** A dragged line was dropped at a new price (already on the tick grid). */
export type LineDrop = (spec: PriceLineSpec, price: number) => void;

/** Alt+click (limit) or Alt+Shift+click (stop) at a price on the tick grid; x/y in the chart box. */
export interface ChartClick {
  price: number;
  kind: 'limit' | 'stop';
  x: number;
  y: number;
  /** The chart box's size, so the confirmation opens towards its roomier side. */
  width: number;
  height: number;
}

/** A page of older bars for a series, fetched when the trader scrolls near the first bar. */
export type OlderFetch = (
  series: string,
  before: number,
  count: number,
) => Promise<{ bars: Bar[]; more: boolean; reason?: string }>;

/** How close (px) the pointer must be to a line to grab it. */
const GRAB_PX = 6;
/** Bars asked for per scroll-back page, and how close (in bars) to the first bar asks for one. */
const OLDER_PAGE = 1000;
const OLDER_TRIGGER_BARS = 20;
/** The library's default bar spacing: what a symbol seen for the first time opens with. */
const DEFAULT_BAR_SPACING = 6;
/** Pixel height of one edge-marker row. */
const MARKER_ROW_PX = 18;

/** Where scrolling back stands: more may exist, a page is loading, or there is nothing older. */
/** `failed`: the last request for older bars failed (a rate limit, a dropped link): retried later. */
type OlderState = 'more' | 'loading' | 'none' | 'failed';
/** How long a failed request for older bars waits before scrolling may ask again. */
const OLDER_RETRY_MS = 5_000;

interface View {
  barSpacing: number;
  position: number;
}

export const chartColors = {
  background: '#0f1115',
  text: '#8b93a1',
  grid: '#1a1e26',
  border: '#262b35',
  up: '#26a69a',
  down: '#ef5350',
};

export interface LegendSink {
  (bar: Bar | undefined, instrument: Instrument | undefined): void;
}

export class ChartController {
  private readonly chart: IChartApi;
  private candles: SplitCandles | null = null;
  private instrument: Instrument | undefined;
  private timeframe: Timeframe = '1m';
  /** The series we asked the engine for; live bars for anything else are ignored. */
  private wanted: string | null = null;
  private loaded = false;
  /** The newest forming bar seen while history was still loading. */
  private pending: Bar | undefined;
  private readonly lines = new Map<string, { spec: PriceLineSpec; line: IPriceLine }>();

  private onDrop: LineDrop = () => undefined;
  private onClick: (click: ChartClick) => void = () => undefined;
  private fetchOlder: OlderFetch | null = null;
  private older: OlderState = 'more';
  private olderRetryAt = 0;
  /** Bumped by `begin`: an older page for a previous symbol/timeframe is dropped. */
  private generation = 0;
  /** Chart time (s) under the crosshair, or null: the legend then shows the last bar. */
  private hoverTime: number | null = null;
  /** Each symbol's own zoom and scroll, restored when the trader comes back to it. */
  private readonly views = new Map<string, View>();
  /** How `load` places the view: fit a new symbol, restore a known one, or keep (null). */
  private placeView: 'fit' | View | null = 'fit';
  private readonly overlay: HTMLDivElement;
  private readonly olderNote: HTMLDivElement;
  private overlayKey = '';
  private overlayFrame = 0;
  private readonly resize: ResizeObserver | null;

  /** The line being dragged, and where it is now. */
  private dragging: { key: string; price: number } | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly legend: LegendSink,
  ) {
    this.chart = createChart(container, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: chartColors.background },
        textColor: chartColors.text,
        fontSize: 11,
        fontFamily: 'Inter, "Segoe UI", Roboto, system-ui, sans-serif',
        attributionLogo: false,
      },
      grid: { vertLines: { color: chartColors.grid }, horzLines: { color: chartColors.grid } },
      crosshair: { mode: CrosshairMode.Normal },
      rightPriceScale: { borderColor: chartColors.border },
      timeScale: {
        borderColor: chartColors.border,
        timeVisible: true,
        secondsVisible: false,
        rightOffset: 4,
        tickMarkFormatter: localTickMark,
      },
      // The library labels in UTC; fills and orders show local time, so the axis must too.
      localization: { timeFormatter: (t: Time) => localCrosshairTime(t, '1m') },
    });
    this.attr('data-bars', '0');
    this.attr('data-price-lines', '[]');
    this.attr('data-edge-markers', '[]');
    this.attr('data-older', this.older);
    this.overlay = document.createElement('div');
    this.overlay.className = 'chart-overlay';
    this.olderNote = document.createElement('div');
    this.olderNote.className = 'chart-older-note';
    this.olderNote.hidden = true;
    container.append(this.overlay, this.olderNote);
    this.chart.subscribeCrosshairMove(this.onCrosshair);
    this.chart.timeScale().subscribeVisibleLogicalRangeChange(this.onRange);
    // Capture phase: the grab must win over the chart's own pan before it starts.
    container.addEventListener('pointerdown', this.onPointerDown, true);
    container.addEventListener('pointermove', this.onPointerMove, true);
    container.addEventListener('pointerup', this.onPointerUp, true);
    // The price scale also moves when the trader wheels or resizes: re-measure the edge markers.
    container.addEventListener('wheel', this.scheduleOverlay, { passive: true });
    this.resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(this.scheduleOverlay);
    this.resize?.observe(container);
  }

  /** What a dropped line does (the panel sends a modify). */
  setDropHandler(onDrop: LineDrop): void {
    this.onDrop = onDrop;
  }

  /** What an Alt+click does (the panel asks to confirm, then places the order). */
  setClickHandler(onClick: (click: ChartClick) => void): void {
    this.onClick = onClick;
  }

  /** Where older bars come from (the panel calls `charts.history`). */
  setOlderSource(fetch: OlderFetch): void {
    this.fetchOlder = fetch;
  }

  private lineAt(y: number): { spec: PriceLineSpec; line: IPriceLine } | undefined {
    if (!this.candles) return undefined;
    let best: { spec: PriceLineSpec; line: IPriceLine } | undefined;
    let bestDist = GRAB_PX + 1;
    for (const l of this.lines.values()) {
      if (l.spec.drag === undefined) continue;
      const ly = this.candles.priceToCoordinate(l.spec.price);
      if (ly === null) continue;
      const d = Math.abs(ly - y);
      if (d < bestDist) {
        best = l;
        bestDist = d;
      }
    }
    return best;
  }

  private localY(e: PointerEvent): number {
    return e.clientY - this.container.getBoundingClientRect().top;
  }

  private readonly onPointerDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    if (e.altKey) {
      this.clickToPlace(e);
      return;
    }
    const hit = this.lineAt(this.localY(e));
    if (hit === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    this.dragging = { key: hit.spec.key, price: hit.spec.price };
    this.chart.applyOptions({ handleScroll: false, handleScale: false });
    this.container.setPointerCapture?.(e.pointerId);
    this.attr('data-dragging', hit.spec.key);
  };

  private clickToPlace(e: PointerEvent): void {
    const inst = this.instrument;
    const raw = this.candles?.coordinateToPrice(this.localY(e));
    if (inst === undefined || raw === null || raw === undefined || !this.loaded) return;
    e.preventDefault();
    e.stopPropagation();
    const price = roundToStep(raw, inst.tickSize);
    if (price <= 0) return;
    const box = this.container.getBoundingClientRect();
    this.onClick({
      price,
      kind: e.shiftKey ? 'stop' : 'limit',
      x: e.clientX - box.left,
      y: e.clientY - box.top,
      width: box.width,
      height: box.height,
    });
  }

  private readonly onPointerMove = (e: PointerEvent): void => {
    const y = this.localY(e);
    // A button held outside a line drag is the trader panning or scaling: markers move with it.
    if (e.buttons !== 0) this.scheduleOverlay();
    if (this.dragging === null) {
      this.container.style.cursor = this.lineAt(y) !== undefined ? 'ns-resize' : '';
      return;
    }
    e.stopPropagation();
    const raw = this.candles?.coordinateToPrice(y);
    const tick = this.instrument?.tickSize;
    const l = this.lines.get(this.dragging.key);
    if (raw === null || raw === undefined || tick === undefined || l === undefined) return;
    const price = Number((Math.round(raw / tick) * tick).toFixed(decimalsOf(tick)));
    if (price <= 0 || price === this.dragging.price) return;
    this.dragging.price = price;
    l.line.applyOptions({ price });
  };

  private readonly onPointerUp = (e: PointerEvent): void => {
    const d = this.dragging;
    if (d === null) return;
    e.stopPropagation();
    this.dragging = null;
    this.chart.applyOptions({ handleScroll: true, handleScale: true });
    this.container.releasePointerCapture?.(e.pointerId);
    this.attr('data-dragging', '');
    const l = this.lines.get(d.key);
    if (l !== undefined && d.price !== l.spec.price) this.onDrop(l.spec, d.price);
  };

  /** Puts a dragged line back where its order is (the modify was refused). */
  resetLine(key: string): void {
    const l = this.lines.get(key);
    l?.line.applyOptions({ price: l.spec.price });
  }

  /** Point the chart at a symbol and timeframe; history follows with `load`. */
  begin(instrument: Instrument, timeframe: Timeframe): void {
    this.generation++;
    if (this.instrument?.symbol !== instrument.symbol || !this.candles) {
      if (this.instrument !== undefined && this.loaded)
        this.views.set(this.instrument.symbol, this.currentView());
      this.placeView = this.views.get(instrument.symbol) ?? 'fit';
      this.clearLines();
      this.candles?.dispose();
      const precision = instrument.pricePrecision;
      // Axis and crosshair labels at the tick with separators, like every other price on screen.
      this.chart.applyOptions({
        localization: { priceFormatter: (p: number) => formatPrice(p, instrument) },
      });
      this.candles = new SplitCandles(this.chart, {
        upColor: chartColors.up,
        downColor: chartColors.down,
        priceFormat: {
          type: 'price',
          precision: Math.max(precision, decimalsOf(instrument.tickSize)),
          minMove: instrument.tickSize,
        },
      });
    }
    this.instrument = instrument;
    this.timeframe = timeframe;
    this.wanted = seriesKey(instrument.symbol, timeframe);
    this.loaded = false;
    this.pending = undefined;
    this.hoverTime = null;
    this.setOlder('more', '');
    this.candles.setHistory([]);
    // Seconds bars need seconds on the axis; minutes and longer do not.
    this.chart.applyOptions({
      timeScale: { secondsVisible: timeframe.endsWith('s') },
      localization: { timeFormatter: (t: Time) => localCrosshairTime(t, timeframe) },
    });
    this.attr('data-symbol', instrument.symbol);
    this.attr('data-timeframe', timeframe);
    this.attr('data-loading', 'true');
    this.publish();
  }

  /** History for the series from `begin` (open, timeframe change, resync): `setData` once. */
  load(series: string, bars: Bar[]): void {
    if (!this.candles || series !== this.wanted) return;
    this.candles.setHistory(bars);
    this.loaded = true;
    const last = this.candles.lastBar();
    if (this.pending && (!last || this.pending.time >= last.time)) this.candles.update(this.pending);
    this.pending = undefined;
    this.applyView();
    this.attr('data-loading', 'false');
    this.publish();
    // A short first page may already show the first bar: ask for older ones straight away.
    this.onRange(this.chart.timeScale().getVisibleLogicalRange());
  }

  private currentView(): View {
    const ts = this.chart.timeScale();
    return { barSpacing: ts.options().barSpacing, position: ts.scrollPosition() };
  }

  /** A symbol seen for the first time is fitted; one seen before gets its own zoom back. */
  private applyView(): void {
    const ts = this.chart.timeScale();
    const view = this.placeView;
    this.placeView = null;
    if (view === null) {
      ts.scrollToRealTime();
    } else {
      // The price axis follows the new symbol's prices again, whatever was done to the last one.
      this.chart.priceScale('right').applyOptions({ autoScale: true });
      ts.applyOptions({ barSpacing: view === 'fit' ? DEFAULT_BAR_SPACING : view.barSpacing });
      if (view === 'fit') ts.scrollToRealTime();
      else ts.scrollToPosition(view.position, false);
    }
    this.attr('data-bar-spacing', String(ts.options().barSpacing));
  }

  private readonly onRange = (range: LogicalRange | null): void => {
    this.scheduleOverlay();
    this.attr('data-bar-spacing', String(this.chart.timeScale().options().barSpacing));
    if (range === null || !this.loaded) return;
    this.olderNote.hidden = !((this.older === 'none' || this.older === 'failed') && range.from < 0);
    const mayAsk = this.older === 'more' || (this.older === 'failed' && Date.now() >= this.olderRetryAt);
    if (mayAsk && range.from < OLDER_TRIGGER_BARS) void this.loadOlder();
  };

  private async loadOlder(): Promise<void> {
    const fetch = this.fetchOlder;
    const first = this.candles?.firstBarTime();
    const series = this.wanted;
    if (fetch === null || first === undefined || series === null) return;
    const generation = this.generation;
    this.setOlder('loading', '');
    let page: Awaited<ReturnType<OlderFetch>>;
    try {
      page = await fetch(series, first, OLDER_PAGE);
    } catch (e) {
      // A failure is not the end of history: scrolling asks again once OLDER_RETRY_MS has passed.
      if (generation === this.generation) {
        this.olderRetryAt = Date.now() + OLDER_RETRY_MS;
        const why = e instanceof Error ? e.message : String(e);
        this.setOlder('failed', `Older bars could not be loaded (${why}); scroll again to retry.`);
      }
      return;
    }
    if (generation !== this.generation || !this.candles) return;
    const added = this.candles.prepend(page.bars);
    this.setOlder(page.more && added > 0 ? 'more' : 'none', page.reason ?? 'No older history.');
    this.publish();
    // Still at the first bar (a short page): the range event may not fire again by itself.
    this.onRange(this.chart.timeScale().getVisibleLogicalRange());
  }

  private setOlder(state: OlderState, reason: string): void {
    this.older = state;
    this.attr('data-older', state);
    this.olderNote.textContent =
      state === 'none' ? reason || 'No older history.' : state === 'failed' ? reason : '';
    if (state !== 'none' && state !== 'failed') this.olderNote.hidden = true;
  }

  private readonly onCrosshair = (param: MouseEventParams<Time>): void => {
    const t = typeof param.time === 'number' ? param.time : null;
    if (t === this.hoverTime) return;
    this.hoverTime = t;
    this.writeLegend();
  };

  private writeLegend(): void {
    const last = this.candles?.lastBar();
    const bar = (this.hoverTime !== null ? this.candles?.barAt(this.hoverTime) : undefined) ?? last;
    this.attr('data-legend-time', bar ? String(bar.time) : '');
    this.legend(bar, this.instrument);
  }

  /** Edge markers are measured at most once per frame, whatever asked for it. */
  private readonly scheduleOverlay = (): void => {
    if (this.overlayFrame !== 0) return;
    this.overlayFrame = requestAnimationFrame(() => {
      this.overlayFrame = 0;
      this.drawOverlay();
    });
  };

  private drawOverlay(): void {
    if (!this.candles) return;
    const height = this.chart.paneSize(0).height;
    const measured = [...this.lines.values()].map(({ spec }) => ({
      key: spec.key,
      y: this.candles?.priceToCoordinate(spec.price) ?? null,
      label: spec.label,
      color: spec.color,
    }));
    const markers = layoutEdgeMarkers(measured, height);
    const axis = this.chart.priceScale('right').width();
    const key = `${height}|${axis}|${JSON.stringify(markers)}`;
    if (key === this.overlayKey) return;
    this.overlayKey = key;
    this.overlay.replaceChildren(...markers.map((m) => this.markerEl(m, height, axis)));
    this.attr(
      'data-edge-markers',
      JSON.stringify(markers.map(({ key: k, edge, label }) => ({ key: k, edge, label }))),
    );
  }

  private markerEl(m: EdgeMarker, paneHeight: number, axisWidth: number): HTMLElement {
    const el = document.createElement('div');
    el.className = `chart-edge-marker ${m.edge}`;
    el.textContent = m.label;
    el.style.borderColor = m.color;
    el.style.right = `${axisWidth + 4}px`;
    const offset = 2 + m.slot * MARKER_ROW_PX;
    el.style.top = `${m.edge === 'top' ? offset : paneHeight - offset - MARKER_ROW_PX + 2}px`;
    el.title = m.edge === 'top' ? 'Above the visible prices' : 'Below the visible prices';
    return el;
  }

  /** Forming bars from the stream batch (called once per applied batch, never via React). */
  onBars = (bars: readonly FormingBar[]): void => {
    if (!this.candles || this.wanted === null) return;
    for (const fb of bars) {
      if (fb.series !== this.wanted) continue;
      if (!this.loaded) {
        this.pending = fb.bar;
        continue;
      }
      this.candles.update(fb.bar);
    }
    if (this.loaded) this.publish();
  };

  setPriceLines(specs: readonly PriceLineSpec[]): void {
    if (!this.candles) return;
    const next = new Map(specs.map((s) => [s.key, s]));
    for (const [key, { spec, line }] of this.lines) {
      const want = next.get(key);
      if (!want) {
        this.candles.removePriceLine(line);
        this.lines.delete(key);
      } else {
        // The trader holds a line being dragged: the order's (old) price must not yank it back.
        const changed = want.price !== spec.price || want.title !== spec.title || want.color !== spec.color;
        if (changed && this.dragging?.key !== key)
          line.applyOptions({ price: want.price, title: want.title, color: want.color });
        // Kept even when unchanged: the label (edge marker words, e.g. open P&L) may differ.
        this.lines.set(key, { spec: want, line });
      }
    }
    for (const spec of specs) {
      if (this.lines.has(spec.key)) continue;
      const line = this.candles.createPriceLine({
        price: spec.price,
        title: spec.title,
        color: spec.color,
        lineWidth: 1,
        lineStyle: spec.dashed ? LineStyle.Dashed : LineStyle.Solid,
        axisLabelVisible: true,
      });
      this.lines.set(spec.key, { spec, line });
    }
    this.attr('data-price-lines', JSON.stringify(specs.flatMap((s) => [s.price, ...(s.alsoPrices ?? [])])));
    this.publishDragLines();
    this.scheduleOverlay();
  }

  /** The draggable lines and their pixel rows, for e2e (which drags them like a trader). */
  private publishDragLines(): void {
    const rows: { key: string; price: number; y: number | null; title: string }[] = [];
    for (const { spec } of this.lines.values())
      if (spec.drag !== undefined)
        rows.push({
          key: spec.key,
          price: spec.price,
          title: spec.title,
          y: this.candles?.priceToCoordinate(spec.price) ?? null,
        });
    this.attr('data-drag-lines', JSON.stringify(rows));
  }

  error(message: string): void {
    this.attr('data-error', message);
  }

  dispose(): void {
    this.container.removeEventListener('pointerdown', this.onPointerDown, true);
    this.container.removeEventListener('pointermove', this.onPointerMove, true);
    this.container.removeEventListener('pointerup', this.onPointerUp, true);
    this.container.removeEventListener('wheel', this.scheduleOverlay);
    this.resize?.disconnect();
    if (this.overlayFrame !== 0) cancelAnimationFrame(this.overlayFrame);
    this.chart.unsubscribeCrosshairMove(this.onCrosshair);
    this.chart.timeScale().unsubscribeVisibleLogicalRangeChange(this.onRange);
    this.overlay.remove();
    this.olderNote.remove();
    this.clearLines();
    this.candles?.dispose();
    this.candles = null;
    this.chart.remove();
  }

  get currentTimeframe(): Timeframe {
    return this.timeframe;
  }

  private clearLines(): void {
    if (this.candles) for (const { line } of this.lines.values()) this.candles.removePriceLine(line);
    this.lines.clear();
    this.attr('data-price-lines', '[]');
  }

  private publish(): void {
    const last = this.candles?.lastBar();
    this.attr('data-bars', String(this.candles?.count() ?? 0));
    this.attr('data-last-time', last ? String(last.time) : '');
    this.attr('data-last-close', last ? String(last.close) : '');
    if (this.lines.size > 0) {
      this.publishDragLines();
      this.scheduleOverlay();
    }
    this.writeLegend();
  }

  private attr(name: string, value: string): void {
    if (this.container.getAttribute(name) !== value) this.container.setAttribute(name, value);
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Our series use UTCTimestamp (seconds) only; business-day objects never reach this chart. */
function toDate(time: Time): Date {
  return new Date((typeof time === 'number' ? time : 0) * 1000);
}

function localTickMark(time: Time, type: TickMarkType): string {
  const d = toDate(time);
  switch (type) {
    case TickMarkType.Year:
      return String(d.getFullYear());
    case TickMarkType.Month:
      return months[d.getMonth()] ?? '';
    case TickMarkType.DayOfMonth:
      return `${d.getDate()} ${months[d.getMonth()] ?? ''}`;
    case TickMarkType.TimeWithSeconds:
      return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    default:
      return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }
}

/** The crosshair's time: with seconds on seconds bars, the date alone on daily bars. */
function localCrosshairTime(time: Time, timeframe: Timeframe): string {
  const d = toDate(time);
  const date = `${d.getDate()} ${months[d.getMonth()] ?? ''}`;
  // Daily bars are UTC days: their date is the UTC one, whatever the local offset.
  if (timeframe === '1D') return `${d.getUTCDate()} ${months[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()}`;
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return timeframe.endsWith('s') ? `${date} ${hm}:${pad(d.getSeconds())}` : `${date} ${hm}`;
}
