/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * the n-th retry waits a uniform random time in [0, min(cap, base * 2^(n-1))], so a fleet of
 * terminals that lost the same server does not come back in lockstep.
 */
import type { Random } from './clock';

export interface BackoffOptions {
  /** Ceiling of the first retry's window. */
  baseMs: number;
  /** Largest window, however many attempts have failed. */
  capMs: number;
  /** Consecutive failed attempts after which the supervisor gives up (`failed`). */
  maxAttempts: number;
  /** Time `live` must last before the attempt counter resets. */
  stableMs: number;
  /** Floor added for "try again later" (close 1013): the server asked us to stay away longer. */
  tryLaterMs: number;
  /** Smallest delay, so a zero draw never turns into a tight reconnect loop. */
  minMs: number;
}

export const defaultBackoff: BackoffOptions = {
  baseMs: 1_000,
  capMs: 20_000,
  maxAttempts: 30,
  stableMs: 10_000,
  tryLaterMs: 10_000,
  minMs: 100,
};

/** Upper bound of the jitter window for retry number `attempt` (1-based). */
export function backoffCeiling(attempt: number, opts: BackoffOptions): number {
  const exp = Math.min(attempt - 1, 30); // 2^30 already exceeds any sane cap; avoids Infinity
  return Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, exp));
}

export function backoffDelay(attempt: number, opts: BackoffOptions, random: Random): number {
  const ceiling = backoffCeiling(attempt, opts);
  return Math.max(Math.min(opts.minMs, ceiling), Math.floor(random() * ceiling));
}

/** Delay after a "try again later" close: the server's capacity problem outlasts a normal blip. */
export function tryLaterDelay(attempt: number, opts: BackoffOptions, random: Random): number {
  return opts.tryLaterMs + backoffDelay(attempt, opts, random);
}
