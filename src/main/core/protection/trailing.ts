/**
 * Trailing-stop arithmetic, pure: where the stop sits for a given peak, and whether a new stop is
 * a ratchet (protective direction) or a step back, which a trailing stop never takes. The stop
 * order's side decides the direction: a sell stop protects a long and trails below the high; a
 * buy stop protects a short and trails above the low.
 */
import type { Side, TrailingParams } from '../../../shared/domain';
import { roundToStep } from '../../../shared/money';

/** The distance from the peak, in price. */
export function trailDistance(
  p: Pick<TrailingParams, 'by' | 'offset'>,
  peak: number,
  tickSize: number,
): number {
  if (p.by === 'ticks') return p.offset * tickSize;
  if (p.by === 'percent') return (peak * p.offset) / 100;
  return p.offset;
}

/**
 * The stop for `peak`, on the tick grid and rounded away from the market (never closer than the
 * trader asked): down for a sell stop, up for a buy stop.
 */
export function stopFor(
  side: Side,
  p: Pick<TrailingParams, 'by' | 'offset'>,
  peak: number,
  tickSize: number,
): number {
  const d = trailDistance(p, peak, tickSize);
  const raw = side === 'sell' ? peak - d : peak + d;
  const steps = raw / tickSize;
  // Float noise (5000.25 / 0.25) must not push a whole step to the next one.
  const whole = side === 'sell' ? Math.floor(steps + 1e-9) : Math.ceil(steps - 1e-9);
  return roundToStep(whole * tickSize, tickSize);
}

/** The better peak: the high for a sell stop, the low for a buy stop. */
export function nextPeak(side: Side, peak: number | null, price: number): number {
  if (peak === null) return price;
  return side === 'sell' ? Math.max(peak, price) : Math.min(peak, price);
}

/** True when `candidate` moves the stop in the protective direction (up for sell, down for buy). */
export function isRatchet(side: Side, current: number | null, candidate: number): boolean {
  if (current === null) return true;
  return side === 'sell' ? candidate > current : candidate < current;
}

/** The market traded through the activation price (or there is none). */
export function activates(side: Side, activationPrice: number | null, price: number): boolean {
  if (activationPrice === null) return true;
  // A sell stop trails a long once it is in profit up to the activation price; a buy stop, down.
  return side === 'sell' ? price >= activationPrice : price <= activationPrice;
}
