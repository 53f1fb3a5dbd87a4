/**
 * Pure money and price math. Prices are floats in the instrument's quote currency; we round to
 * the tick with an integer tick count so that 0.1 + 0.2 style drift never reaches an order.
 */
import type { Instrument } from './domain';

/** Decimal places of a step such as 0.25 or 0.01, so rounding is done on integers. */
export function decimalsOf(step: number): number {
  const s = step.toString();
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

export function roundToStep(value: number, step: number): number {
  const ticks = Math.round(value / step);
  return Number((ticks * step).toFixed(decimalsOf(step)));
}

/** True when `price` sits on the instrument's tick grid (within float noise). */
export function isOnTick(price: number, tickSize: number): boolean {
  const ticks = price / tickSize;
  return Math.abs(ticks - Math.round(ticks)) < 1e-6;
}

export function isOnStep(qty: number, step: number): boolean {
  return isOnTick(qty, step);
}

/** Unrealized P&L of a signed position marked at `mark`, in the instrument's currency. */
export function unrealizedPnl(qty: number, avgPrice: number, mark: number, multiplier: number): number {
  return (mark - avgPrice) * qty * multiplier;
}

export function formatPrice(
  price: number | null | undefined,
  instrument?: Pick<Instrument, 'pricePrecision'>,
): string {
  if (price === null || price === undefined || !Number.isFinite(price)) return '—';
  return price.toFixed(instrument?.pricePrecision ?? 2);
}

export function formatMoney(value: number, currency = 'USD'): string {
  const sign = value < 0 ? '-' : value > 0 ? '+' : '';
  const abs = Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${sign}${currency === 'USD' ? '$' : ''}${abs}${currency === 'USD' ? '' : ` ${currency}`}`;
}
