/**
 * Position math: average cost, realized P&L on reductions and flips, and marking to a quote.
 * Pure functions over a `Position`; the Ledger decides when they apply.
 */
import type { Fill, Position, Quote } from '../../../shared/domain';
import { foldAverageCost } from '../../../shared/averageCost';
import { unrealizedPnl } from '../../../shared/money';

/** Mid when both sides are present and sane, else the last trade. */
export function markOf(q: Quote): number {
  return q.bid > 0 && q.ask > 0 && q.ask >= q.bid ? (q.bid + q.ask) / 2 : q.last;
}

/** Which quote field `markOf` used: the mid, or the last trade when the book is one-sided. */
export function markSourceOf(q: Quote): 'mid' | 'last' {
  return q.bid > 0 && q.ask > 0 && q.ask >= q.bid ? 'mid' : 'last';
}

/** Quantities are summed from broker decimals: keep them free of float tails. */
export function cleanQty(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

/**
 * Average-cost update of `p` by one fill: adds average in, reductions realize, a flip re-opens at
 * the fill price. Moves quantity, average price and realized P&L only; marking is separate.
 */
export function foldFill(p: Position, side: Fill['side'], fillQty: number, price: number): void {
  p.realizedPnl += foldAverageCost(p, side === 'buy' ? fillQty : -fillQty, price, cleanQty) * p.multiplier;
}

/** Unrealized P&L of `p` at its current mark (0 when flat or never marked). */
export function markedUnrealized(p: Position): number {
  return p.qty === 0 || p.last === null ? 0 : unrealizedPnl(p.qty, p.avgPrice, p.last, p.multiplier);
}
