/**
 * The imperative side of the chart: one lightweight-charts instance for the page's life, one
 * split candle series per instrument, live bars straight into the series (never through React),
 * and the e2e-visible `data-*` attributes kept current with cheap `setAttribute` calls.
 */
import {
  ColorType,
  CrosshairMode,
  LineStyle,
  TickMarkType,
  createChart,
  type IChartApi,
  type IPriceLine,
  type Time,
} from 'lightweight-charts';
import type { Bar, Instrument, Timeframe } from '../../shared/domain';
import { decimalsOf } from '../../shared/money';
import { seriesKey, type FormingBar } from '../../shared/stream';
import { SplitCandles } from './splitSeries';

export interface PriceLineSpec {
  /** Stable identity (order id + leg, or position key) so unchanged lines are not redrawn. */
  key: string;
  price: number;
  title: string;
  color: string;
  dashed?: boolean;
  /** A working order's price the trader may drag (modify); absent for positions. */
  drag?: { connectionId: string; orderId: string; field: 'limitPrice' | 'stopPrice' };
}

/** A dragged line was dropped at a new price (already on the tick grid). */
export type LineDrop = (spec: PriceLineSpec, price: number) => void;

/** How close (px) the pointer must be to a line to grab it. */
const GRAB_PX = 6;

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

  /** What a dropped line does (the panel sends a modify). */
  setDropHandler(onDrop: LineDrop): void {
    this.onDrop = onDrop;
  }

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
      localization: { timeFormatter: localCrosshairTime },
    });
    this.attr('data-bars', '0');
    this.attr('data-price-lines', '[]');
    // Capture phase: the grab must win over the chart's own pan before it starts.
    container.addEventListener('pointerdown', this.onPointerDown, true);
    container.addEventListener('pointermove', this.onPointerMove, true);
    container.addEventListener('pointerup', this.onPointerUp, true);
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
    const hit = this.lineAt(this.localY(e));
    if (hit === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    this.dragging = { key: hit.spec.key, price: hit.spec.price };
    this.chart.applyOptions({ handleScroll: false, handleScale: false });
    this.container.setPointerCapture?.(e.pointerId);
    this.attr('data-dragging', hit.spec.key);
  };

  private readonly onPointerMove = (e: PointerEvent): void => {
    const y = this.localY(e);
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
    if (this.instrument?.symbol !== instrument.symbol || !this.candles) {
      this.clearLines();
      this.candles?.dispose();
      const precision = instrument.pricePrecision;
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
    this.candles.setHistory([]);
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
    this.chart.timeScale().scrollToRealTime();
    this.attr('data-loading', 'false');
    this.publish();
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
      } else if (this.dragging?.key === key) {
        // The trader holds this line: the order's (old) price must not yank it back mid-drag.
        this.lines.set(key, { spec: want, line });
      } else if (want.price !== spec.price || want.title !== spec.title || want.color !== spec.color) {
        line.applyOptions({ price: want.price, title: want.title, color: want.color });
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
    this.attr('data-price-lines', JSON.stringify(specs.map((s) => s.price)));
    this.publishDragLines();
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
    if (this.lines.size > 0) this.publishDragLines();
    this.legend(last, this.instrument);
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
    default:
      return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }
}

function localCrosshairTime(time: Time): string {
  const d = toDate(time);
  return `${d.getDate()} ${months[d.getMonth()] ?? ''} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
