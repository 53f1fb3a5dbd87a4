/**
 * A scripted LinkAdapter for supervisor unit tests: each `open()` follows the next step of a
 * script, and the test drives the open link (frames, pongs, closes) by hand. The real-socket
 * tests in test/main/core/brokers (the conformance suite) cover the same behaviour against real protocols.
 */
import type { ResyncSnapshot } from '../../../../src/main/core/connection';
import {
  type HeartbeatOptions,
  type Link,
  type LinkAdapter,
  type LinkContext,
  LinkError,
  type LinkHandlers,
  type LinkSocketSpec,
  type RequestOptions,
} from '../../../../src/main/core/supervisor/link';

export type Step = 'ok' | 'refuse' | 'hang' | 'auth-fail';

export const emptySnapshot: ResyncSnapshot = { accounts: [], orders: [], fills: [] };

export class FakeLink implements Link {
  pings = 0;
  /** Sockets each ping and keepalive went to, in order. */
  readonly pinged: (string | undefined)[] = [];
  readonly keepalives: (string | undefined)[] = [];
  readonly requests: { op: string; payload: unknown; opts: RequestOptions }[] = [];
  /** Answers `request()`; unanswered requests hang until aborted. */
  answer: ((op: string, payload: unknown) => Promise<unknown>) | null = null;
  closedWith: { code: number; reason: string } | null = null;
  terminated = false;
  /** Set to hold `resync()` until the test calls `finishResync()`. */
  private pendingResync: ((s: ResyncSnapshot) => void) | null = null;

  constructor(
    readonly h: LinkHandlers,
    private readonly holdResync = false,
  ) {}

  authenticate(): Promise<void> {
    return Promise.resolve();
  }

  resync(): Promise<ResyncSnapshot> {
    if (!this.holdResync) return Promise.resolve(emptySnapshot);
    return new Promise((resolve) => {
      this.pendingResync = resolve;
    });
  }

  /** Deliver the held snapshot. */
  finishResync(snapshot: ResyncSnapshot = emptySnapshot): void {
    const r = this.pendingResync;
    if (r === null) throw new Error('resync() not called yet');
    this.pendingResync = null;
    r(snapshot);
  }

  ping(socket?: string): void {
    this.pings += 1;
    this.pinged.push(socket);
  }

  keepalive(socket?: string): void {
    this.keepalives.push(socket);
  }

  request(op: string, payload: unknown, opts: RequestOptions): Promise<unknown> {
    this.requests.push({ op, payload, opts });
    if (this.answer !== null) return this.answer(op, payload);
    return new Promise((_, reject) =>
      opts.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
    );
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  terminate(): void {
    this.terminated = true;
  }

  /** The server closes the link. */
  serverClose(code: number, reason = ''): void {
    this.h.closed({ code, reason });
  }
}

export interface ScriptedExtras {
  heartbeat?: HeartbeatOptions;
  sockets?: readonly LinkSocketSpec[];
  /** Links hold `resync()` until `finishResync()`. */
  holdResync?: boolean;
}

export class ScriptedAdapter implements LinkAdapter {
  readonly links: FakeLink[] = [];
  readonly contexts: LinkContext[] = [];
  opens = 0;
  readonly heartbeat?: HeartbeatOptions;
  readonly sockets?: readonly LinkSocketSpec[];

  constructor(
    private readonly script: Step[],
    readonly heartbeatMs = 15_000,
    readonly maxConnectionAgeMs?: number,
    /** Step used once the script is exhausted. */
    private readonly fallback: Step = 'ok',
    private readonly extras: ScriptedExtras = {},
  ) {
    if (extras.heartbeat !== undefined) this.heartbeat = extras.heartbeat;
    if (extras.sockets !== undefined) this.sockets = extras.sockets;
  }

  get current(): FakeLink {
    const l = this.links.at(-1);
    if (l === undefined) throw new Error('no link opened yet');
    return l;
  }

  open(handlers: LinkHandlers, signal: AbortSignal, context: LinkContext): Promise<Link> {
    const step = this.script[this.opens] ?? this.fallback;
    this.opens += 1;
    this.contexts.push(context);
    if (step === 'refuse') return Promise.reject(new LinkError('network', 'connect ECONNREFUSED'));
    if (step === 'auth-fail') return Promise.reject(new LinkError('auth', 'upgrade refused: HTTP 401'));
    if (step === 'hang')
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new LinkError('network', 'aborted'))),
      );
    const link = new FakeLink(handlers, this.extras.holdResync === true);
    this.links.push(link);
    return Promise.resolve(link);
  }
}

/** Let pending promise callbacks run (the supervisor awaits open/authenticate/resync). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
