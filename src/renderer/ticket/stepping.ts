/**
 * Ticket ergonomics as pure functions: a price field stepped by ticks (arrow keys, ± buttons)
 * and the quantity presets offered for an instrument.
 */
import type { Instrument } from '../../shared/domain';
import { decimalsOf, roundToStep } from '../../shared/money';

/** Ticks per step with Shift held. */
export const BIG_STEP = 10;

/**
 * The price `ticks` ticks from what the field holds, snapped to the tick grid and written with
 * the instrument's decimals; an empty or unreadable field starts from `fallback` (the market).
 * Never below one tick.
 */
export function stepPrice(
  text: string,
  ticks: number,
  inst: Pick<Instrument, 'tickSize' | 'pricePrecision'>,
  fallback: number | undefined,
): string {
  const typed = /^(\d+\.?\d*|\.\d+)$/.test(text.trim()) ? Number(text.trim()) : NaN;
  const from = Number.isFinite(typed) ? typed : fallback;
  if (from === undefined || !Number.isFinite(from)) return text;
  const next = Math.max(roundToStep(from, inst.tickSize) + ticks * inst.tickSize, inst.tickSize);
  const digits = Math.max(inst.pricePrecision, decimalsOf(inst.tickSize));
  return roundToStep(next, inst.tickSize).toFixed(digits);
}

/** Contracts and shares: 1/2/5/10. Fractional steps (crypto): 1, 10, 100 and 1000 steps. */
export function qtyPresets(inst: Pick<Instrument, 'qtyStep'>): string[] {
  const step = inst.qtyStep;
  if (step >= 1) return [1, 2, 5, 10].map((n) => String(n * step));
  const d = decimalsOf(step);
  return [1, 10, 100, 1000].map((n) => Number((n * step).toFixed(d)).toString());
}
