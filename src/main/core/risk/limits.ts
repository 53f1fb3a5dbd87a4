/**
 * Risk limits on one order, as a pure function of the order and what the ledger holds: every
 * refusal names the limit it would break, in words. Orders that only reduce a position pass
 * (closing is always allowed, and the kill switch's own flatten must never be refused).
 */
import type { RiskLimits } from '../../../shared/alerts';
import { fail, ok, type Result } from '../../../shared/contract';
import type { Side } from '../../../shared/domain';

export interface OrderFacts {
  symbol: string;
  side: Side;
  qty: number;
  /** Signed position on the order's account and symbol. */
  position: number;
  /** Remaining quantity of working orders on the same account, symbol and side. */
  workingSameSide: number;
  /** Working orders across every account (the new one not counted). */
  openOrders: number;
  /** Limit or stop price, else the last quote; null when no price is known. */
  price: number | null;
  multiplier: number;
  currency: string;
  /** The trader confirmed a size above the confirmation threshold. */
  confirmed: boolean;
}

/** True when the order can only bring the position towards flat. */
export function onlyReduces(side: Side, qty: number, position: number): boolean {
  return (side === 'sell' ? position > 0 : position < 0) && qty <= Math.abs(position);
}

export function checkOrderLimits(limits: RiskLimits, f: OrderFacts): Result<void> {
  if (onlyReduces(f.side, f.qty, f.position)) return ok(undefined);
  if (limits.maxOrderQty !== null && f.qty > limits.maxOrderQty)
    return fail(
      'risk_max_order_qty',
      `Refused by the maximum order quantity limit: ${f.qty} ${f.symbol} is above ${limits.maxOrderQty}.`,
    );
  if (limits.maxOrderNotional !== null) {
    if (f.price === null)
      return fail(
        'risk_max_notional',
        `Refused by the maximum order value limit: there is no price for ${f.symbol} to value the order with.`,
      );
    const notional = f.qty * f.price * f.multiplier;
    if (notional > limits.maxOrderNotional)
      return fail(
        'risk_max_notional',
        `Refused by the maximum order value limit: ${f.qty} ${f.symbol} is worth ${round(notional)} ${f.currency}, above ${limits.maxOrderNotional}.`,
      );
  }
  if (limits.maxPosition !== null) {
    const signed = f.side === 'buy' ? 1 : -1;
    const after = Math.abs(f.position + signed * (f.workingSameSide + f.qty));
    if (after > limits.maxPosition)
      return fail(
        'risk_max_position',
        `Refused by the maximum position limit: ${f.symbol} would reach ${after} (position ${f.position}, working ${f.workingSameSide} on this side), above ${limits.maxPosition}.`,
      );
  }
  if (limits.maxOpenOrders !== null && f.openOrders >= limits.maxOpenOrders)
    return fail(
      'risk_max_open_orders',
      `Refused by the maximum open orders limit: ${f.openOrders} orders are already working (limit ${limits.maxOpenOrders}).`,
    );
  const confirmAbove = limits.confirmQtyAboveBySymbol[f.symbol] ?? limits.confirmQtyAbove;
  if (confirmAbove !== null && f.qty > confirmAbove && !f.confirmed)
    return fail(
      'needs_confirmation',
      `${f.qty} ${f.symbol} is above the confirmation size of ${confirmAbove}: confirm the order to send it.`,
    );
  return ok(undefined);
}

function round(x: number): string {
  return (Math.round(x * 100) / 100).toLocaleString('en-US');
}
