/**
 * CSV as RFC 4180 has it: a header row, CRLF line ends, a field quoted (its quotes doubled) when it
 * holds a comma, a quote or a line break. Numbers are written unformatted (no thousands
 * separators, no exponent), times as ISO 8601 UTC, so a spreadsheet or a script reads them as is.
 * A text cell (an id, a symbol, an account or connection name) that starts with = + - @, a tab or a
 * carriage return is prefixed with ' (OWASP, CSV injection) so a spreadsheet never runs it as a
 * formula; numbers are written as numbers.
 */
import type { RoundTrip } from '../../../shared/journal';
import type { RecordedFill } from './record';

type Cell = string | number | null;

export function csvField(v: Cell): string {
  const text = v === null ? '' : typeof v === 'number' ? plainNumber(v) : defused(v);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}

/** A text that a spreadsheet would read as a formula, made plain text. */
const defused = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** 0.0000001 as "0.0000001", not "1e-7"; float tails past 12 decimals dropped. */
function plainNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  const s = String(x);
  if (!s.includes('e')) return s;
  return x.toFixed(12).replace(/\.?0+$/, '');
}

const iso = (ts: number | null): string | null => (ts === null ? null : new Date(ts).toISOString());

export const TRIP_COLUMNS = [
  'trip_id',
  'connection',
  'account',
  'symbol',
  'direction',
  'status',
  'qty',
  'closed_qty',
  'entry_time',
  'entry_price',
  'exit_time',
  'exit_price',
  'duration_s',
  'pnl',
  'pnl_ticks',
  'fees',
  'net_pnl',
  'currency',
  'fill_ids',
  'note',
] as const;

export function tripsCsv(trips: readonly RoundTrip[]): string {
  return toCsv(
    TRIP_COLUMNS,
    trips.map((t) => [
      t.id,
      t.connectionId,
      t.accountId,
      t.symbol,
      t.direction,
      t.open ? 'open' : 'closed',
      t.qty,
      t.closedQty,
      iso(t.entryTime),
      t.entryPrice,
      iso(t.exitTime),
      t.exitPrice,
      t.durationMs === null ? null : t.durationMs / 1000,
      t.pnl,
      t.pnlTicks,
      t.fees,
      t.netPnl,
      t.currency,
      t.fillIds.join(' '),
      noteOf(t),
    ]),
  );
}

/** Why a trip's P&L may not be the trader's own: an entry from before the journal, no instrument. */
function noteOf(t: RoundTrip): string | null {
  const notes: string[] = [];
  if (t.openedBeforeJournal === true) notes.push("opened before the journal: entry is the broker's average");
  if (t.instrumentUnknown === true) notes.push('instrument unknown: P&L in price units');
  return notes.length === 0 ? null : notes.join('; ');
}

export const FILL_COLUMNS = [
  'time',
  'fill_id',
  'order_id',
  'connection',
  'account',
  'symbol',
  'side',
  'qty',
  'price',
  'commission',
  'currency',
] as const;

export function fillsCsv(fills: readonly RecordedFill[]): string {
  return toCsv(
    FILL_COLUMNS,
    fills.map(({ fill: f, currency }) => [
      iso(f.ts),
      f.id,
      f.orderId,
      f.connectionId,
      f.accountId,
      f.symbol,
      f.side,
      f.qty,
      f.price,
      f.commission,
      currency ?? null,
    ]),
  );
}
