/**
 * The trader's domain model, shared by engine, hosts and renderer.
 * Each type is declared once as a zod schema so that every trust boundary (renderer input,
 * broker frames, files on disk) can parse rather than cast. Times are epoch ms UTC.
 */
import { z } from 'zod';

export const AssetClass = z.enum(['future', 'stock', 'crypto']);
export type AssetClass = z.infer<typeof AssetClass>;

export const Instrument = z.object({
  symbol: z.string().min(1),
  name: z.string(),
  assetClass: AssetClass,
  /** Smallest price increment; every order price must be a multiple of it. */
  tickSize: z.number().positive(),
  /** Currency value of one point per contract (ES: 50). 1 for stocks and crypto. */
  multiplier: z.number().positive(),
  currency: z.string().length(3),
  /** Smallest quantity increment (1 for contracts and shares, fractional for crypto). */
  qtyStep: z.number().positive(),
  /** Digits shown for prices. */
  pricePrecision: z.number().int().min(0).max(10),
  connectionId: z.string(),
});
export type Instrument = z.infer<typeof Instrument>;

export const Quote = z.object({
  symbol: z.string(),
  connectionId: z.string(),
  bid: z.number(),
  ask: z.number(),
  last: z.number(),
  bidSize: z.number(),
  askSize: z.number(),
  /** Session open, for change %. */
  open: z.number(),
  volume: z.number(),
  /** Exchange timestamp of the quote. */
  ts: z.number(),
  /** Local receive time; quote age is measured from this. */
  receivedAt: z.number(),
});
export type Quote = z.infer<typeof Quote>;

/** Levels per side a depth snapshot carries at most. */
export const MAX_DEPTH_LEVELS = 20;
/** One price level: [price, size]. */
export const DepthLevel = z.tuple([z.number(), z.number()]);
export type DepthLevel = z.infer<typeof DepthLevel>;
/**
 * An order-book snapshot of one listing: the best levels per side (bids highest first, asks
 * lowest first), streamed only while someone watches it (the DOM ladder), latest wins.
 */
export const Depth = z.object({
  connectionId: z.string(),
  symbol: z.string(),
  bids: z.array(DepthLevel).max(MAX_DEPTH_LEVELS),
  asks: z.array(DepthLevel).max(MAX_DEPTH_LEVELS),
  /** Exchange (or venue) time of the snapshot. */
  ts: z.number(),
});
export type Depth = z.infer<typeof Depth>;

// Seconds only where the connection streams trades (bars are built from prints); 1D is a UTC day.
export const Timeframe = z.enum(['5s', '15s', '1m', '5m', '15m', '1h', '4h', '1D']);
export type Timeframe = z.infer<typeof Timeframe>;
export const timeframeMs: Record<Timeframe, number> = {
  '5s': 5_000,
  '15s': 15_000,
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1D': 86_400_000,
};

export const Bar = z.object({
  /** Bar open time, epoch ms UTC, aligned to the timeframe. */
  time: z.number(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
});
export type Bar = z.infer<typeof Bar>;

export const Side = z.enum(['buy', 'sell']);
export type Side = z.infer<typeof Side>;
export const OrderType = z.enum(['market', 'limit', 'stop', 'stop_limit', 'trailing_stop']);
export type OrderType = z.infer<typeof OrderType>;
export const TimeInForce = z.enum(['day', 'gtc', 'ioc']);
export type TimeInForce = z.infer<typeof TimeInForce>;

/**
 * pending → working → partially_filled → (filled | cancelled | rejected | expired).
 * `unknown`: the broker never answered the order call (timeout, dropped reply, "status unknown"):
 * the order may or may not exist until a lookup or the stream says which; it is never re-sent.
 */
export const OrderStatus = z.enum([
  'unknown',
  'pending',
  'working',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
  'expired',
]);
export type OrderStatus = z.infer<typeof OrderStatus>;
export const terminalOrderStatuses: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'cancelled',
  'rejected',
  'expired',
]);
export function isOrderDone(status: OrderStatus): boolean {
  return terminalOrderStatuses.has(status);
}

/**
 * Who keeps an order alive: the broker's (or exchange's) servers, a self-hosted gateway, or this
 * terminal while it runs (a terminal-managed stop dies with the app, so the UI always says so).
 */
export const HeldBy = z.enum(['broker', 'gateway', 'terminal']);
export type HeldBy = z.infer<typeof HeldBy>;

/** How a trailing stop's distance from the best price is measured. */
export const TrailBy = z.enum(['amount', 'percent', 'ticks']);
export type TrailBy = z.infer<typeof TrailBy>;

/** What the trader asks of a trailing stop. */
export const TrailingParams = z.object({
  by: TrailBy,
  /** The distance: a price amount, a percentage (1 = 1 %), or a number of ticks. */
  offset: z.number().positive().finite(),
  /** The stop starts trailing only once the market trades through this price (null: at once). */
  activationPrice: z.number().positive().finite().nullable().default(null),
});
export type TrailingParams = z.infer<typeof TrailingParams>;

