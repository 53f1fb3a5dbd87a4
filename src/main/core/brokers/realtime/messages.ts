/**
 * Frames of the realtime endpoint (seed 004, AI-Trading-V2 `/api/ws/realtime`): one JSON object
 * per frame with an upper-case `type`, `timestamp` in epoch ms, numbers as JSON floats (strings
 * accepted), position times as Python naive `isoformat()` (read as UTC).
 */
import { z } from 'zod';
import { decimal, isoTime, optionalDecimal, optionalUtcIso } from '../kit/codecs';

export const RtPosition = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  symbol: z.string().min(1),
  type: z.string().transform((s) => s.toLowerCase()),
  quantity: decimal,
  entry_price: decimal,
  current_price: optionalDecimal,
  current_pnl: optionalDecimal,
  timestamp: optionalUtcIso,
  status: z.string().optional(),
});
export type RtPosition = z.infer<typeof RtPosition>;

export const RtOrder = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  symbol: z.string().min(1),
  status: z.string().min(1),
  current_stop_price: optionalDecimal,
  peak_price: optionalDecimal,
  // Not in the seed's example; read when a server sends them.
  side: z.string().optional(),
  quantity: optionalDecimal,
  take_profit_price: optionalDecimal,
  trail_percent: optionalDecimal,
});
export type RtOrder = z.infer<typeof RtOrder>;

export const ServerFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('MARKET_UPDATE'),
    symbol: z.string().min(1),
    price: decimal,
    priceChange: optionalDecimal,
    priceChangePercent: optionalDecimal,
    high: optionalDecimal,
    low: optionalDecimal,
    volume: optionalDecimal,
    timestamp: isoTime,
  }),
  z.object({
    type: z.literal('POSITION_UPDATE'),
    positions: z.array(RtPosition).nullish(),
    timestamp: isoTime,
  }),
  z.object({
    type: z.literal('PORTFOLIO_UPDATE'),
    portfolio: z.object({
      balance: decimal,
      total_pnl: optionalDecimal,
      positions_count: optionalDecimal,
      realized_pnl: optionalDecimal,
    }),
    timestamp: isoTime,
  }),
  z.object({
    type: z.literal('ORDER_UPDATE'),
    orderType: z.string().min(1),
    order: RtOrder,
    timestamp: isoTime,
  }),
  z.object({ type: z.literal('ERROR'), message: z.string().optional(), error: z.string().optional() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
