/**
 * Binance Spot frames and REST bodies as zod schemas (`protocols/brokers.md` §3): WebSocket API
 * replies and user-data events, and the REST answers a resync reads. Market stream frames are not
 * here: they arrive thousands of times a second and are checked field by field in `market.ts`.
 * Amounts stay decimal strings (`amount`) until `units.ts` reads them exactly.
 */
import { z } from 'zod';

/** A Binance decimal string ("0.00100000"); read exactly by `units.ts`, never with a bare `Number`. */
export const amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'not a decimal string');

export const RateLimit = z.object({
  rateLimitType: z.string(),
  interval: z.string(),
  intervalNum: z.number(),
  limit: z.number(),
  count: z.number().optional(),
});
export type RateLimit = z.infer<typeof RateLimit>;

/** Any frame of the WebSocket API socket: a reply (`id` + `status`) or an event. */
export const ApiFrame = z.object({
  id: z.union([z.number(), z.string(), z.null()]).optional(),
  status: z.number().optional(),
  result: z.unknown().optional(),
  error: z
    .object({
      code: z.number(),
      msg: z.string(),
      data: z.object({ retryAfter: z.number() }).partial().optional(),
    })
    .optional(),
  retryAfter: z.number().optional(),
  rateLimits: z.array(RateLimit).optional(),
  subscriptionId: z.number().optional(),
  event: z.looseObject({ e: z.string(), E: z.number().optional() }).optional(),
});
export type ApiFrame = z.infer<typeof ApiFrame>;

export const ExecutionReport = z.looseObject({
  e: z.literal('executionReport'),
  E: z.number(),
  s: z.string(),
  c: z.string(),
  S: z.enum(['BUY', 'SELL']),
  o: z.string(),
  f: z.string(),
  q: amount,
  p: amount,
  P: amount,
  g: z.number(),
  C: z.string().nullish(),
  x: z.string(),
  X: z.string(),
  r: z.string().optional(),
  i: z.number(),
  l: amount,
  z: amount,
  L: amount,
  n: amount,
  N: z.string().nullable(),
  T: z.number(),
  t: z.number(),
  O: z.number(),
  Z: amount,
  d: z.number().optional(),
  eR: z.string().optional(),
});
export type ExecutionReport = z.infer<typeof ExecutionReport>;

export const ListStatus = z.looseObject({
  e: z.literal('listStatus'),
  E: z.number(),
  s: z.string(),
  g: z.number(),
  c: z.string(),
  l: z.string(),
  L: z.string(),
  C: z.string(),
  T: z.number(),
  O: z.array(z.object({ s: z.string(), i: z.number(), c: z.string() })),
});
export type ListStatus = z.infer<typeof ListStatus>;

export const OutboundAccountPosition = z.looseObject({
  e: z.literal('outboundAccountPosition'),
  E: z.number(),
  u: z.number(),
  B: z.array(z.object({ a: z.string(), f: amount, l: amount })),
});
export type OutboundAccountPosition = z.infer<typeof OutboundAccountPosition>;

export const BalanceUpdate = z.looseObject({
  e: z.literal('balanceUpdate'),
  E: z.number(),
  a: z.string(),
  d: amount,
  T: z.number(),
});

export const UserEvent = z.discriminatedUnion('e', [
  ExecutionReport,
  ListStatus,
  OutboundAccountPosition,
  BalanceUpdate,
  z.looseObject({ e: z.literal('eventStreamTerminated'), E: z.number() }),
  z.looseObject({ e: z.literal('serverShutdown'), E: z.number() }),
  z.looseObject({ e: z.literal('externalLockUpdate'), E: z.number() }),
]);
export type UserEvent = z.infer<typeof UserEvent>;

/** An order as `order.place` / `order.status` / `GET openOrders` answer. */
export const OrderBody = z.looseObject({
  symbol: z.string(),
  orderId: z.number(),
  orderListId: z.number().optional(),
  clientOrderId: z.string(),
  price: amount,
  origQty: amount,
  executedQty: amount,
  cummulativeQuoteQty: amount,
  status: z.string(),
  timeInForce: z.string(),
  type: z.string(),
  side: z.enum(['BUY', 'SELL']),
  stopPrice: amount.optional(),
  trailingDelta: z.number().optional(),
  time: z.number().optional(),
  transactTime: z.number().optional(),
  updateTime: z.number().optional(),
  workingTime: z.number().optional(),
});
export type OrderBody = z.infer<typeof OrderBody>;

export const OrderListBody = z.looseObject({
  orderListId: z.number(),
  contingencyType: z.string(),
  listClientOrderId: z.string(),
  orders: z.array(z.object({ symbol: z.string(), orderId: z.number(), clientOrderId: z.string() })),
  orderReports: z.array(OrderBody).optional(),
});
export type OrderListBody = z.infer<typeof OrderListBody>;

export const TradeBody = z.looseObject({
  symbol: z.string(),
  id: z.number(),
  orderId: z.number(),
  price: amount,
  qty: amount,
  quoteQty: amount,
  commission: amount,
  commissionAsset: z.string(),
  time: z.number(),
  isBuyer: z.boolean(),
});
export type TradeBody = z.infer<typeof TradeBody>;

export const AccountBody = z.looseObject({
  balances: z.array(z.object({ asset: z.string(), free: amount, locked: amount })),
  uid: z.number().optional(),
});

const Filter = z.looseObject({ filterType: z.string() });

export const ExchangeInfoBody = z.looseObject({
  symbols: z.array(
    z.looseObject({
      symbol: z.string(),
      status: z.string(),
      baseAsset: z.string(),
      quoteAsset: z.string(),
      filters: z.array(Filter),
    }),
  ),
});
export type ExchangeInfoBody = z.infer<typeof ExchangeInfoBody>;

export const ServerTime = z.object({ serverTime: z.number() });
export const SubscriptionResult = z.object({ subscriptionId: z.number() });

/** `[openTime, open, high, low, close, volume, closeTime, …]`. */
export const Klines = z.array(
  z.tuple([z.number(), amount, amount, amount, amount, amount]).rest(z.unknown()),
);
