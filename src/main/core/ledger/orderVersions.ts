/**
 * Order versions: which broker report of an order is newer. Reports arrive repeated, out of order
 * and dated by different clocks; an order only ever moves forward (a finished order never comes
 * back), and a report identical to one already seen adds nothing.
 */
import { type Order, type OrderStatus, isOrderDone } from '../../../shared/domain';

const statusRank: Record<OrderStatus, number> = {
  // The desk's placeholder for an unanswered order call: any broker report of it is newer.
  unknown: 0,
  pending: 0,
  working: 1,
  partially_filled: 2,
  filled: 3,
  cancelled: 3,
  rejected: 3,
  expired: 3,
};

/** An order as the ledger holds it, with the version keys of every report already applied. */
export interface OrderState {
  order: Order;
  seen: Set<string>;
}

/** Two reports with the same key describe the same order state. */
export function orderVersionKey(o: Order): string {
  return `${o.status}-${o.limitPrice ?? ''}/${o.stopPrice ?? ''}-${o.filledQty}-${o.qty}`;
}

/**
 * Whether report `o` is a newer state of the order than `c`. Versions are ordered by progress
 * first — status rank, then filled quantity, both monotone — and by `updatedAt` only between
 * reports at the same progress (a modify, a repeat). Brokers date reports with different clocks
 * (exchange fill time vs. message time), so a fill dated before the last "accepted" message must
 * still win: comparing timestamps first left filled orders "working" forever.
 */
export function supersedes(o: Order, c: Order, seenVersion: boolean): boolean {
  // A finished order is final.
  if (isOrderDone(c.status)) return false;
  const rank = statusRank[o.status] - statusRank[c.status];
  if (rank < 0 || o.filledQty < c.filledQty) return false;
  if (rank > 0 || o.filledQty > c.filledQty) return true;
  // Same progress: an older report loses; a repeated version adds nothing.
  if (o.updatedAt < c.updatedAt) return false;
  if (seenVersion && o.updatedAt <= c.updatedAt) return false;
  return orderVersionKey(o) !== orderVersionKey(c);
}
