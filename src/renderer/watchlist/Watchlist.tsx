/**
 * Watchlist: the trader's symbols in the trader's order (every listed instrument until one is
 * chosen), one row per listing, virtualized (only rows in view are mounted, so a crypto list of
 * hundreds of symbols costs what the visible ones cost). Each row subscribes to its own quote,
 * so a tick re-renders that row only; the up/down flash is a CSS class restarted on the cell's
 * DOM node. "Add symbol" offers what the connections list; each row has its "Remove" button.
 */
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Instrument } from '../../shared/domain';
import { quoteKey } from '../../shared/keys';
import { formatPrice } from '../../shared/money';
import { freshness } from '../state/clock';
import { useNow, useStore } from '../state/context';
import { formatPct, signClass } from '../format';
import { useRowWindow } from '../tables/useRowWindow';
import { listingKey, sharedSymbols } from './listings';
import { addableSymbols, shownSymbols, type WatchRowItem } from './rows';
import './watchlist.css';

/** `.wl-row` height in styles.css. */
const ROW_HEIGHT = 24;

interface Props {
  /** What the watchlist shows, in order (see rows.ts). */
  rows: readonly WatchRowItem[];
  /** Every instrument the connections list: what "Add symbol" offers. */
  instruments: readonly Instrument[];
  /** The selected listing, `listingKey(instrument)`. */
  selected: string | undefined;
  onSelect(listing: string): void;
  /** The new symbol list after an add or a remove. */
  onSymbols(symbols: string[]): void;
  /** Set when edits are not saved across restarts, and why (profile watchlist, read-only settings). */
  unsavedReason: string | null;
}

