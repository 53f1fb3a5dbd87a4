/**
 * An order from a chart click: the side follows from where the price is against the market, so
 * a limit always rests (below the market buys, above sells) and a stop always waits for a move
 * through it (above the market buys, below sells). The ticket's validation then runs on it.
 */
import type { Instrument, OrderType, Quote, Side } from '../../shared/domain';
import { formatPrice } from '../../shared/money';

export type ChartOrderPlan = { ok: true; side: Side; type: OrderType } | { ok: false; why: string };

/** The market the click is compared with: the bid/ask mid when both sides are quoted, else last. */
export function marketOf(q: Pick<Quote, 'bid' | 'ask' | 'last'> | undefined): number | null {
  if (q === undefined) return null;
  if (q.bid > 0 && q.ask > 0 && q.ask >= q.bid) return (q.bid + q.ask) / 2;
  return q.last > 0 ? q.last : null;
}

export function planChartOrder(
  price: number,
  kind: 'limit' | 'stop',
  quote: Pick<Quote, 'bid' | 'ask' | 'last'> | undefined,
  inst: Instrument,
): ChartOrderPlan {
  const market = marketOf(quote);
  if (market === null)
    return { ok: false, why: `No quote for ${inst.symbol} yet: the side cannot be chosen.` };
  const diff = price - market;
  if (Math.abs(diff) < inst.tickSize / 2)
    return { ok: false, why: `${formatPrice(price, inst)} is at the market: use Buy or Sell in the ticket.` };
  const side: Side = kind === 'limit' ? (diff < 0 ? 'buy' : 'sell') : diff > 0 ? 'buy' : 'sell';
  const type: OrderType = kind;
  return { ok: true, side, type };
}
