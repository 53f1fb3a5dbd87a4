/**
 * Figures as the chart writes them: prices at the instrument's tick, quantities and volume at
 * its step, thousands separators throughout ("5,430.25", "1,250", "1.3947"), never float noise.
 */
import type { Instrument } from '../../shared/domain';
import { decimalsOf, roundToStep } from '../../shared/money';

type PriceGrid = Pick<Instrument, 'tickSize' | 'pricePrecision'>;

/** Digits a price is shown with: the instrument's precision, or more if its tick needs them. */
export function priceDigits(inst: PriceGrid): number {
  return Math.min(10, Math.max(inst.pricePrecision, decimalsOf(inst.tickSize)));
}

function grouped(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A price on the tick grid with separators; "—" when there is none. */
export function chartPrice(price: number | null | undefined, inst: PriceGrid | undefined): string {
  if (price === null || price === undefined || !Number.isFinite(price)) return '—';
  if (inst === undefined) return grouped(price, 2);
  return grouped(roundToStep(price, inst.tickSize), priceDigits(inst));
}

/** A quantity or volume at the step's precision (a volume of 1.3946999999 reads 1.3947). */
export function chartQty(qty: number, inst: Pick<Instrument, 'qtyStep'> | undefined): string {
  const digits = inst === undefined ? 0 : Math.min(8, decimalsOf(inst.qtyStep));
  return grouped(inst === undefined ? qty : roundToStep(qty, inst.qtyStep), digits);
}

/** A price as the order ticket's field takes it: on the grid, no separators ("5430.25"). */
export function ticketPrice(price: number, inst: PriceGrid): string {
  return roundToStep(price, inst.tickSize).toFixed(priceDigits(inst));
}
