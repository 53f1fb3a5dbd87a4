/**
 * Engine settings a host may take from its environment: the order-call deadline (a trader on a
 * slow broker link may want more than the default) and the paper broker's faults (e2e tests and
 * demos of ambiguous outcomes). Both hosts read them the same way.
 */
import type { EngineOptions } from './engine';
import { paperFaultsFromEnv } from './paper/faults';

export const ORDER_DEADLINE_ENV = 'PEREGRINE_ORDER_DEADLINE_MS';

export function engineTuningFromEnv(
  env: Record<string, string | undefined> = process.env,
): Pick<EngineOptions, 'orderDeadlineMs' | 'paperFaults'> {
  const out: Pick<EngineOptions, 'orderDeadlineMs' | 'paperFaults'> = {};
  const raw = env[ORDER_DEADLINE_ENV];
  if (raw !== undefined && raw.trim() !== '') {
    const ms = Number(raw);
    if (!Number.isInteger(ms) || ms < 100 || ms > 120_000)
      throw new Error(`${ORDER_DEADLINE_ENV} must be a whole number of milliseconds from 100 to 120000`);
    out.orderDeadlineMs = ms;
  }
  const faults = paperFaultsFromEnv(env);
  if (faults !== undefined) out.paperFaults = faults;
  return out;
}
