/**
 * Requests waiting for their reply, keyed by the id the protocol echoes (`i` in Tradovate, `id` in
 * Binance's WebSocket API). A waiter ends one way only: answered, failed by the server, timed out
 * (ambiguous: the broker may have acted), aborted, or rejected when its link closes (ambiguous
 * too: the request was sent). Timers run on the supervisor's clock so tests can drive them.
 */
import type { Clock, TimerHandle } from '../../supervisor/clock';
import { RequestError } from '../../supervisor/link';

interface Waiter<T> {
  op: string;
  resolve(v: T): void;
  reject(e: Error): void;
  timer: TimerHandle | null;
  cleanup: () => void;
}

export interface WaitOptions {
  /** What the request was, for error messages ("order/placeorder"). */
  op?: string;
  /** No deadline when absent (the caller holds one, e.g. the supervisor's connect timeout). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class PendingRequests<K, T = unknown> {
  private readonly waiters = new Map<K, Waiter<T>>();
  private closedWith: Error | null = null;

  constructor(private readonly clock: Clock) {}

  /** Wait for the reply to `id`. Register before sending, so a fast reply cannot be missed. */
  wait(id: K, opts: WaitOptions = {}): Promise<T> {
    const op = opts.op ?? String(id);
    if (this.closedWith !== null)
      return Promise.reject(new RequestError('not_connected', `${op}: link closed`, { ambiguous: false }));
    if (this.waiters.has(id))
      return Promise.reject(new Error(`${op}: request id ${String(id)} already waiting`));
    return new Promise<T>((resolve, reject) => {
      const signal = opts.signal;
      const onAbort = (): void => {
        this.settle(id, (w) => w.reject(new RequestError('aborted', `${w.op}: aborted`)));
      };
      const w: Waiter<T> = {
        op,
        resolve,
        reject,
        timer: null,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      this.waiters.set(id, w);
      if (opts.timeoutMs !== undefined) {
        const ms = opts.timeoutMs;
        w.timer = this.clock.setTimeout(() => {
          this.settle(id, (x) => x.reject(new RequestError('timeout', `${x.op}: no answer within ${ms} ms`)));
        }, ms);
      }
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The reply arrived. False when nobody waits for `id` (late, after a timeout, or unsolicited). */
  resolve(id: K, value: T): boolean {
    return this.settle(id, (w) => w.resolve(value));
  }

  /** The server answered with an error: not ambiguous, the broker said no. */
  reject(id: K, err: Error): boolean {
    return this.settle(id, (w) => w.reject(err));
  }

  /** The link closed: every waiter fails (ambiguous, since each request was sent) and no new one may start. */
  close(reason: string): void {
    this.closedWith = new RequestError('link_closed', reason);
    for (const id of [...this.waiters.keys()])
      this.settle(id, (w) => w.reject(new RequestError('link_closed', `${w.op}: ${reason}`)));
  }

  has(id: K): boolean {
    return this.waiters.has(id);
  }

  get size(): number {
    return this.waiters.size;
  }

  private settle(id: K, fn: (w: Waiter<T>) => void): boolean {
    const w = this.waiters.get(id);
    if (w === undefined) return false;
    this.waiters.delete(id);
    if (w.timer !== null) this.clock.clearTimeout(w.timer);
    w.cleanup();
    fn(w);
    return true;
  }
}

/** Sequential request ids, unique per link (Tradovate's `i`, Binance's `id`). */
export class RequestIds {
  private next = 1;
  take(): number {
    return this.next++;
  }
}
