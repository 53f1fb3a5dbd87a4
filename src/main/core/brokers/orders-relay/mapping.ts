/**
 * TradeStation v3 objects (as the relay forwards them) → the engine's shapes: every order status
 * code, the first leg as the order's instrument, positions signed by quantity, and fills derived
 * from the cumulative `ExecQuantity` (TradeStation sends no execution ids).
 */
import type { Fill, Order, OrderStatus, OrderType, Side } from '../../../../shared/domain';
import type { ReportedPosition } from '../../connection';
import type { OrderFrame, OrderLeg, PositionFrame } from './messages';

/**
 * Every `Status` code of the v3 spec (brokers.md §4.4), grouped as the spec groups them. Open
 * codes say nothing of fills: an open order with executions is shown partially filled.
 */
const OPEN_PENDING = ['PLA', 'OPN'] as const;
const OPEN = [
  'ACK',
  'ASS',
  'BRC',
  'BRF',
  'BRO',
  'CHG',
  'CND',
  'COR',
  'DIS',
  'DOA',
  'DON',
  'ECN',
  'EXE',
  'FPR',
  'LAT',
  'OSO',
  'OTHER',
  'REC',
  'RJC',
  'RPD',
  'RSN',
  'STP',
  'STT',
  'SUS',
  'UCN',
] as const;
const CANCELLED = ['CAN', 'OUT', 'RJR', 'SCN', 'TSC', 'UCH'] as const;

export const statusCodes: Readonly<Record<string, OrderStatus>> = {
  ...Object.fromEntries(OPEN_PENDING.map((c) => [c, 'pending' as const])),
  ...Object.fromEntries(OPEN.map((c) => [c, 'working' as const])),
  ...Object.fromEntries(CANCELLED.map((c) => [c, 'cancelled' as const])),
  EXP: 'expired',
  REJ: 'rejected',
  FLL: 'filled',
  // Partial fill, remainder cancelled: terminal, and the filled part stays on the order.
  FLP: 'cancelled',
};

/** The engine's status for a code and the cumulative filled quantity (null: code unknown). */
export function statusOf(code: string, filledQty: number): OrderStatus | null {
  const base = statusCodes[code.toUpperCase()];
  if (base === undefined) return null;
  if ((base === 'working' || base === 'pending') && filledQty > 0) return 'partially_filled';
  return base;
}

export function sideOf(leg: Pick<OrderLeg, 'BuyOrSell'>): Side {
  return leg.BuyOrSell === 'Buy' || leg.BuyOrSell === 'BuyToCover' ? 'buy' : 'sell';
}

function orderType(o: OrderFrame): OrderType {
  if (o.TrailingStop !== undefined && (o.TrailingStop.Amount != null || o.TrailingStop.Percent != null))
    return 'trailing_stop';
  switch (o.OrderType) {
    case 'Limit':
      return 'limit';
    case 'StopMarket':
      return 'stop';
    case 'StopLimit':
      return 'stop_limit';
    default:
      return 'market';
  }
}

/** Cumulative quantity filled: the first leg's `ExecQuantity` (multi-leg orders show leg one). */
export function filledOf(o: OrderFrame): number {
  return o.Legs[0]?.ExecQuantity ?? 0;
}

export interface OrderContext {
  connectionId: string;
  /** Receive time: TradeStation orders carry no update time, only opened and closed. */
  now: number;
}

