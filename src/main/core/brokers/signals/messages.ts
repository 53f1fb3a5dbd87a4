/**
 * Frames of the signals gateway (seed 003): one JSON object per frame with a `type`. Numbers are
 * JSON numbers (the codecs accept strings too); timestamps are Python `isoformat()` strings,
 * often without a zone (read as UTC). `price_update` carries only some fields for some symbols.
 */
import { z } from 'zod';
import { decimal, optionalDecimal, optionalUtcIso, utcIsoTime } from '../kit/codecs';

export const PriceFields = z.object({
  price: optionalDecimal,
  change: optionalDecimal,
  change_pct: optionalDecimal,
  volume: optionalDecimal,
  high: optionalDecimal,
  low: optionalDecimal,
  open: optionalDecimal,
  close: optionalDecimal,
});
export type PriceFields = z.infer<typeof PriceFields>;

export const PortfolioPosition = z.object({
  symbol: z.string().min(1).optional(),
  quantity: decimal,
  average_price: decimal,
  market_price: optionalDecimal,
  unrealized_pnl: optionalDecimal,
  unrealized_pnl_pct: optionalDecimal,
});
export type PortfolioPosition = z.infer<typeof PortfolioPosition>;

export const ServerFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('price_update'),
    symbols: z.record(z.string().min(1), PriceFields),
    timestamp: optionalUtcIso,
  }),
  z.object({
    type: z.literal('signal'),
    signal_type: z.string().min(1),
    symbol: z.string().min(1),
    price: optionalDecimal,
    quantity: optionalDecimal,
    confidence: optionalDecimal,
    timestamp: utcIsoTime,
  }),
  z.object({
    type: z.literal('trade_executed'),
    symbol: z.string().min(1),
    side: z.string().min(1),
    quantity: decimal,
    price: decimal,
    timestamp: utcIsoTime,
  }),
  z.object({
    type: z.literal('portfolio_update'),
    channel: z.string().optional(),
    timestamp: optionalUtcIso,
    data: z.object({
      // A dict keyed by symbol; `{}` (or null) when flat.
      positions: z.record(z.string(), PortfolioPosition).nullish(),
      total_pnl: optionalDecimal,
      position_count: optionalDecimal,
    }),
  }),
  z.object({ type: z.literal('pong'), timestamp: optionalUtcIso }),
  z.object({
    type: z.literal('error'),
    error: z.string().optional(),
    message: z.string().optional(),
    timestamp: optionalUtcIso,
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

export const CHANNELS = ['price_updates', 'signals', 'trades', 'portfolio'] as const;
