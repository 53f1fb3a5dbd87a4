/**
 * The fault vocabulary every simulator understands, as a zod schema so the HTTP control endpoint
 * parses requests exactly like the in-process API. Counted faults apply to the next `count`
 * outbound frames; persistent ones (delay, throttle, refuse, hang) last until cleared. Request
 * faults (drop-reply, fail-after-execute, rate-limit) apply to the next `count` requests a
 * simulator runs through `SimServer.runRequest` (REST routes and in-band socket requests).
 *
 * The vocabulary is open: a protocol simulator adds its own kinds with `SimServer.defineFault`
 * (token expiry mid-session, penalty tickets, quota kicks), parsed the same way on both paths.
 */
import { z } from 'zod';

const count = z.number().int().positive().default(1);

export const Fault = z.discriminatedUnion('kind', [
  /** Destroy every open socket without a close frame. */
  z.object({ kind: z.literal('drop') }),
  /** Stop reading and writing on every open socket while keeping TCP open. */
  z.object({ kind: z.literal('half-open') }),
  /** Close every open socket with this code and reason. */
  z.object({
    kind: z.literal('close'),
    code: z.number().int().min(1000).max(4999),
    reason: z.string().default(''),
  }),
  /** Hold every outbound frame this long. */
  z.object({ kind: z.literal('delay'), ms: z.number().int().min(0) }),
  /** At most this many outbound frames per second per socket; the rest queue. */
  z.object({ kind: z.literal('throttle'), messagesPerSec: z.number().positive() }),
  z.object({ kind: z.literal('corrupt'), count }),
  z.object({ kind: z.literal('truncate'), count }),
  z.object({ kind: z.literal('binary'), count }),
  z.object({
    kind: z.literal('oversized'),
    count,
    bytes: z
      .number()
      .int()
      .positive()
      .default(2 * 1024 * 1024),
  }),
  /** Send the next frames twice. */
  z.object({ kind: z.literal('duplicate'), count }),
  /** Collect the next `count` frames and send them in reverse order. */
  z.object({ kind: z.literal('reorder'), count: z.number().int().min(2).default(4) }),
  /** Reset new connections at the upgrade (all, or the next `count`). */
  z.object({ kind: z.literal('refuse'), count: z.number().int().positive().optional() }),
  /** Accept TCP for new connections but never answer the upgrade. */
  z.object({ kind: z.literal('hang'), count: z.number().int().positive().optional() }),
  /** Invalidate every session/token: open sockets are closed as unauthenticated, new ones rejected. */
  z.object({ kind: z.literal('expire-credentials') }),
  /** Send this raw frame to every open socket (protocol violations, unknown types, foreign users). */
  z.object({ kind: z.literal('inject'), frame: z.string(), binary: z.boolean().default(false) }),
  /** Reverse the messages inside the next `count` frames that carry several (per the codec). */
  z.object({ kind: z.literal('reorder-within'), count }),
  /** Execute the next requests (optionally only operation `op`), then never answer them. */
  z.object({ kind: z.literal('drop-reply'), count, op: z.string().optional() }),
  /** Execute the next requests, then answer with a server error: the outcome is unknown to the client. */
  z.object({
    kind: z.literal('fail-after-execute'),
    count,
    status: z.number().int().min(500).max(599).default(500),
    op: z.string().optional(),
  }),
  /** Refuse the next requests as rate limited, without executing them. */
  z.object({
    kind: z.literal('rate-limit'),
    count,
    retryAfterMs: z.number().int().min(0).default(1000),
    op: z.string().optional(),
  }),
]);
export type Fault = z.infer<typeof Fault>;
export type FaultInput = z.input<typeof Fault>;

/** The request faults, queued in the order they were applied. */
export type RequestFault = Extract<Fault, { kind: 'drop-reply' | 'fail-after-execute' | 'rate-limit' }>;

/** A fault a protocol simulator added to the vocabulary. */
export type ProtocolFault = { kind: string } & Record<string, unknown>;

/** What `fault()` and `/__faults` accept and record: the shared vocabulary or a protocol's own. */
export type AppliedFault = Fault | ProtocolFault;
