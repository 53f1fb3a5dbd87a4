/**
 * Engine settings a host may take from its environment: the order-call deadline (a trader on a
 * slow broker link may want more than the default) and the paper broker's faults (e2e tests and
 * demos of ambiguous outcomes). Both hosts read them the same way.
 */
import type { EngineOptions } from './engine';
import { paperFaultsFromEnv } from './paper/faults';

export const ORDER_DEADLINE_ENV = 'PEREGRINE_ORDER_DEADLINE_MS';
/** `1`: the paper broker holds OCO pairs and trailing stops natively (demos of the native path). */
export const PAPER_NATIVE_PROTECTION_ENV = 'PEREGRINE_PAPER_NATIVE_PROTECTION';

/**
 * Caps how long any broker or gateway link stays open before the supervisor rotates it (opens the
 * replacement, then closes the old one). Brokers cut links at their own maximum age (Binance
 * after 24 hours); this lets a demo or an e2e run see that rotation in seconds.
 */
export const MAX_LINK_AGE_ENV = 'PEREGRINE_MAX_LINK_AGE_MS';

/** The adapters' share of the environment's tuning (see MAX_LINK_AGE_ENV). */
export function linkTuningFromEnv(env: Record<string, string | undefined> = process.env): {
  maxLinkAgeMs?: number;
} {
  const raw = env[MAX_LINK_AGE_ENV];
  if (raw === undefined || raw.trim() === '') return {};
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 2_000 || ms > 7 * 86_400_000)
    throw new Error(`${MAX_LINK_AGE_ENV} must be a whole number of milliseconds from 2000 to 604800000`);
  return { maxLinkAgeMs: ms };
}

export function engineTuningFromEnv(
  env: Record<string, string | undefined> = process.env,
): Pick<EngineOptions, 'orderDeadlineMs' | 'paperFaults' | 'paperNativeProtection'> {
  const out: Pick<EngineOptions, 'orderDeadlineMs' | 'paperFaults' | 'paperNativeProtection'> = {};
  const raw = env[ORDER_DEADLINE_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    const ms = Number(raw);
    if (!Number.isInteger(ms) || ms < 100 || ms > 120_000)
      throw new Error(`${ORDER_DEADLINE_ENV} must be a whole number of milliseconds from 100 to 120000`);
    out.orderDeadlineMs = ms;
  }
  const faults = paperFaultsFromEnv(env);
  if (faults !== undefined) out.paperFaults = faults;
  if (env[PAPER_NATIVE_PROTECTION_ENV] === '1') out.paperNativeProtection = true;
  return out;
}
