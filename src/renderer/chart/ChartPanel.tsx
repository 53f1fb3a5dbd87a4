/**
 * The centre chart. React decides WHAT is shown (symbol, timeframe, price lines); the
 * ChartController draws it, and live bars reach it from the store without any React render.
 * Alt+click places a limit at the clicked price, Alt+Shift+click a stop (after a confirmation);
 * a working order's line drags to modify it.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Bar, Instrument, Timeframe } from '../../shared/domain';
import { Timeframe as TimeframeSchema } from '../../shared/domain';
import { quoteKey } from '../../shared/keys';
import { newRequestKey } from '../orders/keys';
import { useUi } from '../layout/dialogs';
import { freshness } from '../state/clock';
import { useNow, useStore, useTerminal } from '../state/context';
import { formatAge } from '../format';
import { ChartController, type ChartClick } from './chartController';
import { bookLines, dropChange } from './orderLines';
import { formatPrice, formatQuantity } from '../../shared/money';
import { ChartPlacePopover } from './ChartPlacePopover';
import './chart.css';

const timeframes = TimeframeSchema.options;

interface Props {
  instrument: Instrument | undefined;
  timeframe: Timeframe;
  onTimeframe(tf: Timeframe): void;
}

export function ChartPanel({ instrument, timeframe, onTimeframe }: Props) {
  const { api, store } = useTerminal();
  const ui = useUi();
  const containerRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const [ctl, setCtl] = useState<ChartController | null>(null);
  // Keyed by what was being loaded, so a new symbol/timeframe never shows the previous error.
  const [loadError, setLoadError] = useState<{ key: string; message: string } | null>(null);
  const [click, setClick] = useState<(ChartClick & { listing: string }) | null>(null);
  const snapshots = useStore((s) => s.snapshots);
  const orders = useStore((s) => s.orders);
  const positions = useStore((s) => s.positions);
  const symbol = instrument?.symbol;
  const listing = instrument ? quoteKey(instrument.connectionId, instrument.symbol) : undefined;
  const receivedAt = useStore((s) => (listing ? s.quotes.get(listing)?.receivedAt : undefined));
  const now = useNow();
  const feed = freshness(receivedAt, now);

  // The chart is created once per mount; everything later is applyOptions / setData / update.
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const controller = new ChartController(container, (bar, inst) =>
      writeLegend(legendRef.current, bar, inst),
    );
    const off = store.onBars(controller.onBars);
    setCtl(controller);
    return () => {
      off();
      controller.dispose();
      setCtl(null);
    };
  }, [store]);

  // A dragged order line is a modify, with the same checks as the orders table's Edit; a
  // stop-limit's limit moves with its stop. Older history comes page by page as the trader scrolls.
  useEffect(() => {
    if (!ctl) return;
    ctl.setDropHandler((spec, price) => {
      const d = spec.drag;
      const tick = instrument?.tickSize;
      if (d === undefined || tick === undefined) return;
      const refused = (why: string) => {
        ctl.resetLine(spec.key);
        ui.notify('error', `Move ${spec.title} refused: ${why}`);
      };
      api.orders
        .modify({
          connectionId: d.connectionId,
          orderId: d.orderId,
          ...dropChange(d, price, tick),
          idempotencyKey: newRequestKey(),
          origin: 'chart',
        })
        .then(
          (r) => (r.ok ? undefined : refused(r.error.message)),
          (e: unknown) => refused(e instanceof Error ? e.message : String(e)),
        );
    });
    ctl.setOlderSource(async (series, before, count) => {
      const r = await api.charts.history({ series, before, count });
      if (!r.ok) throw new Error(r.error.message);
      return r.value.reason === undefined
        ? { bars: r.value.bars, more: r.value.more }
        : { bars: r.value.bars, more: r.value.more, reason: r.value.reason };
    });
  }, [api, ctl, ui, instrument]);

  useEffect(() => {
    if (!ctl) return;
    ctl.setClickHandler((c) => (listing === undefined ? undefined : setClick({ ...c, listing })));
  }, [ctl, listing]);

  // History: on open, timeframe change and after every resync snapshot (`snapshots` changes).
  useEffect(() => {
    if (!ctl || !instrument || snapshots === 0) return;
    let cancelled = false;
    let opened: string | null = null;
    const key = `${instrument.symbol}|${timeframe}|${snapshots}`;
    ctl.begin(instrument, timeframe);
    api.charts.open({ symbol: instrument.symbol, timeframe }).then(
      (res) => {
        if (!res.ok) {
          if (!cancelled) setLoadError({ key, message: res.error.message });
          return;
        }
        opened = res.value.series;
        if (cancelled) void api.charts.close({ series: opened }).catch(() => undefined);
        else ctl.load(res.value.series, res.value.bars);
      },
      (e: unknown) => {
        if (!cancelled) setLoadError({ key, message: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      cancelled = true;
      // A host that restarted no longer knows the series; that close failing is harmless.
      if (opened) void api.charts.close({ series: opened }).catch(() => undefined);
    };
  }, [api, ctl, instrument, timeframe, snapshots]);

  const closePlace = useCallback(() => setClick(null), []);

  const lines = useMemo(
    () => (instrument ? bookLines(instrument, orders.values(), positions.values()) : []),
    [instrument, orders, positions],
  );

  useEffect(() => {
    ctl?.setPriceLines(lines);
  }, [ctl, lines, snapshots, timeframe]);

  return (
    <section className="panel chart-panel" aria-label="Chart">
      <header className="panel-head chart-head">
        <span className="chart-symbol">{symbol ?? '—'}</span>
        <span className="chart-name">{instrument?.name ?? ''}</span>
        <div className="tf-group" role="group" aria-label="Timeframe">
          {timeframes.map((tf) => (
            <button
              key={tf}
              type="button"
              className={`tf ${tf === timeframe ? 'active' : ''}`}
              aria-pressed={tf === timeframe}
              onClick={() => onTimeframe(tf)}
            >
              {tf}
            </button>
          ))}
        </div>
        <span
          className="chart-help"
          tabIndex={0}
          aria-label="Chart trading help"
          title={
            'Alt+click: limit order at that price (below the market buys, above sells).\n' +
            'Alt+Shift+click: stop order (above the market buys, below sells).\n' +
            'Both use the ticket’s quantity and account and ask before sending.\n' +
            'Drag a working order’s line to move it; scroll left for older bars.'
          }
        >
          ?
        </span>
        {symbol && feed !== 'fresh' ? (
          <span
            className={`tag ${feed === 'stale' ? 'stale-tag' : ''}`}
            title="Time since the last quote for this symbol"
          >
            {feed === 'stale' ? 'stale' : 'quiet'}{' '}
            {receivedAt === undefined ? 'no quote' : formatAge(now - receivedAt)}
          </span>
        ) : null}
      </header>
      {loadError && loadError.key === `${symbol}|${timeframe}|${snapshots}` ? (
        <div className="chart-error" role="alert">
          Chart history unavailable: {loadError.message}
        </div>
      ) : null}
      <div className="chart-stage">
        <div className="chart-box" ref={containerRef} data-testid="chart" />
        {/* Over the chart's top-left, as traders expect: the bar under the crosshair, else the last. */}
        <div className="chart-legend" ref={legendRef} aria-live="off" />
        {click && instrument && click.listing === listing ? (
          <ChartPlacePopover
            // A new click is a new order: its side and size are decided afresh.
            key={`${click.kind}:${click.price}:${click.x}:${click.y}`}
            instrument={instrument}
            click={click}
            onClose={closePlace}
          />
        ) : null}
      </div>
    </section>
  );
}

