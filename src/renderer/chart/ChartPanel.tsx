/**
 * The centre chart. React decides WHAT is shown (symbol, timeframe, price lines); the
 * ChartController draws it, and live bars reach it from the store without any React render.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Bar, Instrument, Timeframe } from '../../shared/domain';
import { Timeframe as TimeframeSchema, isOrderDone } from '../../shared/domain';
import { quoteKey } from '../../shared/keys';
import { chartTag, heldByText } from '../orders/words';
import { newRequestKey } from '../orders/keys';
import { useUi } from '../layout/dialogs';
import { formatPrice } from '../../shared/money';
import { freshness } from '../state/clock';
import { useNow, useStore, useTerminal } from '../state/context';
import { formatAge } from '../format';
import { ChartController, type PriceLineSpec } from './chartController';

/** Protective roles get their own colours: a target reads as profit, a stop as risk. */
const roleColor = { target: '#26a69a', stop: '#ef5350', trail: '#f0b429' } as const;

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
  const snapshots = useStore((s) => s.snapshots);
  const orders = useStore((s) => s.orders);
  const positions = useStore((s) => s.positions);
  const symbol = instrument?.symbol;
  const connectionId = instrument?.connectionId;
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

  // A dragged order line is a modify, with the same checks as the orders table's Edit.
  useEffect(() => {
    if (!ctl) return;
    ctl.setDropHandler((spec, price) => {
      const d = spec.drag;
      if (d === undefined) return;
      const refused = (why: string) => {
        ctl.resetLine(spec.key);
        ui.notify('error', `Move ${spec.title} refused: ${why}`);
      };
      api.orders
        .modify({
          connectionId: d.connectionId,
          orderId: d.orderId,
          [d.field]: price,
          idempotencyKey: newRequestKey(),
        })
        .then(
          (r) => (r.ok ? undefined : refused(r.error.message)),
          (e: unknown) => refused(e instanceof Error ? e.message : String(e)),
        );
    });
  }, [api, ctl, ui]);

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

  const lines = useMemo<PriceLineSpec[]>(() => {
    if (!symbol) return [];
    const out: PriceLineSpec[] = [];
    for (const p of positions.values()) {
      if (p.symbol === symbol && p.connectionId === connectionId && p.qty !== 0)
        out.push({
          key: `pos:${p.key}`,
          price: p.avgPrice,
          title: 'Avg',
          color: p.qty > 0 ? '#4f8cff' : '#e0a030',
        });
    }
    for (const o of orders.values()) {
      // Only this listing's orders: another connection's ES is a different book.
      if (o.symbol !== symbol || o.connectionId !== connectionId || isOrderDone(o.status)) continue;
      const side = o.side === 'buy' ? 'BUY' : 'SELL';
      const qty = o.qty - o.filledQty;
      const tag = chartTag(o);
      // Where it lives, on the line itself: a terminal-held stop dies with the app.
      const held = o.list !== undefined || o.trail !== undefined ? ` · ${heldByText[o.heldBy]}` : '';
      const color =
        o.trail !== undefined
          ? roleColor.trail
          : o.list?.role === 'target'
            ? roleColor.target
            : o.list?.role === 'stop'
              ? roleColor.stop
              : o.side === 'buy'
                ? '#3fb68b'
                : '#ff5b5a';
      // Orders the broker has not confirmed (or with a change in flight) can't be dragged yet.
      const draggable = o.placeholder !== true && o.pendingAction === undefined;
      const drag = (field: 'limitPrice' | 'stopPrice') =>
        draggable ? { drag: { connectionId: o.connectionId, orderId: o.id, field } } : {};
      if (o.limitPrice !== null)
        out.push({
          key: `${o.id}:lmt`,
          price: o.limitPrice,
          title: `${tag} ${side} ${qty}${held}`,
          color,
          dashed: true,
          ...drag('limitPrice'),
        });
      if (o.stopPrice !== null)
        out.push({
          key: `${o.id}:stp`,
          price: o.stopPrice,
          title: `${o.trail !== undefined ? 'TRAIL' : o.list !== undefined ? tag : 'STP'} ${side} ${qty}${held}`,
          color,
          // The trailing stop is solid: it is the line that moves.
          dashed: o.trail === undefined,
          ...drag('stopPrice'),
        });
    }
    return out;
  }, [symbol, connectionId, orders, positions]);

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
        {symbol && feed !== 'fresh' ? (
          <span
            className={`tag ${feed === 'stale' ? 'stale-tag' : ''}`}
            title="Time since the last quote for this symbol"
          >
            {feed === 'stale' ? 'stale' : 'quiet'}{' '}
            {receivedAt === undefined ? 'no quote' : formatAge(now - receivedAt)}
          </span>
        ) : null}
        <div className="chart-legend" ref={legendRef} aria-live="off" />
      </header>
      {loadError && loadError.key === `${symbol}|${timeframe}|${snapshots}` ? (
        <div className="chart-error" role="alert">
          Chart history unavailable: {loadError.message}
        </div>
      ) : null}
      <div className="chart-box" ref={containerRef} data-testid="chart" />
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
    `V ${bar.volume}`,
  ];
  el.childNodes.forEach((node, i) => {
    node.textContent = values[i] ?? '';
    if (node instanceof HTMLElement) node.className = i === 3 ? dir : '';
  });
}
