/**
 * Ticket ergonomics as pure functions: a price field stepped by ticks (arrow keys, ± buttons)
 * and the quantity presets offered for an instrument.
 */
import type { Instrument } from '../../shared/domain';
import { decimalsOf, isOnTick, roundToStep } from '../../shared/money';

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

/** The smallest crypto preset worth a click: 0.001 BTC moves about a dollar per thousand points of price. */
const SMALLEST_FRACTIONAL_PRESET = 0.001;

/**
 * Contracts and shares: 1/2/5/10 steps. Fractional steps (crypto): four decades that mean
 * something to a trader (0.001 / 0.01 / 0.1 / 1 for a 0.00001 step), never the step's own
 * 0.00001 / 0.0001 that no one trades and that cannot be read on a small button. Each is a
 * multiple of the step; a step that 0.001 is not a multiple of starts the decades itself.
 */
export function qtyPresets(inst: Pick<Instrument, 'qtyStep'>): string[] {
  const step = inst.qtyStep;
  if (step >= 1) return [1, 2, 5, 10].map((n) => String(n * step));
  const base =
    step < SMALLEST_FRACTIONAL_PRESET && isOnTick(SMALLEST_FRACTIONAL_PRESET, step)
      ? SMALLEST_FRACTIONAL_PRESET
      : step;
  const d = Math.max(decimalsOf(base), decimalsOf(step));
  return [1, 10, 100, 1000].map((n) => Number((n * base).toFixed(d)).toString());
}
