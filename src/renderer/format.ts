/** Display formatting that only the UI needs (prices and money come from src/shared/money). */
import type { Instrument } from '../shared/domain';
import { formatMoney, formatNumber, formatQuantity } from '../shared/money';

/**
 * `value` rounded to what is shown, without negative zero: the sign and colour of a figure are
 * chosen from this, so -0.004 shows as an uncoloured "0.00", never a red "-0.00".
 */
export function shownValue(value: number, digits = 2): number {
  const r = Number(value.toFixed(digits));
  return r === 0 ? 0 : r;
}

/**
 * Quantity at the step's precision with thousands separators ("1,250", "0.0150"), or with
 * trailing zeros trimmed when no step is known.
 */
export function formatQty(qty: number, step?: number): string {
  return formatQuantity(qty, step);
}

export function formatSignedQty(qty: number, step?: number): string {
  const s = formatQty(Math.abs(qty), step);
  // The sign follows what is shown: a remainder that rounds to 0 is "0", never "-0".
  if (/^[0.,]*$/.test(s)) return s;
  return qty > 0 ? `+${s}` : `-${s}`;
}

export function formatPct(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const v = shownValue(value);
  const sign = v > 0 ? '+' : '';
  return `${sign}${formatNumber(v, 2)}%`;
}

/** Signed P&L in its currency ("+$12.50", "-$3.00", "$0.00"), rounded to cents before the sign. */
export function formatPnl(value: number, currency = 'USD'): string {
  return formatMoney(shownValue(value), currency);
}

/** An amount such as equity: currency shown like P&L figures ("$101,234.50"), but never a "+". */
export function formatAmount(value: number, currency = 'USD'): string {
  const v = shownValue(value);
  const abs = formatMoney(Math.abs(v), currency).replace(/^\+/, '');
  return v < 0 ? `-${abs}` : abs;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time HH:MM:SS: what a trader compares with the exchange clock on screen. */
export function formatTime(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A short age such as "0s", "12s", "4m", "2h"; "—" when unknown. */
export function formatAge(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

/**
 * Whether P&L is also shown in ticks for an instrument: futures, which have a tick value. The
 * positions table, the ticket and the chart's position line all ask this one rule.
 */
export function showsTicks(inst: Pick<Instrument, 'assetClass'> | undefined): boolean {
  return inst?.assetClass === 'future';
}

/** A move in ticks, signed, one decimal only when it is a half tick ("+6", "-2.5", "0"). */
export function formatTicks(ticks: number): string {
  const text = formatNumber(Math.abs(ticks), Number.isInteger(ticks) ? 0 : 1);
  return ticks > 0 ? `+${text}` : ticks < 0 ? `-${text}` : text;
}

export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return `${formatNumber(ms, ms < 10 ? 1 : 0)}ms`;
}

/** 'up' / 'down' / '' for a figure shown with `digits` decimals (decided on the shown value). */
export function signClass(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  const v = shownValue(value, digits);
  return v === 0 ? '' : v > 0 ? 'up' : 'down';
}
