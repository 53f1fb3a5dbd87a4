/**
 * A threshold with hysteresis: it fires once when the value reaches the threshold and re-arms
 * only after the value has gone back past the threshold by the band, so a P&L hovering at a line
 * fires once, not on every tick. Pure, so each case is one line of a test.
 */
import type { Direction } from '../../../shared/alerts';

export interface Crossing {
  /** The value reached the threshold while armed: fire now. */
  fire: boolean;
  /** The value went back past the band while disarmed: ready to fire again. */
  rearm: boolean;
  armed: boolean;
}

export function crossing(
  direction: Direction,
  threshold: number,
  band: number,
  value: number,
  armed: boolean,
): Crossing {
  const reached = direction === 'above' ? value >= threshold : value <= threshold;
  if (armed)
    return reached ? { fire: true, rearm: false, armed: false } : { fire: false, rearm: false, armed };
  // A band of 0 still needs the value strictly back on the other side.
  const back =
    direction === 'above'
      ? value < threshold - band || (band === 0 && value < threshold)
      : value > threshold + band || (band === 0 && value > threshold);
  return back ? { fire: false, rearm: true, armed: true } : { fire: false, rearm: false, armed: false };
}