function writeLegend(el: HTMLElement | null, bar: Bar | undefined, inst: Instrument | undefined): void {
  if (!el) return;
  if (!bar) {
    el.textContent = '';
    return;
  }
  const f = (v: number) => formatPrice(v, inst);
  const dir = bar.close >= bar.open ? 'up' : 'down';
  // textContent on prebuilt spans: no React render per tick and no HTML parsing.
  if (el.childElementCount !== 5) {
    el.replaceChildren(...['O', 'H', 'L', 'C', 'V'].map(() => document.createElement('span')));
  }
  const values = [
    `O ${f(bar.open)}`,
    `H ${f(bar.high)}`,
    `L ${f(bar.low)}`,
    `C ${f(bar.close)}`,
    `V ${formatQuantity(bar.volume, inst?.qtyStep)}`,
  ];
  // Fixed slots: a figure that gets a digit longer widens its slot once, never shifts the others back.
  const symbol = inst?.symbol ?? '';
  const reset = el.dataset.symbol !== symbol;
  el.dataset.symbol = symbol;
  el.childNodes.forEach((node, i) => {
    const text = values[i] ?? '';
    node.textContent = text;
    if (!(node instanceof HTMLElement)) return;
    node.className = i === 3 ? dir : '';
    const width = Math.max(text.length, reset ? 0 : Number(node.dataset.width ?? 0));
    if (String(width) !== node.dataset.width) {
      node.dataset.width = String(width);
      node.style.minWidth = `${width}ch`;
    }
  });
}
