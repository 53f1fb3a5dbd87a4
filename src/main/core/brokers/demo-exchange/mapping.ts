/** Translation between the demo exchange's payloads and the engine's normalized shapes. */
import type { Fill, Instrument, Order, OrderStatus, Quote } from '../../../../shared/domain';
import type { PlaceOrder, ReportedAccount, ReportedPosition } from '../../connection';
import type { AccountData, FillData, InstrumentData, OrderData, PositionData } from './messages';

const statusMap: Record<OrderData['status'], OrderStatus> = {
  pending: 'pending',
  working: 'working',
  partially_filled: 'partially_filled',
  filled: 'filled',
  cancelled: 'cancelled',
  expired: 'expired',
};

/** Null when the order cannot be represented truthfully (non-positive quantity). */
export function toOrder(d: OrderData, connectionId: string, accountId: string): Order | null {
  if (!(d.qty > 0) || d.filledQty < 0) return null;
  return {
    id: d.id,
    // Orders placed elsewhere (another terminal, the sim's own traffic) carry none: their own id
    // is the only stable key.
    clientOrderId: d.clientOrderId ?? d.id,
    connectionId,
    accountId,
    symbol: d.symbol,
    side: d.side,
    type: d.type,
    tif: d.tif ?? 'gtc',
    qty: d.qty,
    filledQty: d.filledQty,
    avgFillPrice: d.avgFillPrice ?? null,
    limitPrice: d.limitPrice ?? null,
    stopPrice: d.stopPrice ?? null,
    status: statusMap[d.status],
    rejectReason: null,
    heldBy: 'broker',
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    ...(d.parentId == null ? {} : { parentId: d.parentId }),
    ...(d.ocoWith == null ? {} : { siblingIds: [d.ocoWith] }),
  };
}

/** Null when the execution cannot be a fill (non-positive quantity). */
export function toFill(d: FillData, connectionId: string, accountId: string): Fill | null {
  if (!(d.qty > 0)) return null;
  return {
    id: d.id,
    orderId: d.orderId,
    connectionId,
    accountId,
    symbol: d.symbol,
    side: d.side,
    qty: d.qty,
    price: d.price,
    commission: 0,
    ts: d.ts,
  };
}

/** The exchange reports no mark with positions: quotes from the market socket mark them. */
export function toPosition(d: PositionData, accountId: string): ReportedPosition {
  return { accountId, symbol: d.symbol, qty: d.qty, avgPrice: d.avgPrice, mark: null, markedAt: null };
}

export function toAccount(d: AccountData, accountId: string, name: string): ReportedAccount {
  return { accountId, name, currency: 'USD', cash: d.cash, equity: d.equity };
}

export function toInstrument(d: InstrumentData, connectionId: string): Instrument {
  return { ...d, connectionId };
}

export function toQuote(
  d: { s: string; b: number; a: number; B: number; A: number; l: number; o: number; v: number; t: number },
  connectionId: string,
  receivedAt: number,
): Quote {
  return {
    symbol: d.s,
    connectionId,
    bid: d.b,
    ask: d.a,
    last: d.l,
    bidSize: d.B,
    askSize: d.A,
    open: d.o,
    volume: d.v,
    ts: d.t,
    receivedAt,
  };
}

/** The `order` of a `place` request. Trailing stops are not offered (capabilities say so). */
export function toOrderRequest(o: PlaceOrder): Record<string, unknown> {
  return {
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    qty: o.qty,
    ...(o.limitPrice === undefined ? {} : { limitPrice: o.limitPrice }),
    ...(o.stopPrice === undefined ? {} : { stopPrice: o.stopPrice }),
    tif: o.tif,
    clientOrderId: o.clientOrderId,
  };
}
