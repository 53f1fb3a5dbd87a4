/**
 * Watchlist: the trader's symbols in the trader's order (every listed instrument until one is
 * chosen), one row per listing, virtualized (only rows in view are mounted, so a crypto list of
 * hundreds of symbols costs what the visible ones cost). Each row subscribes to its own quote,
 * so a tick re-renders that row only; the up/down flash is a CSS class restarted on the cell's
 * DOM node. The search box in the header opens the instrument search (also Ctrl+K), which adds
 * symbols. Only the selected row is a tab stop (arrow keys move the selection); Delete removes the
 * focused row's symbol, so the per-row "Remove" buttons are for the pointer and not tab stops.
 */
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { searchShortcut } from '../search/shortcut';
import type { Instrument } from '../../shared/domain';
import { quoteKey } from '../../shared/keys';
import { formatPrice } from '../../shared/money';
import { freshness } from '../state/clock';
import { useNow, useStore } from '../state/context';
import { formatPct, signClass } from '../format';
import { useRowWindow } from '../tables/useRowWindow';
import { listingKey, sharedSymbols } from './listings';
import { shownSymbols, type WatchRowItem } from './rows';
import './watchlist.css';

/** `.wl-row` height in styles.css. */
const ROW_HEIGHT = 24;

interface Props {
  /** What the watchlist shows, in order (see rows.ts). */
  rows: readonly WatchRowItem[];
  /** Every instrument the connections list. */
  instruments: readonly Instrument[];
  /** The selected listing, `listingKey(instrument)`. */
  selected: string | undefined;
  onSelect(listing: string): void;
  /** The new symbol list after an add or a remove. */
  onSymbols(symbols: string[]): void;
  /** Set when edits are not saved across restarts, and why (profile watchlist, read-only settings). */
  unsavedReason: string | null;
  /** Open the instrument search with what was typed so far. */
  onSearch(query: string): void;
}

export function Watchlist({
  rows,
  instruments,
  selected,
  onSelect,
  onSymbols,
  unsavedReason,
  onSearch,
}: Props) {
  const [scrollEl, setScrollEl] = useState<HTMLDivElement | null>(null);
  const { items, totalSize, scrollToIndex } = useRowWindow(rows.length, ROW_HEIGHT, scrollEl);
  const shared = useMemo(() => sharedSymbols(instruments), [instruments]);
  const shown = useMemo(() => shownSymbols(rows), [rows]);
  // Stable across quote ticks so the memoized rows stay untouched.
  const remove = useCallback(
    (symbol: string) => onSymbols(shown.filter((s) => s !== symbol)),
    [onSymbols, shown],
  );
  // A newly selected listing (say, picked in the instrument search) is scrolled into view once;
  // the trader may scroll away from it afterwards.
  const revealed = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (selected === revealed.current) return;
    const index = rows.findIndex((r) => r.key === selected);
    if (index < 0) return;
    revealed.current = selected;
    scrollToIndex(index);
  });
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const from = rows.findIndex((r) => r.key === selected);
    let to = from;
    if (e.key === 'Delete' || e.key === 'Backspace') {
      const row = rows[from];
      // Only from the focused row itself, never from a button or a field inside the table.
      if (row === undefined || !(e.target instanceof HTMLElement) || e.target.dataset.listing !== row.key)
        return;
      e.preventDefault();
      if (shown.length <= 1) return;
      remove(row.symbol);
      // The selection moves to the next listed row (else the one before) and keeps focus.
      to = -1;
      for (const i of [...rows.keys()].slice(from + 1).concat([...rows.keys()].slice(0, from).reverse()))
        if (rows[i]?.instrument !== undefined && rows[i]?.symbol !== row.symbol) {
          to = i;
          break;
        }
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      // Rows without a listing have nothing to chart: step over them.
      for (let i = from + step; i >= 0 && i < rows.length; i += step) {
        if (rows[i]?.instrument !== undefined) {
          to = i;
          break;
        }
      }
    } else return;
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
        <input
          type="search"
          className="wl-search"
          aria-label="Search instruments"
          aria-haspopup="dialog"
          aria-keyshortcuts={searchShortcut.aria}
          placeholder={`Search… ${searchShortcut.label}`}
          title={`Search every connection's instruments to add one (${searchShortcut.label})`}
          value=""
          // The search itself is the palette: typing, Enter, ↓ or a click open it with what was typed.
          onChange={(e) => onSearch(e.target.value)}
          onClick={() => onSearch('')}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === 'ArrowDown') {
              e.preventDefault();
              onSearch('');
            }
          }}
        />
      </header>
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

interface Removal {
  onRemove(symbol: string): void;
  /** Why the symbol cannot be removed, or null. */
  removeBlocked: string | null;
}

/**
 * `tabbable` only where the row itself cannot take focus (a symbol nobody lists): elsewhere Delete
 * on the focused row removes, and one tab stop per row would make Tab crawl through the list.
 */
function RemoveButton({
  symbol,
  onRemove,
  removeBlocked,
  tabbable = false,
}: Removal & { symbol: string; tabbable?: boolean }) {
  return (
    <div role="cell" className="wl-actions">
      <button
        type="button"
        className="wl-remove"
        aria-label={`Remove ${symbol}`}
        tabIndex={tabbable ? undefined : -1}
        title={removeBlocked ?? `Remove ${symbol} from the watchlist (Delete on the row)`}
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
      <RemoveButton symbol={symbol} {...removal} tabbable />
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
      aria-keyshortcuts={removeBlocked === null ? 'Delete' : undefined}
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
