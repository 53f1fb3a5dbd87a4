/**
 * The engine's push stream: one full snapshot on request, then `seq`-numbered batches, one per
 * flush window. A consumer that sees `seq` jump asks for a new snapshot (see `StreamReader`).
 */
import { z } from 'zod';
import {
  Account,
  Bar,
  ConnectionHealth,
  Depth,
  Fill,
  Instrument,
  Order,
  Position,
  Quote,
  type Timeframe,
} from './domain';

export const SeriesKey = z.string(); // `${symbol}|${timeframe}`
export function seriesKey(symbol: string, timeframe: Timeframe): string {
  return `${symbol}|${timeframe}`;
}

export const FormingBar = z.object({
  series: SeriesKey,
  bar: Bar,
});
export type FormingBar = z.infer<typeof FormingBar>;

/**
 * An alert is state, not a message: it stays in the snapshot while active or unacknowledged, so a
 * client that missed the batch that raised it (a sequence gap, a reload) still sees it. A batch
 * carries every alert whose state changed.
 */
export const Alert = z.object({
  id: z.string(),
  ts: z.number(),
  level: z.enum(['info', 'warning', 'critical']),
  title: z.string(),
  message: z.string(),
  /** The condition still holds (a feed still stale); false once it cleared. */
  active: z.boolean().default(true),
  /** The trader has seen it. An inactive acknowledged alert leaves the snapshot. */
  acknowledged: z.boolean().default(false),
  /** The rule that raised it (absent for the engine's own alerts, e.g. reconciliation). */
  ruleId: z.string().optional(),
  /** What a click on it should show. */
  symbol: z.string().optional(),
  connectionId: z.string().optional(),
  /** Play a sound when it arrives. */
  sound: z.boolean().optional(),
  /** Raised while alerts were paused: listed, but no notification, toast or sound. */
  muted: z.boolean().optional(),
});
export type Alert = z.infer<typeof Alert>;

export const Snapshot = z.object({
  kind: z.literal('snapshot'),
  seq: z.number().int(),
  sentAt: z.number(),
  instruments: z.array(Instrument),
  quotes: z.array(Quote),
  orders: z.array(Order),
  /** Most recent fills, newest last; bounded. */
  fills: z.array(Fill),
  positions: z.array(Position),
  accounts: z.array(Account),
  connections: z.array(ConnectionHealth),
  bars: z.array(FormingBar),
  /** Alerts still active or not yet acknowledged. */
  alerts: z.array(Alert).default([]),
  /** Latest order book per watched listing (only where the connection streams depth). */
  depth: z.array(Depth).optional(),
});
export type Snapshot = z.infer<typeof Snapshot>;

/**
 * Entities that no longer exist (a removed connection and everything it reported, a reconciled
 * fill replaced by the broker's real ones). A consumer applies removals before the upserts of the
 * same batch: a key removed and then re-created within one window appears in both.
 */
export const Removed = z.object({
  connections: z.array(z.string()),
  /** `${connectionId}:${accountId}` */
  accounts: z.array(z.string()),
  /** Position keys (`positionKey`). */
  positions: z.array(z.string()),
  /** `${connectionId}:${orderId}` */
  orders: z.array(z.string()),
  /** `${connectionId}:${fillId}` */
  fills: z.array(z.string()),
});
export type Removed = z.infer<typeof Removed>;

export function emptyRemoved(): Removed {
  return { connections: [], accounts: [], positions: [], orders: [], fills: [] };
}

export function isRemovedEmpty(r: Removed): boolean {
  return (
    r.connections.length === 0 &&
    r.accounts.length === 0 &&
    r.positions.length === 0 &&
    r.orders.length === 0 &&
    r.fills.length === 0
  );
}

export const Batch = z.object({
  kind: z.literal('batch'),
  seq: z.number().int(),
  sentAt: z.number(),
  /** Latest quote per symbol in the window (conflated). */
  quotes: z.array(Quote),
  /** Latest order book per watched listing in the window (conflated like quotes). */
  depth: z.array(Depth).optional(),
  /** Forming bar per subscribed series, latest state only. */
  bars: z.array(FormingBar),
  /** Everything below is lossless: every changed entity, latest state. */
  orders: z.array(Order),
  fills: z.array(Fill),
  positions: z.array(Position),
  accounts: z.array(Account),
  connections: z.array(ConnectionHealth),
  /** Instruments that appeared since the last batch (a new connection's symbols). */
  instruments: z.array(Instrument),
  alerts: z.array(Alert),
  /** Lossless too, and never split across batches (ids only, and rare: user actions, reconciliation). */
  removed: Removed,
});
export type Batch = z.infer<typeof Batch>;

export type StreamMessage = Snapshot | Batch;

export function emptyBatch(seq: number, sentAt: number): Batch {
  return {
    kind: 'batch',
    seq,
    sentAt,
    quotes: [],
    bars: [],
    orders: [],
    fills: [],
    positions: [],
    accounts: [],
    connections: [],
    instruments: [],
    alerts: [],
    removed: emptyRemoved(),
  };
}