/** A trailing stop as it stands: the trader's parameters plus where it is now. */
export const TrailingState = TrailingParams.extend({
  /** The stop price now (moves only in the protective direction). Null before activation. */
  stopPrice: z.number().nullable(),
  /** Best price seen since activation: the high for a sell stop, the low for a buy stop. */
  peak: z.number().nullable(),
  activated: z.boolean(),
});
export type TrailingState = z.infer<typeof TrailingState>;

/** Orders that live and die together: one-cancels-other, or an entry with its exits. */
export const OrderListType = z.enum(['oco', 'bracket']);
export type OrderListType = z.infer<typeof OrderListType>;
/** An order's part in its list: a bracket's entry, take-profit target or stop-loss; an OCO leg. */
export const OrderRole = z.enum(['entry', 'target', 'stop', 'leg']);
export type OrderRole = z.infer<typeof OrderRole>;

export const OrderListLink = z.object({
  /** The list's id (the broker's, or ours for a terminal-managed list). */
  id: z.string(),
  type: OrderListType,
  role: OrderRole,
});
export type OrderListLink = z.infer<typeof OrderListLink>;

/** A request in flight on a working order: shown until the broker confirms or refuses it. */
export const PendingAction = z.enum(['cancel', 'replace']);
export type PendingAction = z.infer<typeof PendingAction>;

export const Order = z.object({
  /** The broker's order id (primary key in the ledger). */
  id: z.string(),
  /** Our id, derived from the trader's intent, so a retry never double-submits. */
  clientOrderId: z.string(),
  connectionId: z.string(),
  accountId: z.string(),
  symbol: z.string(),
  side: Side,
  type: OrderType,
  tif: TimeInForce,
  qty: z.number().positive(),
  filledQty: z.number().min(0),
  avgFillPrice: z.number().nullable(),
  limitPrice: z.number().nullable(),
  stopPrice: z.number().nullable(),
  status: OrderStatus,
  rejectReason: z.string().nullable(),
  heldBy: HeldBy,
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Trailing parameters and live stop / peak (trailing stops only). */
  trail: TrailingState.optional(),
  /** Its OCO or bracket, when it belongs to one. */
  list: OrderListLink.optional(),
  /** The order whose fill activates this one (a bracket's exits name their entry). */
  parentId: z.string().optional(),
  /** Orders cancelled when this one fills (the other OCO leg, the other bracket exit). */
  siblingIds: z.array(z.string()).optional(),
  /** A cancel or modify the terminal sent and the broker has not answered yet. */
  pendingAction: PendingAction.optional(),
  /**
   * True on the row the order desk shows while the broker's answer is outstanding (sending, or
   * outcome unknown); its id is the client order id. Replaced by the broker's order once known.
   */
  placeholder: z.literal(true).optional(),
});
export type Order = z.infer<typeof Order>;

export const Fill = z.object({
  /** Execution id: fills are applied once per id. */
  id: z.string(),
  orderId: z.string(),
  connectionId: z.string(),
  accountId: z.string(),
  symbol: z.string(),
  side: Side,
  qty: z.number().positive(),
  price: z.number(),
  commission: z.number(),
  ts: z.number(),
  /**
   * True on a fill the ledger synthesized while reconciling (executions the broker's snapshot
   * implies but never delivered); absent on broker executions. It is replaced by the real fills
   * once they arrive, and shown as reconciled until then.
   */
  synthetic: z.literal(true).optional(),
});
export type Fill = z.infer<typeof Fill>;

/**
 * A trading signal a gateway published (BUY or SELL a symbol, with its price, size and confidence).
 * Shown to the trader and able to raise an alert; never executed by the terminal on its own.
 */
export const TradeSignal = z.object({
  /** Stable per signal: the same signal re-sent keeps its id. */
  id: z.string(),
  connectionId: z.string(),
  symbol: z.string(),
  side: Side,
  price: z.number().nullable(),
  qty: z.number().nullable(),
  /** 0..1 as the gateway reports it; null when absent. */
  confidence: z.number().nullable(),
  /** The gateway's time of the signal. */
  ts: z.number(),
  receivedAt: z.number(),
});
export type TradeSignal = z.infer<typeof TradeSignal>;

export const Position = z.object({
  key: z.string(),
  connectionId: z.string(),
  accountId: z.string(),
  symbol: z.string(),
  /** Signed: long > 0, short < 0, flat 0. */
  qty: z.number(),
  avgPrice: z.number(),
  /** Mark used for unrealized P&L; null until a live quote has arrived. */
  last: z.number().nullable(),
  /** Receive time of the mark; the UI dims P&L by its age. */
  markedAt: z.number().nullable(),
  unrealizedPnl: z.number(),
  realizedPnl: z.number(),
  fees: z.number(),
  multiplier: z.number(),
  currency: z.string(),
  /**
   * Where `last` came from: a live quote's last trade or its bid/ask mid (per instrument), or the
   * broker's own mark before any quote arrived. Null with no mark at all.
   */
  markSource: z.enum(['last', 'mid', 'broker']).nullable().default(null),
  /**
   * The average price explains only part of the quantity (a spot balance partly deposited or
   * older than the trade history the broker returns): the UI says "partial cost", never guesses.
   */
  costPartial: z.boolean().optional(),
});
export type Position = z.infer<typeof Position>;

