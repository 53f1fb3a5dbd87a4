/**
 * One inbound text frame → a schema-checked value, or a reason the frame was dropped. Pure (no Node
 * types), so broker adapters, the web host's socket bridge and the simulators parse alike. The
 * caller decides what a failure costs: adapters count it in health and keep the socket.
 */
import type { z } from 'zod';

export type FrameParse<T> =
  | { ok: true; value: T; text: string }
  | {
      ok: false;
      reason: 'binary frame' | 'invalid JSON' | 'invalid frame';
      /** `invalid frame: <first issue's path> <message>`: where the frame broke, never what it held. */
      detail: string;
      /** Where each issue was ("(frame)" for the root); empty unless the schema rejected the frame. */
      paths: string[];
      /** The frame as text (or `<n bytes>` for binary), for a truncated log sample. */
      sample: string;
      /** The JSON value when it parsed but failed the schema (to read a discriminator, say). */
      json?: unknown;
    };

/** The raw frame forms `ws` and the browser hand out. */
export type RawFrame = string | Uint8Array | ArrayBuffer | readonly Uint8Array[];

const decoder = new TextDecoder('utf-8');

function byteLength(data: RawFrame): number {
  if (typeof data === 'string') return data.length;
  if (Array.isArray(data)) return data.reduce((n: number, b: Uint8Array) => n + b.byteLength, 0);
  return (data as Uint8Array | ArrayBuffer).byteLength;
}

function textOf(data: RawFrame): string {
  if (typeof data === 'string') return data;
  if (Array.isArray(data)) return data.map((b: Uint8Array) => decoder.decode(b)).join('');
  return decoder.decode(data as Uint8Array | ArrayBuffer);
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join('.') : '(frame)';
}

/** Parse `data` as JSON and check it with `schema`. Never throws. */
export function parseJsonFrame<S extends z.ZodType>(
  schema: S,
  data: RawFrame,
  isBinary = false,
): FrameParse<z.output<S>> {
  if (isBinary)
    return {
      ok: false,
      reason: 'binary frame',
      detail: 'binary frame',
      paths: [],
      sample: `<${byteLength(data)} bytes>`,
    };
  const text = textOf(data);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid JSON', detail: 'invalid JSON', paths: [], sample: text };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data, text };
  const issues = parsed.error.issues;
  const first = issues[0];
  return {
    ok: false,
    reason: 'invalid frame',
    detail: `invalid frame: ${first ? `${first.path.map(String).join('.')} ${first.message}` : 'unknown'}`,
    paths: issues.map((i) => issuePath(i.path)),
    sample: text,
    json,
  };
}
