/**
 * Listings in the watchlist. The same symbol may be listed by two connections (ES on paper and on
 * a gateway), each with its own prices; such rows must say which connection they are, or two ES
 * prices would sit side by side unlabelled.
 */
import type { Instrument } from '../../shared/domain';
import { instrumentKey } from '../../shared/keys';

export function listingKey(i: Pick<Instrument, 'connectionId' | 'symbol'>): string {
  return instrumentKey(i.connectionId, i.symbol);
}

/** Symbols listed by more than one connection. */
export function sharedSymbols(
  instruments: Iterable<Pick<Instrument, 'connectionId' | 'symbol'>>,
): Set<string> {
  const seen = new Map<string, string>();
  const shared = new Set<string>();
  for (const i of instruments) {
    const first = seen.get(i.symbol);
    if (first === undefined) seen.set(i.symbol, i.connectionId);
    else if (first !== i.connectionId) shared.add(i.symbol);
  }
  return shared;
}
