/**
 * Tradovate wire shapes as zod schemas (brokers.md §1.4–1.8), read tolerantly: unknown fields are
 * kept out of the way (loose objects), numbers may come as strings, ids as numbers or strings,
 * `entity` as one object or an array, optional fields absent or null.
 */
import { z } from 'zod';
import { decimal, isoTime, listOf, optionalDecimal, optionalIso } from '../kit/codecs';

/** Ids are integers on the wire; some clients see them as strings. Kept as strings inside. */
export const wireId = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform((v) => String(v));
const optionalId = z.union([wireId, z.null()]).optional();

/** A reply: `{"s": status, "i": requestId, "d": body}` (no `d` for `authorize`). */
export const Reply = z.looseObject({
  s: z.number().int(),
  i: z.union([z.number().int(), z.null()]),
  d: z.unknown().optional(),
});
export type Reply = z.infer<typeof Reply>;

/** An event: `{"e": kind, "d": …}`. */
export const Event = z.looseObject({ e: z.string(), d: z.unknown() });

export const Penalty = z.looseObject({
  'p-ticket': z.string(),
  'p-time': decimal.optional(),
  'p-captcha': z.boolean().optional(),
});
export type Penalty = z.infer<typeof Penalty>;

export const AccessToken = z.looseObject({
  accessToken: z.string().min(1),
  mdAccessToken: z.string().min(1).optional(),
  expirationTime: isoTime,
  userId: z.union([z.number(), z.string()]).optional(),
  name: z.string().optional(),
  userStatus: z.string().optional(),
});
export type AccessToken = z.infer<typeof AccessToken>;

export const ErrorText = z.looseObject({ errorText: z.string() });

// ---- entities (only the fields the terminal uses; the rest is ignored) -------------------------

export const OrderEntity = z.looseObject({
  id: wireId,
  accountId: wireId,
  contractId: wireId,
  timestamp: isoTime,
  action: z.enum(['Buy', 'Sell']),
  ordStatus: z.string(),
  ocoId: optionalId,
  parentId: optionalId,
  linkedId: optionalId,
});
export type OrderEntity = z.infer<typeof OrderEntity>;

export const OrderVersionEntity = z.looseObject({
  id: wireId,
  orderId: wireId,
  orderQty: decimal,
  orderType: z.string(),
  price: optionalDecimal,
  stopPrice: optionalDecimal,
  pegDifference: optionalDecimal,
  timeInForce: z.string().nullish(),
  text: z.string().nullish(),
});
export type OrderVersionEntity = z.infer<typeof OrderVersionEntity>;

export const CommandEntity = z.looseObject({
  id: wireId,
  orderId: wireId,
  timestamp: optionalIso,
  clOrdId: z.string().nullish(),
  commandType: z.string().nullish(),
});
export type CommandEntity = z.infer<typeof CommandEntity>;

export const CommandReportEntity = z.looseObject({
  id: wireId,
  commandId: wireId,
  timestamp: optionalIso,
  commandStatus: z.string().nullish(),
  rejectReason: z.string().nullish(),
  text: z.string().nullish(),
});

export const ExecutionReportEntity = z.looseObject({
  id: wireId,
  orderId: wireId,
  timestamp: isoTime,
  execType: z.string(),
  ordStatus: z.string().nullish(),
  rejectReason: z.string().nullish(),
  text: z.string().nullish(),
});

export const FillEntity = z.looseObject({
  id: wireId,
  orderId: wireId,
  contractId: wireId,
  timestamp: isoTime,
  action: z.enum(['Buy', 'Sell']),
  qty: decimal,
  price: decimal,
  active: z.boolean().nullish(),
});
export type FillEntity = z.infer<typeof FillEntity>;

export const PositionEntity = z.looseObject({
  id: wireId,
  accountId: wireId,
  contractId: wireId,
  timestamp: isoTime,
  netPos: decimal,
  netPrice: optionalDecimal,
  /** Yesterday's settlement. Parsed only so it can be ignored on purpose: never a mark (seed 000). */
  prevPrice: optionalDecimal,
});
export type PositionEntity = z.infer<typeof PositionEntity>;

