/**
 * The demo exchange's wire format (`sim/demo-exchange/`) as zod schemas. Trading socket: we send
 * one JSON request per frame `{id, op, …}`; the server sends a JSON array of messages per frame,
 * replies `{id, status, result | error}` and events `{event, seq, data}`. Market socket: one quote
 * object per frame, or a heartbeat `{e: "hb", t}`.
 */
import { z } from 'zod';
import { AssetClass } from '../../../../shared/domain';
import { decimal, isoTime, optionalDecimal } from '../kit/codecs';

export const OrderData = z.object({
  id: z.string().min(1),
  clientOrderId: z.string().nullable(),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['market', 'limit', 'stop', 'stop_limit', 'trailing_stop']),
  qty: decimal,
  filledQty: decimal,
  avgFillPrice: optionalDecimal,
  limitPrice: optionalDecimal,
  stopPrice: optionalDecimal,
  status: z.enum(['pending', 'working', 'partially_filled', 'filled', 'cancelled', 'expired']),
  /** The sim does not echo it; its default is good-till-cancelled. */
  tif: z.enum(['day', 'gtc', 'ioc']).optional(),
  ocoWith: z.string().nullable().optional(),
  parentId: z.string().nullable().optional(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type OrderData = z.infer<typeof OrderData>;

export const FillData = z.object({
  id: z.string().min(1),
  orderId: z.string().min(1),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  qty: decimal,
  price: decimal,
  ts: isoTime,
});
export type FillData = z.infer<typeof FillData>;

export const PositionData = z.object({ symbol: z.string().min(1), qty: decimal, avgPrice: decimal });
export type PositionData = z.infer<typeof PositionData>;

export const AccountData = z.object({ cash: decimal, equity: decimal, ts: isoTime });
export type AccountData = z.infer<typeof AccountData>;

export const InstrumentData = z.object({
  symbol: z.string().min(1),
  name: z.string(),
  assetClass: AssetClass,
  tickSize: decimal,
  multiplier: decimal,
  currency: z.string(),
  qtyStep: decimal,
  pricePrecision: z.number().int().min(0).max(10),
});
export type InstrumentData = z.infer<typeof InstrumentData>;

/** The `snapshot` reply: everything a resync needs. */
export const SnapshotData = z.object({
  account: AccountData,
  positions: z.array(PositionData),
  orders: z.array(OrderData),
  fills: z.array(FillData),
  instruments: z.array(InstrumentData),
});
export type SnapshotData = z.infer<typeof SnapshotData>;

export const Reply = z.object({
  id: z.number().int().nullable(),
  status: z.number().int(),
  result: z.unknown().optional(),
  error: z.string().optional(),
});

const seq = z.number().int();

export const TradingEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('order'), seq, data: OrderData }),
  z.object({ event: z.literal('fill'), seq, data: FillData }),
  z.object({ event: z.literal('position'), seq, data: PositionData.extend({ ts: isoTime }) }),
  z.object({ event: z.literal('account'), seq, data: AccountData }),
  /** Sent right before the server closes the socket (a connection-quota kick). */
  z.object({ event: z.literal('shutdown'), data: z.object({ reason: z.string() }) }),
]);
export type TradingEvent = z.infer<typeof TradingEvent>;

/** One message of a trading frame (frames are arrays; each message is parsed on its own). */
export const TradingMessage = z.union([Reply, TradingEvent]);
export type TradingMessage = z.infer<typeof TradingMessage>;

export const TradingFrame = z.array(z.unknown());

export const MarketFrame = z.union([
  z.object({ e: z.literal('hb'), t: isoTime }),
  z.object({
    s: z.string().min(1),
    b: decimal,
    a: decimal,
    B: decimal,
    A: decimal,
    l: decimal,
    o: decimal,
    v: decimal,
    t: isoTime,
  }),
]);
export type MarketFrame = z.infer<typeof MarketFrame>;

/** What `setInterest` hands the link: the whole set, which replaces the subscription. */
export const SubscribeRequest = z.object({ symbols: z.array(z.string()) });

export const PingResult = z.object({ ts: isoTime });
export const AuthResult = z.object({ user: z.string().min(1) });
export const OrderList = z.array(OrderData);

/** The `login` reply of `POST {rest}/session`. */
export const LoginResult = z.object({ token: z.string().min(1) });
