/**
 * The instrument search (Ctrl+K / ⌘K, or typing in the watchlist's search box): every listing of
 * every connection, each row saying which connection lists it and in what mode. Arrow keys move
 * through the results; Enter (or a click) adds the symbol to the watchlist when it is not there
 * yet and shows that listing on the chart.
 */
import { useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Instrument } from '../../shared/domain';
import { Modal } from '../layout/Modal';
import { useStore } from '../state/context';
import { listingKey } from '../watchlist/listings';
import { searchIndex, searchInstruments } from './instrumentSearch';
import './search.css';

interface Props {
  initialQuery: string;
  /** Symbols already on the watchlist: their rows say so. */
  watched: ReadonlySet<string>;
  onPick(instrument: Instrument): void;
  onClose(): void;
}

const LIMIT = 50;

export function InstrumentSearch({ initialQuery, watched, onPick, onClose }: Props) {
  const instruments = useStore((s) => s.instruments);
  const connections = useStore((s) => s.connections);
  const index = useMemo(() => searchIndex(instruments.values()), [instruments]);
  const [query, setQuery] = useState(initialQuery);
  const [active, setActive] = useState(0);
  const result = useMemo(() => searchInstruments(index, query, LIMIT), [index, query]);
  const listRef = useRef<HTMLUListElement>(null);
  const current = Math.min(active, result.matches.length - 1);

  useLayoutEffect(() => {
    listRef.current?.querySelector(`[data-index="${current}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const n = result.matches.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (n > 0) setActive((current + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      if (n > 0) setActive(Math.max(0, Math.min(n - 1, current + (e.key === 'PageDown' ? 10 : -10))));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const pick = result.matches[current];
      if (pick) onPick(pick);
    }
  };

  const optionId = (i: number) => `search-option-${i}`;
  const empty = result.matches.length === 0;
  return (
    <Modal className="search-palette" labelledBy="search-title" onClose={onClose}>
      <h2 id="search-title" className="visually-hidden">
        Search instruments
      </h2>
      <input
        className="search-input"
        role="combobox"
        aria-label="Search instruments"
        aria-expanded={!empty}
        aria-controls="search-results"
        aria-autocomplete="list"
        aria-activedescendant={empty ? undefined : optionId(current)}
        placeholder="Symbol or name, e.g. ES or bitcoin"
        spellCheck={false}
        autoComplete="off"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul
        id="search-results"
        role="listbox"
        aria-label="Instruments"
        className="search-results"
        ref={listRef}
      >
        {result.matches.map((inst, i) => {
          const conn = connections.get(inst.connectionId);
          return (
            <li
              key={listingKey(inst)}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              data-index={i}
              data-listing={listingKey(inst)}
              className={`search-option ${i === current ? 'active' : ''}`}
              onPointerMove={() => {
                if (i !== current) setActive(i);
              }}
              onClick={() => onPick(inst)}
            >
              <span className="search-symbol">{inst.symbol}</span>
              <span className="search-name">{inst.name}</span>
              {/* Every cell always rendered, so the grid's columns line up row to row. */}
              <span className="search-watched">{watched.has(inst.symbol) ? 'on watchlist' : ''}</span>
              <span className="search-conn">{conn?.label ?? inst.connectionId}</span>
              {conn ? (
                <span className={`mode-tag mode-${conn.mode}`}>{conn.mode.toUpperCase()}</span>
              ) : (
                <span />
              )}
            </li>
          );
        })}
      </ul>
      <div className="search-foot" aria-live="polite">
        {empty
          ? instruments.size === 0
            ? 'No connection lists any instrument yet.'
            : `Nothing matches “${query.trim()}”.`
          : result.total > result.matches.length
            ? `${result.matches.length} of ${result.total.toLocaleString()} shown — keep typing to narrow.`
            : `${result.total.toLocaleString()} ${result.total === 1 ? 'match' : 'matches'}.`}
        <span className="search-keys">↑↓ choose · Enter add to watchlist and chart · Esc close</span>
      </div>
    </Modal>
  );
}
