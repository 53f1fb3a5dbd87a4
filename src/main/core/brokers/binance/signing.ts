/**
 * Signed requests (`protocols/brokers.md` §3.4): HMAC-SHA256 in hex over the query string (REST)
 * or over the params sorted by name (WebSocket API), with a `timestamp` on the server's clock and
 * a `recvWindow`. The secret stays inside `Signer`: it never reaches a message, a log or an error.
 */
import { createHmac } from 'node:crypto';

export class Signer {
  readonly #secret: string;

  constructor(
    readonly apiKey: string,
    secret: string,
  ) {
    this.#secret = secret;
  }

  sign(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload).digest('hex');
  }

  /** WebSocket API params with apiKey, timestamp, recvWindow and signature added. */
  signParams(
    params: Record<string, string | number | boolean>,
    timestamp: number,
    recvWindow: number,
  ): Record<string, string | number | boolean> {
    const all: Record<string, string | number | boolean> = {
      ...params,
      apiKey: this.apiKey,
      timestamp,
      recvWindow,
    };
    const payload = Object.keys(all)
      .sort()
      .map((k) => `${k}=${String(all[k])}`)
      .join('&');
    return { ...all, signature: this.sign(payload) };
  }

  /** A REST query string with timestamp, recvWindow and signature appended. */
  signQuery(params: Record<string, string | number>, timestamp: number, recvWindow: number): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) q.set(k, String(v));
    q.set('timestamp', String(timestamp));
    q.set('recvWindow', String(recvWindow));
    const payload = q.toString();
    return `${payload}&signature=${this.sign(payload)}`;
  }

  /** Never print the secret, whatever logs this object. */
  toJSON(): Record<string, string> {
    return { apiKey: '[redacted]' };
  }
}

/**
 * The server's clock as the adapter sees it: `offset` = server − local, measured from `time`
 * replies (midpoint of the round trip). Timestamps of signed requests are local + offset, so a
 * skewed local clock never lands outside `recvWindow`.
 */
export class ServerClock {
  offset = 0;
  measured = false;

  observe(sentAt: number, receivedAt: number, serverTime: number): void {
    this.offset = serverTime - Math.round((sentAt + receivedAt) / 2);
    this.measured = true;
  }

  at(local: number): number {
    return local + this.offset;
  }
}
