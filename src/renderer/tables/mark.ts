/**
 * How a position is marked. The engine marks at the mid of bid/ask when both sides are sane, else
 * at the last trade, and says which on the position (`markSource`); a mid is often between ticks
 * and differs from the watchlist's last, so the positions table names the source instead of
 * calling it "Last".
 */
import type { Position, Quote } from '../../shared/domain';
import { formatPrice, formatTrimmed, type PriceFormat } from '../../shared/money';

export const MARK_LEGEND =
  'Mark: the price unrealized P&L is computed at — the mid of bid and ask when both sides are quoted, otherwise the last trade. A mid can fall between ticks: it is then shown to the half tick and labelled “mid” (hover a cell for the exact value).';

/** The mark cell's tooltip: the exact value and where the engine says it came from. */
export function markTitle(
  p: Pick<Position, 'last' | 'markSource'>,
  quote: Pick<Quote, 'bid' | 'ask'> | undefined,
  pp: PriceFormat | undefined,
): string {
  if (p.last === null) return 'No live quote yet: unrealized P&L is not marked.';
  const exact = formatTrimmed(p.last, 10);
  switch (p.markSource) {
    case 'mid':
      return quote === undefined
        ? `Mark ${exact} = mid of bid / ask`
        : `Mark ${exact} = mid of bid ${formatPrice(quote.bid, pp)} / ask ${formatPrice(quote.ask, pp)}`;
    case 'last':
      return `Mark ${exact} = last trade (the book is one-sided)`;
    case 'broker':
      return `Mark ${exact} = the broker's own mark (no live quote yet)`;
    default:
      return `Mark ${exact}`;
  }
}
