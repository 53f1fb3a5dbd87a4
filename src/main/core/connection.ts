/**
 * What the engine needs from a connection to a broker or gateway, whatever its transport.
 * The paper broker implements it in-process; socket adapters implement it under a Supervisor.
 * A connection never keeps its own copy of orders or positions: it emits events into the
 * engine's Ledger, which is the single source of truth.
 */
import type {
  AccountMode,
  Bar,
  Capabilities,
  ConnectionHealth,
  Depth,
  Fill,
  Instrument,
  Order,
  OrderListType,
  OrderRole,
  Quote,
  Timeframe,
  TradeSignal,
} from '../../shared/domain';
import type { ParsedRequestOf } from '../../shared/contract';

export type { Capabilities };

/** A position as a broker reports it (gateways send positions, not fills). */
export interface ReportedPosition {
  accountId: string;
  symbol: string;
  qty: number;
  avgPrice: number;
  /** Broker's own mark, used only until a live quote arrives. */
  mark: number | null;
  markedAt: number | null;
  realizedPnl?: number;
  /** The average price covers only part of the quantity (see `Position.costPartial`). */
  costPartial?: boolean;
}

export interface ReportedAccount {
  accountId: string;
  name: string;
  currency: string;
  cash: number;
  /** Broker-reported equity and day P&L when the broker computes them (gateways). */
  equity?: number;
  dayPnl?: number;
  startOfDayEquity?: number;
  /**
   * A spot account (Binance): cash already paid for its positions, so the ledger counts equity as
   * cash plus their market value instead of cash plus unrealized P&L.
   */
  spot?: boolean;
}

/** A full picture after (re)connect: the ledger reconciles against it, then marks the account verified. */
export interface ResyncSnapshot {
  accounts: ReportedAccount[];
  orders: Order[];
  fills: Fill[];
  /** Present when the broker reports positions; otherwise the ledger derives them from fills. */
  positions?: ReportedPosition[];
}

export type ConnectionEvent =
  | { type: 'instrument'; instrument: Instrument }
  | { type: 'quote'; quote: Quote }
  /** An order-book snapshot (only for listings in the depth interest, only with `capabilities.depth`). */
  | { type: 'depth'; depth: Depth }
  | { type: 'trade'; symbol: string; price: number; size: number; ts: number }
  | { type: 'order'; order: Order }
  | { type: 'fill'; fill: Fill }
  | { type: 'position'; position: ReportedPosition }
  | { type: 'account'; account: ReportedAccount }
  | { type: 'resync'; snapshot: ResyncSnapshot }
  /** The connection's link went down: its accounts are unverified until the next resync. */
  | { type: 'unverified' }
  | { type: 'health'; health: ConnectionHealth }
  /**
   * A gateway's trading signal (the `signals` kind): for the signals panel and the alert engine's
   * `signal` rule. The ledger ignores it; nothing is ever executed from it.
   */
  | { type: 'signal'; signal: TradeSignal };

export type ConnectionSink = (connectionId: string, event: ConnectionEvent) => void;

/** An order as the desk sends it: checked, rounded to the grid, with its client order id. */
export type PlaceOrder = Omit<ParsedRequestOf<'term:orders.place'>, 'clientOrderId'> & {
  clientOrderId: string;
};
/** A modify as the desk sends it: checked and rounded, with the key that makes a retry idempotent. */
export interface ModifyOrder {
  qty?: number;
  limitPrice?: number;
  stopPrice?: number;
  idempotencyKey: string;
}
export interface CancelOrder {
  idempotencyKey: string;
}

/**
 * A broker's answer to an order call. `accepted` carries the broker's order id (and its view of
 * the order when the reply includes one; otherwise the stream will report it); `rejected` the
 * broker's reason; `unknown` means the call may or may not have taken effect (a timeout, a dropped
 * reply, a 5xx or "status unknown"): the desk resolves it by lookup, never by sending again.
 */
export type OrderAck =
  | { status: 'accepted'; brokerOrderId: string; order?: Order }
  | { status: 'rejected'; code: string; reason: string }
  | { status: 'unknown'; reason: string };

