/**
 * "Test connection": runs a Connection on its own (never in the engine) until it is live — the
 * broker accepted the credentials and sent data — or until its first failure, whose text is the
 * broker's own (a 1008 close reason, an HTTP status on the upgrade). Then stops it.
 */
import type { TestOutcome } from '../../../shared/contract';
import type { ConnectionHealth } from '../../../shared/domain';
import type { Connection } from '../connection';

export const TRIAL_TIMEOUT_MS = 10_000;

/** States in which a trial has its answer. `backoff` is the first failed attempt: report it. */
const FAILED = new Set(['stopped', 'failed', 'backoff']);

export async function tryConnection(
  connection: Connection,
  timeoutMs = TRIAL_TIMEOUT_MS,
  now: () => number = Date.now,
): Promise<TestOutcome> {
  const started = now();
  const outcome = await new Promise<TestOutcome>((resolve) => {
    let done = false;
    const finish = (h: ConnectionHealth | null, timedOut = false): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const elapsedMs = now() - started;
      if (timedOut)
        return resolve({
          success: false,
          state: h?.state ?? 'connecting',
          message: `No answer within ${Math.round(timeoutMs / 1000)} s${h?.lastError ? ` (${h.lastError})` : ''}.`,
          elapsedMs,
        });
      if (h !== null && h.state === 'live')
        return resolve({ success: true, state: 'live', message: 'Connected.', elapsedMs });
      resolve({
        success: false,
        state: h?.state ?? 'stopped',
        message: h?.lastError ?? `The connection ended in state ${h?.state ?? 'stopped'}.`,
        elapsedMs,
      });
    };
    const check = (): void => {
      const h = connection.health();
      if (h.state === 'live' || (FAILED.has(h.state) && h.lastError !== null)) finish(h);
    };
    const timer = setTimeout(() => finish(connection.health(), true), timeoutMs);
    // Every event may follow a state change; the health events carry them explicitly.
    connection
      .start(() => check())
      .then(check, (err: unknown) =>
        finish({
          ...connection.health(),
          state: 'failed',
          lastError: err instanceof Error ? err.message : String(err),
          lastErrorAt: now(),
        }),
      );
  });
  await connection.stop().catch(() => undefined);
  return outcome;
}
