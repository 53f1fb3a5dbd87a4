/**
 * What the engine needs from a connection to a broker or gateway, whatever its transport.
 * The paper broker implements it in-process; socket adapters implement it under a Supervisor.
 * A connection never keeps its own copy of orders or positions: it emits events into the
 * engine's Ledger, which is the single source of truth.
 */
import type {
  AccountMode,
  Bar,
  ConnectionHealth,
  Fill,
  Instrument,
  Order,
  Quote,
  Side,
  Timeframe,
} from '../../shared/domain';
import type { ParsedRequestOf, Result } from '../../shared/contract';

export interface Capabilities {
  /** Orders can be placed through this connection (gateways may be read-only). */
  trading: boolean;
  nativeOco: boolean;
  nativeTrailingStop: boolean;
  nativeBracket: boolean;
  /** A snapshot can be fetched after a reconnect to reconcile the ledger. */
  snapshotResync: boolean;
  /** Historical bars are available for charts. */
  history: boolean;
}

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
  | { type: 'trade'; symbol: string; price: number; size: number; ts: number }
  | { type: 'order'; order: Order }
  | { type: 'fill'; fill: Fill }
  | { type: 'position'; position: ReportedPosition }
  | { type: 'account'; account: ReportedAccount }
  | { type: 'resync'; snapshot: ResyncSnapshot }
  /** The connection's link went down: its accounts are unverified until the next resync. */
  | { type: 'unverified' }
  | { type: 'health'; health: ConnectionHealth };

export type ConnectionSink = (connectionId: string, event: ConnectionEvent) => void;

export type PlaceOrder = ParsedRequestOf<'term:orders.place'> & { clientOrderId: string };
export type ModifyOrder = ParsedRequestOf<'term:orders.modify'>;

export interface Connection {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly mode: AccountMode;
  readonly capabilities: Capabilities;
  /** Begin connecting; events flow into `sink` until `stop()`. */
  start(sink: ConnectionSink): Promise<void>;
  stop(): Promise<void>;
  health(): ConnectionHealth;
  /** The user's "reconnect now": cut any backoff wait short. */
  reconnect(): void;
  /** The user's "disconnect": stop and stay stopped until reconnect. */
  disconnect(): void;
  placeOrder(order: PlaceOrder): Promise<Result<Order>>;
  modifyOrder(existing: Order, change: ModifyOrder): Promise<Result<Order>>;
  cancelOrder(existing: Order): Promise<Result<Order>>;
  /** Bars up to now, oldest first. Only when `capabilities.history`. */
  history?(symbol: string, timeframe: Timeframe, count: number): Promise<Bar[]>;
}

export type { Side };
