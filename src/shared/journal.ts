/**
 * The trade journal's shapes: round trips paired from fills (FIFO per account and symbol), their
 * totals, and the CSV exports. Made in main from the fills journal in the data directory; the
 * renderer only shows them.
 */
import { z } from 'zod';

export const TripDirection = z.enum(['long', 'short']);
export type TripDirection = z.infer<typeof TripDirection>;

/**
 * One round trip: from flat to flat on one account and symbol. Scale-ins and partial exits stay in
 * the trip; a fill that crosses zero (a reversal) closes it and opens the next with the remainder.
 * P&L is matched FIFO, so an open trip's realized part is what its exits closed so far.
 */
export const RoundTrip = z.object({
  /** `${connectionId}:${accountId}:${symbol}:${first fill id}`: stable across restarts. */
  id: z.string(),
  connectionId: z.string(),
  accountId: z.string(),
  symbol: z.string(),
  direction: TripDirection,
  /** Quantity entered (every scale-in). */
  qty: z.number(),
  /** Quantity exited so far (equals `qty` once closed). */
  closedQty: z.number(),
  /** Average entry price (all entries). */
  entryPrice: z.number(),
  /** Average exit price; null before the first exit. */
  exitPrice: z.number().nullable(),
  entryTime: z.number(),
  /** Time of the exit that made it flat; null while open. */
  exitTime: z.number().nullable(),
  durationMs: z.number().nullable(),
  /** Realized P&L before fees, in `currency` (FIFO-matched, contract multiplier applied). */
  pnl: z.number(),
  /** Realized P&L per unit in ticks: futures only (null otherwise, or without a closed quantity). */
  pnlTicks: z.number().nullable(),
  /** Commissions of its fills (a reversal fill's fee is split by quantity). */
  fees: z.number(),
  netPnl: z.number(),
  currency: z.string(),
  open: z.boolean(),
  /** Execution ids of its fills, oldest first. */
  fillIds: z.array(z.string()),
  /** The instrument's asset class when shown (null when the instrument is unknown). */
  assetClass: z.string().nullable().optional(),
  /**
   * It starts from a position the broker held before the journal saw a fill on it (its first run,
   * a deposited balance): its entry and P&L are based on the broker's average price.
   */
  openedBeforeJournal: z.boolean().optional(),
  /** The instrument was never known: P&L is in price units (no multiplier), and has no ticks. */
  instrumentUnknown: z.boolean().optional(),
});
export type RoundTrip = z.infer<typeof RoundTrip>;

/** Totals of closed trips in one currency (money of different currencies is never summed). */
export const JournalTotals = z.object({
  currency: z.string(),
  trips: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  pnl: z.number(),
  fees: z.number(),
  netPnl: z.number(),
});
export type JournalTotals = z.infer<typeof JournalTotals>;

/**
 * A time range, epoch ms UTC, `from` inclusive and `to` exclusive (the renderer sends its local
 * day). A trip is in the range when it closed in it (an open trip: when it opened); a fill when it
 * happened in it. Absent bounds are open.
 */
export const JournalRange = z
  .strictObject({
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
  })
  .refine(
    (r) => r.from === undefined || r.to === undefined || r.from < r.to,
    'the day ends before it starts',
  );
export type JournalRange = z.input<typeof JournalRange>;

export const JournalView = z.object({
  /** Newest first (by exit time; open trips first). */
  trips: z.array(RoundTrip),
  totals: z.array(JournalTotals),
  /** Fills in the range (all of them, not only those of listed trips). */
  fills: z.number().int(),
  /** Things the trader must know: journal lines kept aside as unreadable, a write that failed. */
  problems: z.array(z.string()),
});
export type JournalView = z.infer<typeof JournalView>;

export const JournalExportRequest = z.strictObject({
  what: z.enum(['trades', 'fills']),
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
});
export type JournalExportRequest = z.input<typeof JournalExportRequest>;

export const JournalExport = z.object({
  filename: z.string(),
  /** RFC 4180: CRLF line ends, a header row, numbers unformatted, ISO 8601 UTC times. */
  csv: z.string(),
  rows: z.number().int(),
});
export type JournalExport = z.infer<typeof JournalExport>;
