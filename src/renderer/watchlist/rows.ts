/**
 * The watchlist's rows: the saved symbols in the saved order, each shown once per connection
 * that lists it. A saved symbol no connection lists (yet) keeps a row that says so, rather than
 * vanishing from the trader's list.
 */
import type { Instrument } from '../../shared/domain';
import type { ChartChoice } from '../state/workspaceView';
import { listingKey } from './listings';

export interface WatchRowItem {
  /** Unique per row: the listing key, or `missing:SYM` for a symbol nobody lists. */
  key: string;
  symbol: string;
  /** Absent when no connection lists the symbol. */
  instrument?: Instrument;
}

/** `symbols` null: nothing chosen yet, every listed instrument in listing order. */
export function watchRows(
  symbols: readonly string[] | null,
  instruments: readonly Instrument[],
): WatchRowItem[] {
  if (symbols === null)
    return instruments.map((i) => ({ key: listingKey(i), symbol: i.symbol, instrument: i }));
  const bySymbol = new Map<string, Instrument[]>();
  for (const i of instruments) {
    const listed = bySymbol.get(i.symbol);
    if (listed) listed.push(i);
    else bySymbol.set(i.symbol, [i]);
  }
  return symbols.flatMap((symbol) => {
    const listed = bySymbol.get(symbol);
    if (listed === undefined) return [{ key: `missing:${symbol}`, symbol }];
    return listed.map((i) => ({ key: listingKey(i), symbol, instrument: i }));
  });
}

/** The symbols the watchlist shows, once each, in order: what an edit starts from. */
export function shownSymbols(rows: readonly WatchRowItem[]): string[] {
  return [...new Set(rows.map((r) => r.symbol))];
}

/**
 * The listing the main chart shows: the saved choice (its own connection's listing when that is
 * still there, else the symbol on any connection), else the watchlist's first listing.
 */
export function chartListing(
  chart: ChartChoice,
  instruments: ReadonlyMap<string, Instrument>,
  rows: readonly WatchRowItem[],
): string | undefined {
  if (chart.symbol !== undefined) {
    if (chart.connectionId !== undefined) {
      const key = listingKey({ connectionId: chart.connectionId, symbol: chart.symbol });
      if (instruments.has(key)) return key;
    }
    for (const [key, i] of instruments) if (i.symbol === chart.symbol) return key;
  }
  return rows.find((r) => r.instrument !== undefined)?.key;
}
