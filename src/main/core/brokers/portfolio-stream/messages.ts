/**
 * Frames of the portfolio-stream protocol (seed 001) as zod schemas. The seed sends numbers as
 * decimal strings; the kit's codecs accept JSON numbers too (tolerant reader) and reject anything
 * non-finite.
 */
import { z } from 'zod';
import { decimal, isoTime, listOf, optionalDecimal, optionalIso } from '../kit/codecs';

export const PositionData = z.object({
  symbol: z.string().min(1),
  quantity: decimal,
  currentPrice: optionalDecimal,
  entryPrice: decimal,
  unrealizedPnl: optionalDecimal,
  side: z.enum(['long', 'short']),
  strategyId: z.string().optional(),
  openedAt: optionalIso,
});
export type PositionData = z.infer<typeof PositionData>;

export const OrderData = z.object({
  orderId: z.string().min(1),
  brokerOrderId: z.string().nullish(),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  type: z.string(),
  status: z.enum([
    'new',
    'accepted',
    'pending_new',
    'partially_filled',
    'filled',
    'canceled',
    'rejected',
    'expired',
  ]),
  qty: decimal,
  filledQty: decimal,
  filledAvgPrice: optionalDecimal,
  limitPrice: optionalDecimal,
  stopPrice: optionalDecimal,
  /** Trailing stops (Alpaca's names): the distance as a price or a percentage, and the high-water mark. */
  trailPrice: optionalDecimal,
  trailPercent: optionalDecimal,
  hwm: optionalDecimal,
  submittedAt: isoTime,
  filledAt: optionalIso,
});
export type OrderData = z.infer<typeof OrderData>;

export const AccountData = z.object({
  equity: decimal,
  buyingPower: optionalDecimal,
  cash: decimal,
  portfolioValue: optionalDecimal,
  dayPnl: optionalDecimal,
  timestamp: optionalIso,
});
export type AccountData = z.infer<typeof AccountData>;

export const TradeData = z.object({
  tradeId: z.string().min(1),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  quantity: decimal,
  price: decimal,
  pnl: optionalDecimal,
  executedAt: isoTime,
});
export type TradeData = z.infer<typeof TradeData>;

export const BatchData = z.object({
  // Lists are also accepted as one object or null (tolerant reader).
  positions: listOf(PositionData),
  orders: listOf(OrderData),
  account: AccountData.nullish(),
  trades: listOf(TradeData),
});
export type BatchData = z.infer<typeof BatchData>;

const envelope = { timestamp: isoTime, userId: z.string().min(1) };

export const ServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('position_update'), ...envelope, data: PositionData }),
  z.object({ type: z.literal('order_update'), ...envelope, data: OrderData }),
  z.object({ type: z.literal('account_update'), ...envelope, data: AccountData }),
  z.object({ type: z.literal('trade_executed'), ...envelope, data: TradeData }),
  z.object({ type: z.literal('batch'), ...envelope, data: BatchData }),
  z.object({ type: z.literal('pong'), ...envelope }),
  z.object({ type: z.literal('info'), ...envelope, data: z.unknown().optional() }),
  z.object({
    type: z.literal('error'),
    ...envelope,
    data: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

export const channels = ['positions', 'orders', 'account', 'trades'] as const;
