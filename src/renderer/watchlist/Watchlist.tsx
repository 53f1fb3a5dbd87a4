/**
 * Watchlist: one row per instrument. Each row subscribes to its own quote, so a tick re-renders
 * that row only; the up/down flash is a CSS class restarted on the cell's DOM node.
 */
import { memo, useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import type { Instrument } from '../../shared/domain';
import { formatPrice } from '../../shared/money';
import { freshness } from '../state/clock';
import { useNow, useStore } from '../state/context';
import { formatPct, signClass } from '../format';

interface Props {
  instruments: readonly Instrument[];
  selected: string | undefined;
  onSelect(symbol: string): void;
}

export function Watchlist({ instruments, selected, onSelect }: Props) {
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const i = instruments.findIndex((x) => x.symbol === selected);
    const next =
      instruments[Math.min(instruments.length - 1, Math.max(0, i + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      onSelect(next.symbol);
      (
        e.currentTarget.querySelector(`[data-symbol="${CSS.escape(next.symbol)}"]`) as HTMLElement | null
      )?.focus();
    }
  };
  return (
    <section className="panel watchlist" aria-label="Watchlist">
      <header className="panel-head">Watchlist</header>
      <div role="table" aria-label="Watchlist" className="wl" onKeyDown={onKeyDown}>
        <div role="row" className="wl-row wl-header">
          <div role="columnheader">Symbol</div>
          <div role="columnheader" className="right">
            Last
          </div>
          <div role="columnheader" className="right">
            Chg %
          </div>
        </div>
        <div role="rowgroup" className="wl-body">
          {instruments.length === 0 ? <div className="vt-empty">Waiting for instruments…</div> : null}
          {instruments.map((inst) => (
            <WatchRow
              key={inst.symbol}
              instrument={inst}
              selected={inst.symbol === selected}
              onSelect={onSelect}
            />
          ))}
        </div>
      </div>
    </section>
  );
}

const WatchRow = memo(function WatchRow({
  instrument,
  selected,
  onSelect,
}: {
  instrument: Instrument;
  selected: boolean;
  onSelect(symbol: string): void;
}) {
  const quote = useStore((s) => s.quotes.get(instrument.symbol));
  const now = useNow();
  const lastRef = useRef<HTMLDivElement>(null);
  const prevLast = useRef<number | undefined>(undefined);
  const last = quote?.last;

  useLayoutEffect(() => {
    const el = lastRef.current;
    const prev = prevLast.current;
    prevLast.current = last;
    if (!el || last === undefined || prev === undefined || last === prev) return;
    el.classList.remove('flash-up', 'flash-down');
    // Reading layout restarts the CSS animation when the same class is applied again.
    void el.offsetWidth;
    el.classList.add(last > prev ? 'flash-up' : 'flash-down');
  }, [last]);

  const change = quote && quote.open > 0 ? ((quote.last - quote.open) / quote.open) * 100 : null;
  const fresh = freshness(quote?.receivedAt, now);
  return (
    <div
      role="row"
      tabIndex={selected ? 0 : -1}
      aria-selected={selected}
      data-symbol={instrument.symbol}
      className={`wl-row ${selected ? 'selected' : ''} ${quote ? fresh : 'stale'}`}
      onClick={() => onSelect(instrument.symbol)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') onSelect(instrument.symbol);
      }}
      title={`${instrument.name} · bid ${formatPrice(quote?.bid, instrument)} / ask ${formatPrice(quote?.ask, instrument)}`}
    >
      <div role="cell" className="wl-sym">
        {instrument.symbol}
        {fresh === 'stale' && quote ? <span className="tag stale-tag">stale</span> : null}
      </div>
      <div role="cell" className="right num" ref={lastRef}>
        {formatPrice(last, instrument)}
      </div>
      <div role="cell" className={`right num ${signClass(change)}`}>
        {formatPct(change)}
      </div>
    </div>
  );
});
