/**
 * The fault vocabulary every simulator understands, as a zod schema so the HTTP control endpoint
 * parses requests exactly like the in-process API. Counted faults apply to the next `count`
 * outbound frames; persistent ones (delay, throttle, refuse, hang) last until cleared.
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
]);
export type Fault = z.infer<typeof Fault>;
export type FaultInput = z.input<typeof Fault>;
