/**
 * Watchlist: one row per instrument, virtualized (only rows in view are mounted, so a crypto
 * list of hundreds of symbols costs what the visible ones cost). Each row subscribes to its own
 * quote, so a tick re-renders that row only; the up/down flash is a CSS class restarted on the
 * cell's DOM node.
 */
import { memo, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { type Instrument, quoteKey } from '../../shared/domain';
import { formatPrice } from '../../shared/money';
import { freshness } from '../state/clock';
import { useNow, useStore } from '../state/context';
import { formatPct, signClass } from '../format';
import { useRowWindow } from '../tables/useRowWindow';
import { listingKey, sharedSymbols } from './listings';

/** `.wl-row` height in styles.css. */
const ROW_HEIGHT = 24;

interface Props {
  instruments: readonly Instrument[];
  /** The selected listing, `listingKey(instrument)`. */
  selected: string | undefined;
  onSelect(listing: string): void;
}

export function Watchlist({ instruments, selected, onSelect }: Props) {
  const [scrollEl, setScrollEl] = useState<HTMLDivElement | null>(null);
  const { items, totalSize, scrollToIndex } = useRowWindow(instruments.length, ROW_HEIGHT, scrollEl);
  const shared = useMemo(() => sharedSymbols(instruments), [instruments]);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const i = instruments.findIndex((x) => listingKey(x) === selected);
    const to = Math.min(instruments.length - 1, Math.max(0, i + (e.key === 'ArrowDown' ? 1 : -1)));
    const next = instruments[to];
    if (next) {
      const key = listingKey(next);
      onSelect(key);
      scrollToIndex(to);
      const table = e.currentTarget;
      // The row may mount only after the scroll: focus it on the next frame.
      requestAnimationFrame(() =>
        (table.querySelector(`[data-listing="${CSS.escape(key)}"]`) as HTMLElement | null)?.focus(),
      );
    }
  };
  return (
    <section className="panel watchlist" aria-label="Watchlist">
      <header className="panel-head">Watchlist</header>
      <div
        role="table"
        aria-label="Watchlist"
        aria-rowcount={instruments.length + 1}
        className="wl"
        onKeyDown={onKeyDown}
      >
        <div role="row" className="wl-row wl-header">
          <div role="columnheader">Symbol</div>
          <div role="columnheader" className="right">
            Last
          </div>
          <div role="columnheader" className="right">
            Chg %
          </div>
        </div>
        <div role="rowgroup" className="wl-body" ref={setScrollEl}>
          {instruments.length === 0 ? <div className="vt-empty">Waiting for instruments…</div> : null}
          <div style={{ position: 'relative', height: totalSize }}>
            {items.map((item) => {
              const inst = instruments[item.index];
              if (inst === undefined) return null;
              return (
                <WatchRow
                  key={listingKey(inst)}
                  instrument={inst}
                  showConnection={shared.has(inst.symbol)}
                  index={item.index}
                  top={item.start}
                  selected={listingKey(inst) === selected}
                  onSelect={onSelect}
                />
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}

const WatchRow = memo(function WatchRow({
  instrument,
  showConnection,
  index,
  top,
  selected,
  onSelect,
}: {
  instrument: Instrument;
  /** The symbol is also listed by another connection: label this row with its own. */
  showConnection: boolean;
  index: number;
  top: number;
  selected: boolean;
  onSelect(listing: string): void;
}) {
  const listing = listingKey(instrument);
  const connectionLabel = useStore((s) => s.connections.get(instrument.connectionId)?.label);
  const quote = useStore((s) => s.quotes.get(quoteKey(instrument.connectionId, instrument.symbol)));
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
      aria-rowindex={index + 2}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${top}px)` }}
      tabIndex={selected ? 0 : -1}
      aria-selected={selected}
      data-symbol={instrument.symbol}
      data-listing={listing}
      className={`wl-row ${selected ? 'selected' : ''} ${quote ? fresh : 'stale'}`}
      onClick={() => onSelect(listing)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') onSelect(listing);
      }}
      title={`${instrument.name} on ${connectionLabel ?? instrument.connectionId} · bid ${formatPrice(quote?.bid, instrument)} / ask ${formatPrice(quote?.ask, instrument)}`}
    >
      <div role="cell" className="wl-sym">
        {instrument.symbol}
        {showConnection ? (
          <span className="wl-conn" title={`Listed by ${connectionLabel ?? instrument.connectionId}`}>
            {connectionLabel ?? instrument.connectionId}
          </span>
        ) : null}
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
