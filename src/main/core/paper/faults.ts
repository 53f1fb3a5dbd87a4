/**
 * Faults the paper broker can play, so the terminal's handling of ambiguous outcomes can be shown
 * and tested end to end without a real broker: an order call whose reply never comes (the order
 * is executed, or reaches the book only later), as happens with a dropped socket or a gateway
 * timeout. Off unless asked for; the paper connection's label says when they are on.
 */
import { z } from 'zod';

export const PaperFaults = z.strictObject({
  /** `hang`: order calls never answer (the order is still executed). */
  orderReply: z.enum(['normal', 'hang']).default('normal'),
  /** The order reaches the book this long after the call (lookups meanwhile find nothing). */
  executeAfterMs: z.number().int().min(0).max(600_000).default(0),
  /** Apply to this many order calls, then behave normally again (default: every call). */
  calls: z.number().int().min(1).optional(),
});
export type PaperFaults = z.infer<typeof PaperFaults>;

/** The environment variable a host reads them from (JSON), for e2e tests and demos. */
export const PAPER_FAULTS_ENV = 'PEREGRINE_PAPER_FAULTS';

export function paperFaultsFromEnv(
  env: Record<string, string | undefined> = process.env,
): PaperFaults | undefined {
  const raw = env[PAPER_FAULTS_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`${PAPER_FAULTS_ENV} is not valid JSON`);
  }
  const parsed = PaperFaults.safeParse(json);
  if (!parsed.success)
    throw new Error(`${PAPER_FAULTS_ENV}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
