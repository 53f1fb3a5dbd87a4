/**
 * How a position is marked. The engine marks at the mid of bid/ask when both sides are sane, else
 * at the last trade (`markOf` in the ledger); a mid is often between ticks and differs from the
 * watchlist's last, so the positions table names the source instead of calling it "Last".
 */
import type { Quote } from '../../shared/domain';
import { formatPrice } from '../../shared/money';

export const MARK_LEGEND =
  'Mark: the price unrealized P&L is computed at — the mid of bid and ask when both sides are quoted, otherwise the last trade. A mid can fall between ticks; it is shown at the instrument’s precision (hover a cell for the exact value).';

export type MarkSource = 'mid' | 'last';

/** Which quote field the mark came from, or null when the quote no longer explains it. */
export function markSource(
  mark: number | null,
  quote: Pick<Quote, 'bid' | 'ask' | 'last'> | undefined,
): MarkSource | null {
  if (mark === null || quote === undefined) return null;
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  if (quote.bid > 0 && quote.ask > 0 && quote.ask >= quote.bid && close(mark, (quote.bid + quote.ask) / 2))
    return 'mid';
  if (close(mark, quote.last)) return 'last';
  return null;
}

/** The mark cell's tooltip: the exact value and where it came from. */
export function markTitle(
  mark: number | null,
  quote: Pick<Quote, 'bid' | 'ask' | 'last'> | undefined,
  pricePrecision: number | undefined,
): string {
  if (mark === null) return 'No live quote yet: unrealized P&L is not marked.';
  const src = markSource(mark, quote);
  const p = pricePrecision === undefined ? undefined : { pricePrecision };
  const exact = String(Number(mark.toFixed(10)));
  if (src === 'mid' && quote !== undefined)
    return `Mark ${exact} = mid of bid ${formatPrice(quote.bid, p)} / ask ${formatPrice(quote.ask, p)}`;
  if (src === 'last') return `Mark ${exact} = last trade (the book is one-sided)`;
  return `Mark ${exact} (from an earlier quote)`;
}
