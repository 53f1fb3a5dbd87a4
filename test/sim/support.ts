/** A raw WebSocket client for simulator tests: records frames and lets a test await the next match. */
import { WebSocket } from 'ws';

export interface RawClient {
  ws: WebSocket;
  /** Text frames as received. */
  raw: string[];
  open: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** The first frame (past or future) whose text satisfies `pred`. */
  nextRaw(pred: (text: string) => boolean): Promise<string>;
}

export function rawClient(url: string, opts: ConstructorParameters<typeof WebSocket>[2] = {}): RawClient {
  const ws = new WebSocket(url, opts);
  const raw: string[] = [];
  const waiters: { pred: (t: string) => boolean; resolve: (t: string) => void }[] = [];
  ws.on('message', (d: Buffer) => {
    const text = d.toString('utf8');
    raw.push(text);
    for (const w of waiters.splice(0))
      if (w.pred(text)) w.resolve(text);
      else waiters.push(w);
  });
  ws.on('error', () => undefined);
  return {
    ws,
    raw,
    open: new Promise<void>((r) => ws.on('open', () => r())),
    closed: new Promise((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() }))),
    send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
    nextRaw: (pred) =>
      new Promise<string>((resolve) => {
        const hit = raw.find(pred);
        if (hit !== undefined) resolve(hit);
        else waiters.push({ pred, resolve });
      }),
  };
}

/** Messages of a frame that is a JSON array of messages (the demo exchange's trading socket). */
export function messagesOf(text: string): Record<string, unknown>[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? (v as Record<string, unknown>[]) : [];
  } catch {
    return [];
  }
}

/** A client of an array-framed socket that awaits individual messages. */
export function arrayClient(url: string) {
  const c = rawClient(url);
  const all = (): Record<string, unknown>[] => c.raw.flatMap(messagesOf);
  return {
    ...c,
    all,
    next: async (pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
      const text = await c.nextRaw((t) => messagesOf(t).some(pred));
      const hit = messagesOf(text).find(pred);
      if (hit === undefined) throw new Error('unreachable');
      return hit;
    },
  };
}