export function Watchlist({ rows, instruments, selected, onSelect, onSymbols, unsavedReason }: Props) {
  const [scrollEl, setScrollEl] = useState<HTMLDivElement | null>(null);
  const [adding, setAdding] = useState(false);
  const { items, totalSize, scrollToIndex } = useRowWindow(rows.length, ROW_HEIGHT, scrollEl);
  const shared = useMemo(() => sharedSymbols(instruments), [instruments]);
  const shown = useMemo(() => shownSymbols(rows), [rows]);
  const addable = useMemo(() => addableSymbols(shown, instruments), [shown, instruments]);
  // Stable across quote ticks so the memoized rows stay untouched.
  const remove = useCallback(
    (symbol: string) => onSymbols(shown.filter((s) => s !== symbol)),
    [onSymbols, shown],
  );
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const step = e.key === 'ArrowDown' ? 1 : -1;
    // Rows without a listing have nothing to chart: step over them.
    let to = rows.findIndex((r) => r.key === selected);
    for (let i = to + step; i >= 0 && i < rows.length; i += step) {
      if (rows[i]?.instrument !== undefined) {
        to = i;
        break;
      }
    }
    const next = rows[to]?.instrument;
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
      <header className="panel-head wl-head">
        <span>Watchlist</span>
        {unsavedReason !== null ? (
          <span className="tag" title={unsavedReason}>
            not saved
          </span>
        ) : null}
        <button
          type="button"
          className="wl-add-toggle"
          aria-expanded={adding}
          disabled={!adding && addable.length === 0}
          title={addable.length === 0 ? 'Every listed symbol is on the watchlist' : undefined}
          onClick={() => setAdding((a) => !a)}
        >
          Add symbol
        </button>
      </header>
      {adding ? (
        <AddSymbol
          addable={addable}
          onAdd={(symbol) => {
            onSymbols([...shown, symbol]);
            setAdding(false);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : null}
      <div
        role="table"
        aria-label="Watchlist"
        aria-rowcount={rows.length + 1}
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
          <div role="columnheader" className="wl-actions-head">
            <span className="wl-visually-hidden">Actions</span>
          </div>
        </div>
        <div role="rowgroup" className="wl-body" ref={setScrollEl}>
          {instruments.length === 0 ? <div className="vt-empty">Waiting for instruments…</div> : null}
          <div style={{ position: 'relative', height: instruments.length === 0 ? 0 : totalSize }}>
            {instruments.length === 0
              ? null
              : items.map((item) => {
                  const row = rows[item.index];
                  if (row === undefined) return null;
                  const lastSymbol = shown.length <= 1;
                  const removal = {
                    onRemove: remove,
                    removeBlocked: lastSymbol ? 'A watchlist keeps at least one symbol' : null,
                  };
                  return row.instrument === undefined ? (
                    <MissingRow
                      key={row.key}
                      symbol={row.symbol}
                      index={item.index}
                      top={item.start}
                      {...removal}
                    />
                  ) : (
                    <WatchRow
                      key={row.key}
                      instrument={row.instrument}
                      showConnection={shared.has(row.symbol)}
                      index={item.index}
                      top={item.start}
                      selected={row.key === selected}
                      onSelect={onSelect}
                      {...removal}
                    />
                  );
                })}
          </div>
        </div>
      </div>
    </section>
  );
}

function AddSymbol({
  addable,
  onAdd,
  onCancel,
}: {
  addable: readonly { symbol: string; name: string }[];
  onAdd(symbol: string): void;
  onCancel(): void;
}) {
  const [choice, setChoice] = useState(addable[0]?.symbol ?? '');
  // The list may change while the form is open (a connection went away).
  const symbol = addable.some((a) => a.symbol === choice) ? choice : (addable[0]?.symbol ?? '');
  return (
    <form
      className="wl-add"
      aria-label="Add a symbol to the watchlist"
      onSubmit={(e) => {
        e.preventDefault();
        if (symbol !== '') onAdd(symbol);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      {addable.length === 0 ? (
        <span className="wl-add-empty">Every listed symbol is on the watchlist.</span>
      ) : (
        <select
          aria-label="Symbol to add"
          value={symbol}
          onChange={(e) => setChoice(e.target.value)}
          autoFocus
        >
          {addable.map((a) => (
            <option key={a.symbol} value={a.symbol}>
              {a.symbol} — {a.name}
            </option>
          ))}
        </select>
      )}
      <button type="submit" disabled={symbol === ''}>
        Add
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

interface Removal {
  onRemove(symbol: string): void;
  /** Why the symbol cannot be removed, or null. */
  removeBlocked: string | null;
}

function RemoveButton({ symbol, onRemove, removeBlocked }: Removal & { symbol: string }) {
  return (
    <div role="cell" className="wl-actions">
      <button
        type="button"
        className="wl-remove"
        aria-label={`Remove ${symbol}`}
        title={removeBlocked ?? `Remove ${symbol} from the watchlist`}
        disabled={removeBlocked !== null}
        // The row selects on click and on Enter/Space: removing must not also select it.
        onClick={(e) => {
          e.stopPropagation();
          onRemove(symbol);
        }}
        onKeyDown={(e) => e.stopPropagation()}
      >
        ×
      </button>
    </div>
  );
}

/** A saved symbol that no connection lists right now: kept, and visibly without prices. */
function MissingRow({
  symbol,
  index,
  top,
  ...removal
}: Removal & { symbol: string; index: number; top: number }) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${top}px)` }}
      data-symbol={symbol}
      className="wl-row stale wl-missing"
      title={`${symbol} is not listed by any connection right now`}
    >
      <div role="cell" className="wl-sym">
        {symbol}
        <span className="tag stale-tag">not listed</span>
      </div>
      <div role="cell" className="right num">
        —
      </div>
      <div role="cell" className="right num">
        —
      </div>
      <RemoveButton symbol={symbol} {...removal} />
    </div>
  );
}

const WatchRow = memo(function WatchRow({
  instrument,
  showConnection,
  index,
  top,
  selected,
  onSelect,
  onRemove,
  removeBlocked,
}: Removal & {
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
  const prevShown = useRef<{ text: string; last: number } | undefined>(undefined);
  const last = quote?.last;
  const lastText = formatPrice(last, instrument);

  // Flash only when the figure the trader reads changes (a re-quote at the same price, or a move
  // below the tick, is not news), in the direction of the move.
  useLayoutEffect(() => {
    const el = lastRef.current;
    const prev = prevShown.current;
    if (last === undefined) return;
    prevShown.current = { text: lastText, last };
    if (!el || prev === undefined || prev.text === lastText) return;
    el.classList.remove('flash-up', 'flash-down');
    // Reading layout restarts the CSS animation when the same class is applied again.
    void el.offsetWidth;
    el.classList.add(last > prev.last ? 'flash-up' : 'flash-down');
  }, [last, lastText]);

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
        {lastText}
      </div>
      <div role="cell" className={`right num ${signClass(change)}`}>
        {formatPct(change)}
      </div>
      <RemoveButton symbol={instrument.symbol} onRemove={onRemove} removeBlocked={removeBlocked} />
    </div>
  );
});