/** Null when the order cannot be represented truthfully (no leg, non-positive quantity, unknown code). */
export function toOrder(o: OrderFrame, ctx: OrderContext): Order | null {
  const leg = o.Legs[0];
  if (leg === undefined || !(leg.QuantityOrdered > 0)) return null;
  const filledQty = filledOf(o);
  const status = statusOf(o.Status, filledQty);
  if (status === null || filledQty < 0) return null;
  const type = orderType(o);
  const trail = o.TrailingStop;
  return {
    id: o.OrderID,
    // Not placed by this terminal: the relay's id is the only stable key.
    clientOrderId: o.OrderID,
    connectionId: ctx.connectionId,
    accountId: o.AccountID,
    symbol: leg.Symbol,
    side: sideOf(leg),
    type,
    tif: o.Duration === 'GTC' ? 'gtc' : o.Duration === 'IOC' ? 'ioc' : 'day',
    qty: leg.QuantityOrdered,
    filledQty,
    avgFillPrice: filledQty > 0 ? (o.FilledPrice ?? leg.ExecutionPrice ?? null) : null,
    limitPrice: o.LimitPrice ?? null,
    stopPrice: o.StopPrice ?? null,
    status,
    rejectReason: status === 'rejected' ? (o.RejectReason ?? o.StatusDescription ?? 'rejected') : null,
    heldBy: 'gateway',
    createdAt: o.OpenedDateTime ?? ctx.now,
    updatedAt: ctx.now,
    ...(type === 'trailing_stop' && trail !== undefined
      ? {
          trail: {
            by: trail.Percent != null ? ('percent' as const) : ('amount' as const),
            offset: trail.Percent ?? trail.Amount ?? 0,
            activationPrice: null,
            stopPrice: o.StopPrice ?? null,
            peak: null,
            activated: true,
          },
        }
      : {}),
  };
}

export function toPosition(p: PositionFrame, now: number): ReportedPosition {
  const size = Math.abs(p.Quantity);
  // Quantity is signed by the spec; LongShort also says it (some relays send it unsigned).
  const qty = p.LongShort === 'Short' || p.Quantity < 0 ? -size : size;
  const ts = p.Timestamp ?? now;
  return {
    accountId: p.AccountID,
    symbol: p.Symbol,
    qty,
    avgPrice: p.AveragePrice,
    mark: p.Last ?? null,
    markedAt: p.Last == null ? null : ts,
  };
}

/**
 * Fills from cumulative order snapshots. TradeStation re-sends an order's whole state (and every
 * order on each new stream) with `ExecQuantity` cumulative and `FilledPrice` the running average,
 * and no execution ids. Each increase of the cumulative quantity becomes one fill whose id names
 * the order and the quantity reached (`<OrderID>:<cum>`), so a re-sent snapshot reproduces the same
 * id (the ledger drops it) and an increase missed while disconnected appears once, from the
 * reconnect snapshot. Kept per connection (it outlives each link), bounded like the gate.
 */
export class CumulativeFills {
  private readonly seen = new Map<string, { qty: number; avg: number }>();

  constructor(private readonly limit = 50_000) {}

  /** The fill the order's new cumulative state implies, or null when nothing new executed. */
  next(o: OrderFrame, connectionId: string, now: number): Fill | null {
    const leg = o.Legs[0];
    if (leg === undefined) return null;
    const cum = filledOf(o);
    const prev = this.seen.get(o.OrderID) ?? { qty: 0, avg: 0 };
    if (!(cum > prev.qty)) return null;
    const avg = o.FilledPrice ?? leg.ExecutionPrice ?? 0;
    const qty = round(cum - prev.qty);
    // The running average gives this step's price: (avg·cum − prevAvg·prevQty) / qty.
    const price = prev.qty === 0 ? avg : round((avg * cum - prev.avg * prev.qty) / qty);
    this.seen.delete(o.OrderID);
    this.seen.set(o.OrderID, { qty: cum, avg });
    if (this.seen.size > this.limit) {
      const oldest = this.seen.keys().next();
      if (oldest.done !== true) this.seen.delete(oldest.value);
    }
    return {
      id: `${o.OrderID}:${cum}`,
      orderId: o.OrderID,
      connectionId,
      accountId: o.AccountID,
      symbol: leg.Symbol,
      side: sideOf(leg),
      qty,
      price,
      // The fee is the order's total so far; it is booked on the step that completes the order.
      commission: o.Status === 'FLL' ? (o.CommissionFee ?? 0) : 0,
      ts: o.ClosedDateTime ?? now,
    };
  }
}

function round(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}
