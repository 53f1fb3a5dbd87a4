/**
 * The engine's push stream: one full snapshot on request, then `seq`-numbered batches, one per
 * flush window. A consumer that sees `seq` jump asks for a new snapshot (see `StreamReader`).
 */
import { z } from 'zod';
import {
  Account,
  Bar,
  ConnectionHealth,
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

export const Alert = z.object({
  id: z.string(),
  ts: z.number(),
  level: z.enum(['info', 'warning', 'critical']),
  title: z.string(),
  message: z.string(),
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
});
export type Snapshot = z.infer<typeof Snapshot>;

export const Batch = z.object({
  kind: z.literal('batch'),
  seq: z.number().int(),
  sentAt: z.number(),
  /** Latest quote per symbol in the window (conflated). */
  quotes: z.array(Quote),
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
  };
}

export function isBatchEmpty(b: Batch): boolean {
  return (
    b.quotes.length === 0 &&
    b.bars.length === 0 &&
    b.orders.length === 0 &&
    b.fills.length === 0 &&
    b.positions.length === 0 &&
    b.accounts.length === 0 &&
    b.connections.length === 0 &&
    b.instruments.length === 0 &&
    b.alerts.length === 0
  );
}
