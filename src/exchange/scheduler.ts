/**
 * Pacing of a simulated market: each symbol ticks at its regime's rate, with a little jitter so
 * symbols do not tick in lockstep. Shared by the paper broker and the simulators so both replay
 * the same tape from one seed.
 */
import type { Rng } from '../shared/random';

/** Fractional tick credit owed to one symbol. */
export interface TickCredit {
  credit: number;
}

/**
 * How many ticks `dtMs` of wall time owes a symbol ticking at `ratePerSec`; consumes the credit.
 * `rng` is the scheduler's own stream, drawn only for the fractional remainder.
 */
export function ticksDue(state: TickCredit, ratePerSec: number, dtMs: number, rng: Rng): number {
  state.credit += (ratePerSec * dtMs) / 1000;
  let n = 0;
  while (state.credit >= 1 || (state.credit > 0 && rng() < state.credit * 0.1)) {
    state.credit -= 1;
    n++;
  }
  return n;
}
