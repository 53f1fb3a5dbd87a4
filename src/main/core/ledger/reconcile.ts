/**
 * Resync reconciliation: after a reconnect, the broker's snapshot is compared with what the
 * Ledger holds. Open orders the broker no longer lists are flagged, executions the link missed
 * are synthesized from the orders' filled quantities, and those synthetic fills give way to the
 * real executions when they arrive late.
 */
import { type Fill, type Order, isOrderDone } from '../../../shared/domain';
import type { Alert } from '../../../shared/stream';
import type { Logger } from '../log';
import type { LedgerChanges } from './changes';
import type { OrderState } from './orderVersions';
import { cleanQty } from './positionMath';

/**
 * Per-order fill accounting. Reconciliation may book an order's missed executions before their
 * real fills arrive; the position then carries max(real, reconciled) quantity for the order, and
 * a later real fill moves it only by what is not booked yet — so both paths converge once.
 */
export interface OrderFillTotals {
  connectionId: string;
  /** Quantity of real executions received. */
  realQty: number;
  /** Quantity and notional moved into the position (real and reconciled). */
  bookedQty: number;
  bookedNotional: number;
  /** The order's filled quantity the last reconciliation booked up to (0: none). */
  reconciledTo: number;
  /** Execution ids of this order the bounded id memory has forgotten. */
  forgotten: number;
  /** Reconciled fills still standing in for executions the broker has not delivered yet. */
  synthetic: SyntheticFill[];
}

/**
 * A fill reconciliation synthesized for the order's filled quantity `from` → `to`. Real fills
 * arriving later cover that range from its start; the synthetic row shrinks to what is still
 * unconfirmed and disappears once the real fills cover it, so the fills list never shows an
 * execution twice.
 */
export interface SyntheticFill {
  /** The row as it is in `recentFills` (replaced when it shrinks). */
  fill: Fill;
  from: number;
  to: number;
}

export function newFillTotals(connectionId: string): OrderFillTotals {
  return {
    connectionId,
    realQty: 0,
    bookedQty: 0,
    bookedNotional: 0,
    reconciledTo: 0,
    forgotten: 0,
    synthetic: [],
  };
}

/**
 * Shrink or drop the order's reconciled fills by what its real fills now cover, in the fills
 * list (`recentFills`) and in the pending changes.
 */
export function settleSyntheticFills(
  t: OrderFillTotals,
  recentFills: Fill[],
  changes: LedgerChanges,
  log: Logger | undefined,
): void {
  if (t.synthetic.length === 0) return;
  const connectionId = t.connectionId;
  t.synthetic = t.synthetic.filter((s) => {
    const left = cleanQty(s.to - Math.max(s.from, t.realQty));
    if (left >= s.fill.qty) return true;
    const old = s.fill;
    const i = recentFills.indexOf(old);
    if (left > 0) {
      s.fill = { ...old, qty: left };
      if (i >= 0) recentFills[i] = s.fill;
      changes.fills.push(s.fill);
      return true;
    }
    if (i >= 0) recentFills.splice(i, 1);
    // Any pending version of the row predates its removal: the stream sends only the removal.
    changes.fills = changes.fills.filter((x) => !(x.id === old.id && x.connectionId === connectionId));
    changes.removed.fills.add(`${connectionId}:${old.id}`);
    log?.info(
      { connectionId, orderId: old.orderId, fillId: old.id },
      'reconciled fill replaced by the real executions',
    );
    return false;
  });
}

/**
 * The connection's orders still open here that its snapshot did not list (`listed` holds order
 * keys). The snapshot does not say how they ended, so inventing a terminal status would be a guess.
 */
export function* unlistedOpenOrders(
  orders: ReadonlyMap<string, OrderState>,
  connectionId: string,
  listed: ReadonlySet<string>,
): Generator<[key: string, order: Order]> {
  for (const [key, s] of orders) {
    const o = s.order;
    // A placeholder is the desk's, not the broker's: the desk resolves it by lookup.
    if (o.connectionId !== connectionId || isOrderDone(o.status) || listed.has(key) || o.placeholder)
      continue;
    yield [key, o];
  }
}

/** The alert asking the trader to check an open order the broker stopped reporting. */
export function unreportedOrderAlert(connectionId: string, key: string, o: Order, ts: number): Alert {
  return {
    id: `unreported:${key}:${ts}`,
    ts,
    level: 'warning',
    title: `Order ${o.id} not reported by broker after reconnect`,
    message: `${o.side === 'buy' ? 'Buy' : 'Sell'} ${o.qty} ${o.symbol} (${o.status}, ${o.filledQty} filled) is still open in the terminal, but ${connectionId} did not list it after reconnecting. Its state is unconfirmed: check it at the broker before relying on it.`,
    active: true,
    acknowledged: false,
  };
}

/**
 * Orders whose reported filled quantity exceeds the fills booked for them had executions we
 * never saw (the link was down and the broker's snapshot omits old fills). Yields, one order at
 * a time, the fill that books the difference at the price implied by the order's average; the
 * caller applies it (with `reconciledTo` = the order's filled quantity) before the next is
 * computed, so each sees the totals the previous one left.
 */
export function* missedFills(
  orders: ReadonlyMap<string, OrderState>,
  fillTotals: ReadonlyMap<string, OrderFillTotals>,
  connectionId: string,
): Generator<{ fill: Fill; reconciledTo: number }> {
  for (const [key, s] of orders) {
    const o = s.order;
    if (o.connectionId !== connectionId || o.filledQty <= 0 || o.avgFillPrice === null) continue;
    const t = fillTotals.get(key);
    const bookedQty = t?.bookedQty ?? 0;
    const missing = cleanQty(o.filledQty - bookedQty);
    if (missing <= 0) continue;
    const price = (o.avgFillPrice * o.filledQty - (t?.bookedNotional ?? 0)) / missing;
    yield {
      fill: {
        id: `synthetic:${o.id}:${o.filledQty}`,
        synthetic: true,
        orderId: o.id,
        connectionId,
        accountId: o.accountId,
        symbol: o.symbol,
        side: o.side,
        qty: missing,
        price,
        commission: 0,
        ts: o.updatedAt,
      },
      reconciledTo: o.filledQty,
    };
  }
}
