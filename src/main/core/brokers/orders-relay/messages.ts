/**
 * Frames of the orders relay (seed 002): TradeStation v3 order and position objects forwarded by
 * the relay one JSON object per frame (all numbers as strings), TradeStation's control objects
 * (`Heartbeat`, `StreamStatus`, `Error`) and the relay's own `proxy_error`. A frame has no type
 * field: what it is follows from its keys (`frameKind`).
 */
import { z } from 'zod';
import { decimal, listOf, optionalDecimal, optionalIso } from '../kit/codecs';

export const OrderLeg = z.object({
  AssetType: z.string().optional(),
  BuyOrSell: z.enum(['Buy', 'Sell', 'SellShort', 'BuyToCover']),
  /** Cumulative for the order so far, not this execution's quantity. */
  ExecQuantity: optionalDecimal,
  ExecutionPrice: optionalDecimal,
  OpenOrClose: z.string().optional(),
  QuantityOrdered: decimal,
  QuantityRemaining: optionalDecimal,
  Symbol: z.string().min(1),
});
export type OrderLeg = z.infer<typeof OrderLeg>;

export const OrderFrame = z.object({
  OrderID: z.string().min(1),
  AccountID: z.string().min(1),
  Status: z.string().min(1),
  StatusDescription: z.string().optional(),
  OrderType: z.string().min(1),
  LimitPrice: optionalDecimal,
  StopPrice: optionalDecimal,
  /** The average fill price of the whole order. */
  FilledPrice: optionalDecimal,
  CommissionFee: optionalDecimal,
  Duration: z.string().optional(),
  OpenedDateTime: optionalIso,
  ClosedDateTime: optionalIso,
  RejectReason: z.string().optional(),
  Legs: listOf(OrderLeg).refine((l) => l.length > 0, 'an order has at least one leg'),
  TrailingStop: z.object({ Amount: optionalDecimal, Percent: optionalDecimal }).partial().optional(),
  ConditionalOrders: listOf(z.object({ OrderID: z.string(), Relationship: z.string() })),
});
export type OrderFrame = z.infer<typeof OrderFrame>;

export const PositionFrame = z.object({
  PositionID: z.string().min(1),
  AccountID: z.string().min(1),
  Symbol: z.string().min(1),
  /** Signed: negative for short. */
  Quantity: decimal,
  AveragePrice: decimal,
  Last: optionalDecimal,
  LongShort: z.enum(['Long', 'Short']).optional(),
  UnrealizedProfitLoss: optionalDecimal,
  TodaysProfitLoss: optionalDecimal,
  Timestamp: optionalIso,
});
export type PositionFrame = z.infer<typeof PositionFrame>;

/** How a closed position may be signalled besides `Quantity: "0"`. */
export const PositionDeleted = z.object({
  PositionID: z.string().min(1),
  AccountID: z.string().optional(),
  Symbol: z.string().optional(),
  Deleted: z.literal(true),
});

export const StreamStatusFrame = z.object({ StreamStatus: z.string() });
export const StreamErrorFrame = z.object({ Error: z.string(), Message: z.string().optional() });
export const ProxyErrorFrame = z.object({ type: z.literal('proxy_error'), error: z.string().optional() });

export type FrameKind =
  | 'heartbeat'
  | 'status'
  | 'stream-error'
  | 'proxy-error'
  | 'order'
  | 'position-deleted'
  | 'position'
  | 'unknown';

/** What a relay frame is, by the keys it carries (TradeStation objects have no type field). */
export function frameKind(o: Record<string, unknown>): FrameKind {
  if ('Heartbeat' in o) return 'heartbeat';
  if ('StreamStatus' in o) return 'status';
  if (o.type === 'proxy_error') return 'proxy-error';
  if ('Error' in o) return 'stream-error';
  if ('OrderID' in o) return 'order';
  if ('PositionID' in o) return o.Deleted === true ? 'position-deleted' : 'position';
  return 'unknown';
}

export const AnyObject = z.record(z.string(), z.unknown());