export const CashBalanceEntity = z.looseObject({
  id: wireId,
  accountId: wireId,
  timestamp: optionalIso,
  amount: decimal,
  realizedPnL: optionalDecimal,
});
export type CashBalanceEntity = z.infer<typeof CashBalanceEntity>;

export const AccountEntity = z.looseObject({ id: wireId, name: z.string(), active: z.boolean().nullish() });
export type AccountEntity = z.infer<typeof AccountEntity>;

export const ContractEntity = z.looseObject({
  id: wireId,
  name: z.string().min(1),
  contractMaturityId: wireId,
});
export type ContractEntity = z.infer<typeof ContractEntity>;

export const MaturityEntity = z.looseObject({ id: wireId, productId: wireId });
export type MaturityEntity = z.infer<typeof MaturityEntity>;

export const ProductEntity = z.looseObject({
  id: wireId,
  name: z.string(),
  description: z.string().nullish(),
  tickSize: decimal,
  valuePerPoint: decimal,
  currencyId: z.union([z.number(), z.string()]).nullish(),
});
export type ProductEntity = z.infer<typeof ProductEntity>;

/** `user/syncrequest`'s answer: every list optional (presence depends on the API key's rights). */
export const SyncMessage = z.looseObject({
  users: listOf(z.looseObject({ id: wireId })),
  accounts: listOf(AccountEntity),
  cashBalances: listOf(CashBalanceEntity),
  positions: listOf(PositionEntity),
  orders: listOf(OrderEntity),
  orderVersions: listOf(OrderVersionEntity),
  commands: listOf(CommandEntity),
  commandReports: listOf(CommandReportEntity),
  executionReports: listOf(ExecutionReportEntity),
  fills: listOf(FillEntity),
  contracts: listOf(ContractEntity),
  contractMaturities: listOf(MaturityEntity),
  products: listOf(ProductEntity),
});
export type SyncMessage = z.infer<typeof SyncMessage>;

/** A `props` event; `entity` may be one object or an array of them (brokers.md §1.8). */
export const PropsData = z.looseObject({
  entityType: z.string(),
  eventType: z.string(),
  entity: z.union([z.array(z.unknown()), z.unknown()]),
});

const QuoteEntry = z.looseObject({ price: optionalDecimal, size: optionalDecimal });
export const QuoteData = z.looseObject({
  timestamp: optionalIso,
  contractId: wireId,
  entries: z.record(z.string(), z.union([QuoteEntry, z.null()])).nullish(),
});
export type QuoteData = z.infer<typeof QuoteData>;

export const MdData = z.looseObject({ quotes: listOf(QuoteData) });

export const ChartBar = z.looseObject({
  timestamp: isoTime,
  open: decimal,
  high: decimal,
  low: decimal,
  close: decimal,
  upVolume: optionalDecimal,
  downVolume: optionalDecimal,
});
export const ChartPacket = z.looseObject({
  id: z.number().int(),
  eoh: z.boolean().optional(),
  bars: listOf(ChartBar),
});
export const ChartData = z.looseObject({ charts: listOf(ChartPacket) });

export const ShutdownData = z.looseObject({ reasonCode: z.string().nullish(), reason: z.string().nullish() });

export const GetChartReply = z.looseObject({
  historicalId: z.number().int(),
  realtimeId: z.number().int().optional(),
});

/** `{orderId}` on success, `{failureReason, failureText}` (HTTP 200) on a business refusal. */
export const PlaceReply = z.looseObject({
  orderId: wireId.optional(),
  failureReason: z.string().nullish(),
  failureText: z.string().nullish(),
});
export const CommandReply = z.looseObject({
  commandId: wireId.optional(),
  failureReason: z.string().nullish(),
  failureText: z.string().nullish(),
});
