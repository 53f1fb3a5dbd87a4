/**
 * The instrument-grid checks every order path runs (place, modify, the protection engine's child
 * orders), in the main process and, as a courtesy, in the ticket. A value is on the grid when it
 * is a whole number of steps within float noise *relative to its size*; it is then rounded to the
 * grid, so what reaches the broker is exactly on it. Less than one step is never on the grid: a
 * 1e-7-contract order or a 1e-300 limit is refused, not rounded to zero.
 */
import { fail, ok, type Result } from './contract';
import type { Instrument } from './domain';
import { roundToStep } from './money';

/** Float noise allowed, relative to the number of steps (5000.25 / 0.25 = 20001 steps). */
const RELATIVE_TOLERANCE = 1e-9;

/** The value rounded to the grid, or null when it is off the grid or below one step. */
export function snapToGrid(value: number, step: number): number | null {
  if (!Number.isFinite(value) || !(step > 0)) return null;
  const steps = value / step;
  const whole = Math.round(steps);
  if (whole < 1) return null;
  if (Math.abs(steps - whole) > RELATIVE_TOLERANCE * whole) return null;
  return roundToStep(whole * step, step);
}

/** A price on the instrument's tick grid, rounded to it, or why not. */
export function checkPrice(
  inst: Pick<Instrument, 'symbol' | 'tickSize'>,
  label: string,
  price: number,
): Result<number> {
  const snapped = snapToGrid(price, inst.tickSize);
  if (snapped !== null) return ok(snapped);
  if (price < inst.tickSize)
    return fail(
      'off_tick',
      `${label} ${price} is below one tick of ${inst.symbol} (the tick size is ${inst.tickSize}).`,
    );
  return fail(
    'off_tick',
    `${label} ${price} is not on ${inst.symbol}'s tick grid: the tick size is ${inst.tickSize} (nearest ${roundToStep(price, inst.tickSize)}).`,
  );
}

/** A quantity in whole steps of the instrument, at least one, rounded to the step, or why not. */
export function checkQty(inst: Pick<Instrument, 'symbol' | 'qtyStep'>, qty: number): Result<number> {
  const snapped = snapToGrid(qty, inst.qtyStep);
  if (snapped !== null) return ok(snapped);
  if (qty < inst.qtyStep)
    return fail('bad_qty', `Quantity ${qty} is less than ${inst.symbol}'s minimum of ${inst.qtyStep}.`);
  return fail(
    'bad_qty',
    `Quantity ${qty} is not a multiple of ${inst.symbol}'s quantity step ${inst.qtyStep}.`,
  );
}
