/**
 * The supervisor settings a connection config may carry, declared once so every kind's config
 * schema spreads the same fields and maps them the same way.
 */
import { z } from 'zod';
import type { SupervisorOptions } from './supervisor';

export const BackoffConfig = z
  .object({
    baseMs: z.number().positive(),
    capMs: z.number().positive(),
    maxAttempts: z.number().int().positive(),
    stableMs: z.number().positive(),
    tryLaterMs: z.number().min(0),
  })
  .partial();

export const HeartbeatConfig = z
  .object({
    keepaliveMs: z.number().positive().nullable(),
    silenceMs: z.number().positive(),
    probeMs: z.number().positive().nullable(),
  })
  .partial();

/** A socket address in an adapter's config (`ws://` or `wss://`). */
export const socketUrl = z.string().regex(/^wss?:\/\//, 'a ws:// or wss:// URL');
/** A REST base in an adapter's config (`http://` or `https://`). */
export const httpUrl = z.string().regex(/^https?:\/\//, 'an http:// or https:// URL');

/** Spread into a kind's config schema: `z.object({ kind: …, ...supervisorConfigFields })`. */
export const supervisorConfigFields = {
  backoff: BackoffConfig.optional(),
  /** One figure: a ping every interval that doubles as keepalive, dead after two. */
  heartbeatMs: z.number().positive().optional(),
  /** The three heartbeat concerns separately (wins over `heartbeatMs`). */
  heartbeat: HeartbeatConfig.optional(),
  connectTimeoutMs: z.number().positive().optional(),
  /** Expected data cadence of the kind's main stream; learned from traffic when absent. */
  expectedCadenceMs: z.number().positive().optional(),
  maxConnectionAgeMs: z.number().positive().optional(),
};

export type SupervisorConfig = {
  [K in keyof typeof supervisorConfigFields]?: z.infer<(typeof supervisorConfigFields)[K]>;
};

/**
 * The supervisor options a config asks for. `stream` names the data stream `expectedCadenceMs`
 * applies to. `maxConnectionAgeMs` belongs to the adapter (it is the broker's limit), so it is not
 * mapped here.
 */
export function supervisorOptionsFrom(
  config: SupervisorConfig,
  stream: string,
): Partial<Omit<SupervisorOptions, 'id' | 'kind' | 'label' | 'mode' | 'adapter'>> {
  return {
    ...(config.backoff === undefined ? {} : { backoff: config.backoff }),
    ...(config.heartbeat === undefined ? {} : { heartbeat: config.heartbeat }),
    ...(config.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: config.connectTimeoutMs }),
    ...(config.expectedCadenceMs === undefined
      ? {}
      : { staleness: { cadenceMs: { [stream]: config.expectedCadenceMs } } }),
  };
}

/** What the adapter itself takes from a config: its heartbeat and the broker's connection age limit. */
export function linkTuningFrom(config: SupervisorConfig): {
  heartbeatMs?: number;
  maxConnectionAgeMs?: number;
} {
  return {
    ...(config.heartbeatMs === undefined ? {} : { heartbeatMs: config.heartbeatMs }),
    ...(config.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: config.maxConnectionAgeMs }),
  };
}
