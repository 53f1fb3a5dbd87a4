/**
 * Tradovate's SockJS-style framing for the fault pipeline: messages travel inside `a[...]`, so a
 * corrupt or truncated frame still starts with `a[`, and reordering happens inside the array.
 */
import type { FrameCodec } from '../codec';

export const tradovateCodec: FrameCodec = {
  corrupt: (frame) => `${frame.slice(0, Math.min(20, Math.max(2, frame.length - 1)))}\u0000garbage`,
  // A one-letter frame (`h`, `o`) cut short would still read as whole: cut an `a[` instead.
  truncate: (frame) => (frame.length <= 2 ? 'a[' : frame.slice(0, Math.max(2, Math.floor(frame.length / 2)))),
  binary: (frame) => Buffer.from([0xff, 0x00, 0x9c, 0x42, ...Buffer.from(frame.slice(0, 16))]),
  oversized: (bytes) => `a[{"e":"md","d":{"pad":"${'x'.repeat(bytes)}"}}]`,
  split: (frame) => {
    if (!frame.startsWith('a[')) return null;
    try {
      const parsed: unknown = JSON.parse(frame.slice(1));
      return Array.isArray(parsed) ? parsed.map((m) => JSON.stringify(m)) : null;
    } catch {
      return null;
    }
  },
  join: (messages) => `a[${messages.join(',')}]`,
};

/** One `a[...]` frame of messages. */
export function dataFrame(messages: readonly unknown[]): string {
  return `a${JSON.stringify(messages)}`;
}

/** The close frame `c[code,"reason"]` Tradovate sends before it drops a socket. */
export function closeFrame(code: number, reason: string): string {
  return `c${JSON.stringify([code, reason])}`;
}

/** A client request: `endpoint\nid\nquery\nbody` (the body may itself hold newlines). */
export interface ClientRequest {
  endpoint: string;
  id: number;
  query: string;
  body: string;
}

export function parseClientRequest(text: string): ClientRequest | null {
  const a = text.indexOf('\n');
  if (a < 0) return null;
  const b = text.indexOf('\n', a + 1);
  const c = b < 0 ? -1 : text.indexOf('\n', b + 1);
  const endpoint = text.slice(0, a);
  const idText = text.slice(a + 1, b < 0 ? undefined : b);
  const id = Number(idText);
  if (endpoint === '' || !/^\d+$/.test(idText) || !Number.isSafeInteger(id)) return null;
  return {
    endpoint,
    id,
    query: b < 0 ? '' : text.slice(b + 1, c < 0 ? undefined : c),
    body: c < 0 ? '' : text.slice(c + 1),
  };
}