/**
 * What a connection can do, as the adapter declares it: the ticket labels protection "broker" or
 * "terminal" from these, and the order desk refuses what a connection cannot hold.
 */
export const Capabilities = z.object({
  /** Orders can be placed through this connection (gateways may be read-only). */
  trading: z.boolean(),
  /** Working orders can be modified in place (otherwise: cancel and re-place). */
  modify: z.boolean(),
  nativeOco: z.boolean(),
  nativeTrailingStop: z.boolean(),
  nativeBracket: z.boolean(),
  /** A snapshot can be fetched after a reconnect to reconcile the ledger. */
  snapshotResync: z.boolean(),
  /** Historical bars are available for charts. */
  history: z.boolean(),
  /** Order-book depth (several levels per side) can be streamed; otherwise sizes at the touch only. */
  depth: z.boolean().optional(),
});
export type Capabilities = z.infer<typeof Capabilities>;

export const AccountMode = z.enum(['paper', 'demo', 'live']);
export type AccountMode = z.infer<typeof AccountMode>;

export const Account = z.object({
  connectionId: z.string(),
  accountId: z.string(),
  name: z.string(),
  mode: AccountMode,
  currency: z.string(),
  cash: z.number(),
  equity: z.number(),
  realizedPnl: z.number(),
  unrealizedPnl: z.number(),
  fees: z.number(),
  dayPnl: z.number(),
  /** False until the ledger has reconciled a snapshot after the last (re)connect. */
  verified: z.boolean(),
});
export type Account = z.infer<typeof Account>;

export const ConnectionState = z.enum([
  'idle',
  'connecting',
  'authenticating',
  'syncing',
  'live',
  'stale',
  'backoff',
  'stopped',
  'failed',
]);
export type ConnectionState = z.infer<typeof ConnectionState>;

/** Request weight at a broker that meters it (Binance): the terminal holds back before the limit. */
export const RateLimitHeadroom = z.object({
  used: z.number(),
  limit: z.number(),
  /** Share of the window's weight still free, 0–100. */
  headroomPct: z.number(),
  /** Epoch ms until which the broker told us to stop (429 / 418), or null. */
  blockedUntil: z.number().nullable(),
});
export type RateLimitHeadroom = z.infer<typeof RateLimitHeadroom>;

export const ConnectionHealth = z.object({
  id: z.string(),
  /** Adapter kind: paper, portfolio-stream, tradovate, … */
  kind: z.string(),
  label: z.string(),
  mode: AccountMode,
  state: ConnectionState,
  /** When the current state was entered. */
  since: z.number(),
  rttMs: z.number().nullable(),
  lagMs: z.number().nullable(),
  clockOffsetMs: z.number().nullable(),
  lastMessageAt: z.number().nullable(),
  messagesPerSec: z.number(),
  reconnects: z.number().int(),
  attempt: z.number().int(),
  nextRetryAt: z.number().nullable(),
  lastError: z.string().nullable(),
  /** When `lastError` was set (epoch ms); null without an error. */
  lastErrorAt: z.number().nullable(),
  malformedFrames: z.number().int(),
  /**
   * Orders can be placed through this connection (set by the engine from the adapter's
   * capabilities; absent while unknown). Read-only gateways are false.
   */
  trading: z.boolean().optional(),
  /** What the connection can hold at its broker (set by the engine; absent while unknown). */
  capabilities: Capabilities.optional(),
  /** Recent RTT samples, oldest first, for the sparkline. */
  rttHistory: z.array(z.number()),
  lagHistory: z.array(z.number()),
  /** Request-weight headroom, where the broker meters requests (absent elsewhere). */
  rateLimit: RateLimitHeadroom.optional(),
});
export type ConnectionHealth = z.infer<typeof ConnectionHealth>;

/**
 * A connection's health before anything has been measured: every figure unknown (null) or zero.
 * Connections spread their own measurements over it, so a new health field gets one default here.
 */
export function blankHealth(
  identity: Pick<ConnectionHealth, 'id' | 'kind' | 'label' | 'mode' | 'state' | 'since'>,
): ConnectionHealth {
  return {
    ...identity,
    rttMs: null,
    lagMs: null,
    clockOffsetMs: null,
    lastMessageAt: null,
    messagesPerSec: 0,
    reconnects: 0,
    attempt: 0,
    nextRetryAt: null,
    lastError: null,
    lastErrorAt: null,
    malformedFrames: 0,
    rttHistory: [],
    lagHistory: [],
  };
}
