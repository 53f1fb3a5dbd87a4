/**
 * What each connection must stream: the symbols on the watchlist and on open charts that it lists,
 * plus every symbol it holds a position or a working order in (a stop must see its market even
 * when the symbol left the watchlist), plus protection triggers. The engine recomputes it when one
 * of those changes and tells each connection only when its own set changed. Brokers cap streams
 * per connection (Binance 1024, Tradovate per-contract subscriptions), so "everything" is not a
 * plan; with no watchlist chosen yet, the watchlist is every listed instrument, as the UI shows.
 */
import { isOrderDone } from '../../../shared/domain';
import type { Ledger } from '../ledger';

export interface InterestSources {
  ledger: Ledger;
  /** The main watchlist's symbols; null while none was chosen (the UI then lists everything). */
  watchlist: readonly string[] | null;
  /** Listings with an open chart. */
  charts: Iterable<{ connectionId: string; symbol: string }>;
  /** Symbols the protection engine watches, per connection (none until it exists). */
  triggers?: Iterable<{ connectionId: string; symbol: string }>;
  /** Listings whose order book a DOM ladder watches: their quotes must stream too. */
  depth?: Iterable<{ connectionId: string; symbol: string }>;
}

/** connectionId → the symbols it must stream. */
export function interestByConnection(src: InterestSources): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (connectionId: string, symbol: string): void => {
    let set = out.get(connectionId);
    if (set === undefined) {
      set = new Set();
      out.set(connectionId, set);
    }
    set.add(symbol);
  };
  const watched = src.watchlist === null ? null : new Set(src.watchlist);
  for (const i of src.ledger.instruments()) {
    if (!out.has(i.connectionId)) out.set(i.connectionId, new Set());
    if (watched === null || watched.has(i.symbol)) add(i.connectionId, i.symbol);
  }
  for (const c of src.charts) add(c.connectionId, c.symbol);
  for (const p of src.ledger.positions()) if (p.qty !== 0) add(p.connectionId, p.symbol);
  for (const o of src.ledger.orders()) if (!isOrderDone(o.status)) add(o.connectionId, o.symbol);
  for (const t of src.triggers ?? []) add(t.connectionId, t.symbol);
  for (const d of src.depth ?? []) add(d.connectionId, d.symbol);
  return out;
}

/**
 * The depth interest: which listings' order books each connection must stream, from the ladders'
 * watches (`${connectionId}:${symbol}` → how many ladders watch it). Every connection named in
 * `connectionIds` gets a set, empty when nothing of it is watched, so a last unwatch stops it.
 */
export function depthByConnection(
  watches: ReadonlyMap<string, { connectionId: string; symbol: string; count: number }>,
  connectionIds: Iterable<string>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const id of connectionIds) out.set(id, new Set());
  for (const w of watches.values()) if (w.count > 0) out.get(w.connectionId)?.add(w.symbol);
  return out;
}

export function sameSymbols(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): boolean {
  if (a === undefined || a.size !== b.size) return false;
  for (const s of b) if (!a.has(s)) return false;
  return true;
}
