/**
 * How much to trust a price by its age. The renderer dims by it and the alert engine's "stale
 * feed" rule fires on it, so both read the same thresholds.
 */
export type Freshness = 'fresh' | 'aging' | 'stale';

/** Older than this, a price is aging: shown dimmed. */
export const AGING_MS = 5_000;
/** Older than this, a price is stale: strongly dimmed and tagged, and a feed alert may fire. */
export const STALE_MS = 30_000;

/** > 5 s aging (dim), > 30 s stale (strongly dim + tag); no time at all is stale. */
export function freshness(receivedAt: number | null | undefined, now: number): Freshness {
  if (receivedAt === null || receivedAt === undefined) return 'stale';
  const age = now - receivedAt;
  if (age > STALE_MS) return 'stale';
  if (age > AGING_MS) return 'aging';
  return 'fresh';
}