/**
 * A native order list (OCO pair, bracket) as the protection engine sends it: each order carries
 * its role and its derived client order id; the broker links them itself.
 */
export interface PlaceOrderList {
  id: string;
  type: OrderListType;
  orders: (PlaceOrder & { role: OrderRole })[];
}

/** A broker's answer to a list call: every order of the list, or none. */
export type OrderListAck =
  | { status: 'accepted'; orders: Order[] }
  | { status: 'rejected'; code: string; reason: string }
  | { status: 'unknown'; reason: string };

/** What the broker knows of an order by our client order id. */
export type OrderLookup =
  { status: 'found'; order: Order } | { status: 'not_found' } | { status: 'unknown'; reason: string };

/** A connection that holds nothing at a broker and cannot trade (read-only, not running). */
export const NO_CAPABILITIES: Capabilities = {
  trading: false,
  modify: false,
  nativeOco: false,
  nativeTrailingStop: false,
  nativeBracket: false,
  snapshotResync: false,
  history: false,
};

/** A gateway that streams what it holds and takes no orders; its snapshot reconciles a reconnect. */
export const READ_ONLY_GATEWAY: Capabilities = { ...NO_CAPABILITIES, snapshotResync: true };

/** A definite refusal made before anything reached a broker. */
export function refused(code: string, reason: string): OrderAck {
  return { status: 'rejected', code, reason };
}

export interface Connection {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly mode: AccountMode;
  readonly capabilities: Capabilities;
  /** Who keeps orders placed through it alive: a broker (default) or a self-hosted gateway. */
  readonly heldBy?: 'broker' | 'gateway';
  /** Begin connecting; events flow into `sink` until `stop()`. */
  start(sink: ConnectionSink): Promise<void>;
  stop(): Promise<void>;
  health(): ConnectionHealth;
  /** The user's "reconnect now": cut any backoff wait short. */
  reconnect(): void;
  /** The user's "disconnect": stop and stay stopped until reconnect. */
  disconnect(): void;
  placeOrder(order: PlaceOrder): Promise<OrderAck>;
  modifyOrder(existing: Order, change: ModifyOrder): Promise<OrderAck>;
  cancelOrder(existing: Order, cancel: CancelOrder): Promise<OrderAck>;
  /**
   * Places an OCO pair or a bracket the broker holds natively (only with `nativeOco` /
   * `nativeBracket`). Without it the terminal manages lists itself.
   */
  placeOrderList?(list: PlaceOrderList): Promise<OrderListAck>;
  /** Resolves an unknown outcome: asks the broker for the order placed under our id. */
  lookupOrder(clientOrderId: string, accountId: string): Promise<OrderLookup>;
  /**
   * The symbols the terminal needs streamed (watchlist, open charts, positions, working orders,
   * protection triggers). Connections that stream everything may ignore it.
   */
  setInterest?(symbols: ReadonlySet<string>): void;
  /**
   * The symbols whose order book the terminal wants (a DOM ladder is open on them); always a
   * subset of the interest set. Only connections with `capabilities.depth` stream it.
   */
  setDepthInterest?(symbols: ReadonlySet<string>): void;
  /**
   * Bars up to now, oldest first. Only when `capabilities.history`. A timeframe the connection
   * has no bars for throws `UnsupportedTimeframe` (never bars of another length).
   */
  history?(symbol: string, timeframe: Timeframe, count: number): Promise<Bar[]>;
  /**
   * Older bars for scrolling back: at most `count` bars that open before `before` (epoch ms),
   * oldest first; empty when there are none. Absent when the connection cannot page history.
   */
  historyBefore?(symbol: string, timeframe: Timeframe, before: number, count: number): Promise<Bar[]>;
}

/** A connection asked for bars of a length it does not serve (e.g. seconds from a kline API). */
export class UnsupportedTimeframe extends Error {
  constructor(readonly timeframe: Timeframe) {
    super(`no ${timeframe} bars`);
    this.name = 'UnsupportedTimeframe';
  }
}
