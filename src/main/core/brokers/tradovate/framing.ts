/**
 * Tradovate's SockJS-derived framing (brokers.md §1.4): server frames are `o` (open), `h`
 * (heartbeat), `a[…]` (messages) and `c[code,"reason"]` (close). One WebSocket message normally
 * holds one frame, but a tolerant reader also accepts several run together (`ha[…]`, `a[…]a[…]`)
 * and reports a cut-off frame as malformed instead of throwing.
 */
export type SockFrame =
  | { type: 'open' }
  | { type: 'heartbeat' }
  | { type: 'messages'; messages: unknown[] }
  | { type: 'close'; code: number; reason: string }
  | { type: 'bad'; detail: string; sample: string };

/** Split one WebSocket message into frames. */
export function readSockFrames(text: string): SockFrame[] {
  // Hot path: one whole `a[…]` frame, parsed natively without scanning it first.
  if (
    text.length > 2 &&
    text.charCodeAt(0) === 97 /* a */ &&
    text.charCodeAt(text.length - 1) === 93 /* ] */
  ) {
    try {
      const parsed: unknown = JSON.parse(text.slice(1));
      if (Array.isArray(parsed)) return [{ type: 'messages', messages: parsed }];
    } catch {
      // Not one frame: fall through to the scanner (frames run together, or a damaged one).
    }
  }
  const out: SockFrame[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === 'o') {
      out.push({ type: 'open' });
      i += 1;
    } else if (ch === 'h') {
      out.push({ type: 'heartbeat' });
      i += 1;
    } else if (ch === 'a' || ch === 'c') {
      const end = jsonEnd(text, i + 1);
      if (end < 0) {
        out.push({ type: 'bad', detail: `unterminated ${ch} frame`, sample: text.slice(i) });
        return out;
      }
      const json = text.slice(i + 1, end);
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch {
        out.push({ type: 'bad', detail: `${ch} frame is not JSON`, sample: text.slice(i, end) });
        i = end;
        continue;
      }
      if (!Array.isArray(parsed))
        out.push({ type: 'bad', detail: `${ch} frame is not an array`, sample: json });
      else if (ch === 'a') out.push({ type: 'messages', messages: parsed });
      else {
        const [code, reason] = parsed as unknown[];
        out.push({
          type: 'close',
          code: typeof code === 'number' && Number.isInteger(code) ? code : 1006,
          reason: typeof reason === 'string' ? reason : '',
        });
      }
      i = end;
    } else if (ch === '\n' || ch === '\r' || ch === ' ') i += 1;
    else {
      out.push({
        type: 'bad',
        detail: `unknown frame type ${JSON.stringify(ch)}`,
        sample: text.slice(i, i + 200),
      });
      return out;
    }
  }
  return out;
}

/** Index just past the JSON array starting at `start` (which must be `[`), or -1 if it never closes. */
function jsonEnd(text: string, start: number): number {
  if (text[start] !== '[') return -1;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i += 1;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) depth += 1;
    else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** A client request frame: `endpoint\nid\nquery\nbody`; empty lines must still be present. */
export function requestFrame(endpoint: string, id: number, query: string, body: string): string {
  return `${endpoint}\n${id}\n${query}\n${body}`;
}
