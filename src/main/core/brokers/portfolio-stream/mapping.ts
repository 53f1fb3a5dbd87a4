/** Translation of portfolio-stream payloads into the engine's normalized shapes. */
import type { Fill, Order, OrderStatus, OrderType, TrailingState } from '../../../../shared/domain';
import type { ReportedAccount, ReportedPosition } from '../../connection';
import type { AccountData, OrderData, PositionData, TradeData } from './messages';

const statusMap: Record<OrderData['status'], OrderStatus> = {
  new: 'working',
  accepted: 'working',
  pending_new: 'pending',
  partially_filled: 'partially_filled',
  filled: 'filled',
  canceled: 'cancelled',
  rejected: 'rejected',
  expired: 'expired',
};

function orderType(raw: string): OrderType {
  const t = raw.toLowerCase().replace(/[\s-]/g, '_');
  if (t === 'limit' || t === 'stop' || t === 'stop_limit' || t === 'market') return t;
  if (t.includes('trail')) return 'trailing_stop';
  // Other server-managed stop kinds rest as stops; the exact kind is not ours to act on.
  return t.includes('stop') ? 'stop' : 'market';
}

/**
 * A trailing stop as the gateway reports it (Alpaca's fields: `trailPrice` or `trailPercent`,
 * `hwm` the best price since placement). Without a distance we say only that it trails.
 */
function trailOf(d: OrderData): TrailingState | undefined {
  const by = d.trailPercent != null ? 'percent' : 'amount';
  const offset = d.trailPercent ?? d.trailPrice;
  if (offset == null || !(offset > 0)) return undefined;
  return {
    by,
    offset,
    activationPrice: null,
    stopPrice: d.stopPrice ?? null,
    peak: d.hwm ?? null,
    activated: true,
  };
}

export function toPosition(d: PositionData, accountId: string, ts: number): ReportedPosition {
  const size = Math.abs(d.quantity);
  const mark = d.currentPrice ?? null;
  return {
    accountId,
    symbol: d.symbol,
    qty: d.side === 'short' ? -size : size,
    avgPrice: d.entryPrice,
    mark,
    markedAt: mark === null ? null : ts,
  };
}

/**
 * Null when the order cannot be represented truthfully (e.g. non-positive quantity). `ts` is the
 * frame's timestamp.
 */
export function toOrder(d: OrderData, connectionId: string, accountId: string, ts: number): Order | null {
  if (!(d.qty > 0) || d.filledQty < 0) return null;
  const type = orderType(d.type);
  const trail = type === 'trailing_stop' ? trailOf(d) : undefined;
  return {
    id: d.orderId,
    // Gateway orders were not placed by this terminal; their own id is the only stable key.
    clientOrderId: d.orderId,
    connectionId,
    accountId,
    symbol: d.symbol,
    side: d.side,
    type,
    tif: 'day',
    qty: d.qty,
    filledQty: d.filledQty,
    avgFillPrice: d.filledAvgPrice ?? null,
    limitPrice: d.limitPrice ?? null,
    stopPrice: d.stopPrice ?? null,
    status: statusMap[d.status],
    rejectReason: d.status === 'rejected' ? 'rejected by broker' : null,
    // The gateway's backend keeps its orders (and its trailing stops) alive, not this terminal.
    heldBy: 'gateway',
    createdAt: d.submittedAt,
    // One clock for every version of an order: the frame's. `filledAt` is exchange time and can
    // predate the frame of the order's previous update, which made the fill look older.
    updatedAt: ts,
    ...(trail === undefined ? {} : { trail }),
  };
}

export function toAccount(d: AccountData, accountId: string, name: string): ReportedAccount {
  const dayPnl = d.dayPnl ?? undefined;
  return {
    accountId,
    name,
    currency: 'USD',
    cash: d.cash,
    equity: d.equity,
    ...(dayPnl === undefined ? {} : { dayPnl, startOfDayEquity: d.equity - dayPnl }),
  };
}

/**
 * The protocol does not link trades to orders. A filled order in the same batch with the same
 * symbol, side, quantity and price is the trade's order; otherwise a synthetic id keeps the fill
 * attributable without pretending to know its order.
 */
export function orderIdOf(t: TradeData, orders: readonly OrderData[]): string {
  const match = orders.find(
    (o) =>
      (o.status === 'filled' || o.status === 'partially_filled') &&
      o.symbol === t.symbol &&
      o.side === t.side &&
      o.filledQty === t.quantity &&
      o.filledAvgPrice === t.price,
  );
  return match?.orderId ?? `trade:${t.tradeId}`;
}

/** Null when the trade cannot be a fill (non-positive quantity). */
export function toFill(t: TradeData, connectionId: string, accountId: string, orderId: string): Fill | null {
  if (!(t.quantity > 0)) return null;
  return {
    id: t.tradeId,
    orderId,
    connectionId,
    accountId,
    symbol: t.symbol,
    side: t.side,
    qty: t.quantity,
    price: t.price,
    commission: 0,
    ts: t.executedAt,
  };
}
