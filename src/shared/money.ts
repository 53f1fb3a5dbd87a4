/**
 * Pure money and price math. Prices are floats in the instrument's quote currency; we round to
 * the tick with an integer tick count so that 0.1 + 0.2 style drift never reaches an order.
 */
import type { Instrument } from './domain';

/** Decimal places of a step such as 0.25, 0.01 or 1.5e-7, so rounding is done on integers. */
export function decimalsOf(step: number): number {
  const [mantissa = '', exponent] = step.toString().split('e');
  const dot = mantissa.indexOf('.');
  const places = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, places - Number(exponent ?? 0));
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

/** Most fraction digits a figure is ever shown with: beyond this a step is float noise. */
const MAX_DIGITS = 12;

const formats = new Map<string, Intl.NumberFormat>();

/** One `Intl.NumberFormat` per digit count, made once: grouping is Intl's, never hand-rolled. */
function numberFormat(minDigits: number, maxDigits: number, grouping: boolean): Intl.NumberFormat {
  const key = `${minDigits}:${maxDigits}:${grouping ? 'g' : ''}`;
  let f = formats.get(key);
  if (f === undefined) {
    f = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: minDigits,
      maximumFractionDigits: maxDigits,
      useGrouping: grouping,
    });
    formats.set(key, f);
  }
  return f;
}

function clampDigits(digits: number): number {
  return Math.min(Math.max(Math.trunc(digits), 0), MAX_DIGITS);
}

/**
 * `value` with exactly `digits` decimals and thousands separators ("1,234.50", "-0.25"): rounded
 * first, so float noise never shows and a value that rounds to zero is "0.00", never "-0.00".
 */
export function formatNumber(value: number, digits: number, grouping = true): string {
  if (!Number.isFinite(value)) return '—';
  const d = clampDigits(digits);
  const r = Number(value.toFixed(Math.min(d, 20)));
  return numberFormat(d, d, grouping).format(r === 0 ? 0 : r);
}

/** Like `formatNumber` but trailing zeros trimmed ("1.3947", "12"): for figures with no step. */
export function formatTrimmed(value: number, maxDigits = 8, grouping = true): string {
  if (!Number.isFinite(value)) return '—';
  const d = clampDigits(maxDigits);
  const r = Number(value.toFixed(d));
  return numberFormat(0, d, grouping).format(r === 0 ? 0 : r);
}

/** What a price is shown with: its listing's precision, and its tick (when known). */
export type PriceFormat = Pick<Instrument, 'pricePrecision'> & Partial<Pick<Instrument, 'tickSize'>>;

/** Decimals a price of this listing is shown with: enough for its tick, at least its precision. */
export function priceDigits(instrument?: PriceFormat): number {
  const precision = instrument?.pricePrecision ?? 2;
  const tick = instrument?.tickSize;
  return clampDigits(tick === undefined ? precision : Math.max(precision, decimalsOf(tick)));
}

function onTickGrid(price: number, instrument?: PriceFormat): number {
  const tick = instrument?.tickSize;
  return tick === undefined || !(tick > 0) ? price : roundToStep(price, tick);
}

/**
 * A price as a trader reads it: on the instrument's tick (a value between ticks is rounded to the
 * nearest one: a mid must be shown with `formatMid`), at the tick's decimals, with thousands
 * separators ("5,424.75"). "—" when there is none.
 */
export function formatPrice(price: number | null | undefined, instrument?: PriceFormat): string {
  if (price === null || price === undefined || !Number.isFinite(price)) return '—';
  return formatNumber(onTickGrid(price, instrument), priceDigits(instrument));
}

/**
 * An average price (of fills, of a position): not a price on the grid, so it is never rounded to
 * the tick: rounding 5,425.625 to 5,425.75 would misstate the cost. Shown at the tick's decimals
 * and, when it falls between ticks, with up to four more ("5,425.625", "67,412.3375").
 */
export function formatAverage(price: number | null | undefined, instrument?: PriceFormat): string {
  if (price === null || price === undefined || !Number.isFinite(price)) return '—';
  const d = priceDigits(instrument);
  const max = clampDigits(d + 4);
  const r = Number(price.toFixed(max));
  return numberFormat(d, max, true).format(r === 0 ? 0 : r);
}

/** A price as typed into a field: on the tick, at the tick's decimals, without separators. */
export function formatPriceInput(price: number, instrument?: PriceFormat): string {
  return formatNumber(onTickGrid(price, instrument), priceDigits(instrument), false);
}

/**
 * A mid of bid and ask, which may fall between ticks: on the half-tick grid with one more decimal
 * when it does ("5,424.625"), at the tick's decimals when it does not. `offTick` says which, so
 * the caller can label it.
 */
export function formatMid(
  price: number,
  instrument: PriceFormat & Pick<Instrument, 'tickSize'>,
): { text: string; offTick: boolean } {
  if (!Number.isFinite(price)) return { text: '—', offTick: false };
  const half = roundToStep(price, instrument.tickSize / 2);
  if (isOnTick(half, instrument.tickSize)) return { text: formatPrice(half, instrument), offTick: false };
  const digits = Math.max(priceDigits(instrument), decimalsOf(instrument.tickSize / 2));
  return { text: formatNumber(half, digits), offTick: true };
}

/**
 * A quantity or volume at the instrument's step ("1,250", "0.0150"), or with trailing zeros
 * trimmed when no step is known ("1.3947", never "1.3946999999999998").
 */
export function formatQuantity(qty: number, step?: number): string {
  if (step === undefined || !(step > 0)) return formatTrimmed(qty);
  return formatNumber(roundToStep(qty, step), decimalsOf(step));
}

/**
 * How far a price moved in the position's favour, in ticks (ES 5424.00 → 5425.50 long: +6),
 * to one decimal (a mid mark can sit on a half tick).
 */
export function moveInTicks(from: number, to: number, side: 'long' | 'short', tickSize: number): number {
  const ticks = (to - from) / tickSize;
  const r = Math.round((side === 'long' ? ticks : -ticks) * 10) / 10;
  return r === 0 ? 0 : r;
}

const currencySymbols: Record<string, string> = { USD: '$' };

/**
 * Signed money ("+$1,234.50", "-3.00 EUR", "$0.00"): rounded to cents before the sign is chosen,
 * so -0.001 reads "$0.00", never "-$0.00".
 */
export function formatMoney(value: number, currency = 'USD'): string {
  const r = Number(value.toFixed(2));
  const sign = r < 0 ? '-' : r > 0 ? '+' : '';
  const abs = formatNumber(Math.abs(r), 2);
  const symbol = currencySymbols[currency];
  return symbol === undefined ? `${sign}${abs} ${currency}` : `${sign}${symbol}${abs}`;
}
