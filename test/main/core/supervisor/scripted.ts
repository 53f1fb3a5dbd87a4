/**
 * A scripted LinkAdapter for supervisor unit tests: each `open()` follows the next step of a
 * script, and the test drives the open link (frames, pongs, closes) by hand. The real-socket
 * tests in test/main/core/brokers (the conformance suite) cover the same behaviour against real protocols.
 */
import type { ResyncSnapshot } from '../../../../src/main/core/connection';
import {
  type Link,
  type LinkAdapter,
  LinkError,
  type LinkHandlers,
} from '../../../../src/main/core/supervisor/link';

export type Step = 'ok' | 'refuse' | 'hang' | 'auth-fail';

export const emptySnapshot: ResyncSnapshot = { accounts: [], orders: [], fills: [] };

export class FakeLink implements Link {
  pings = 0;
  closedWith: { code: number; reason: string } | null = null;
  terminated = false;

  constructor(readonly h: LinkHandlers) {}

  authenticate(): Promise<void> {
    return Promise.resolve();
  }

  resync(): Promise<ResyncSnapshot> {
    return Promise.resolve(emptySnapshot);
  }

  ping(): void {
    this.pings += 1;
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

export class ScriptedAdapter implements LinkAdapter {
  readonly links: FakeLink[] = [];
  opens = 0;

  constructor(
    private readonly script: Step[],
    readonly heartbeatMs = 15_000,
    readonly maxConnectionAgeMs?: number,
    /** Step used once the script is exhausted. */
    private readonly fallback: Step = 'ok',
  ) {}

  get current(): FakeLink {
    const l = this.links.at(-1);
    if (l === undefined) throw new Error('no link opened yet');
    return l;
  }

  open(handlers: LinkHandlers, signal: AbortSignal): Promise<Link> {
    const step = this.script[this.opens] ?? this.fallback;
    this.opens += 1;
    if (step === 'refuse') return Promise.reject(new LinkError('network', 'connect ECONNREFUSED'));
    if (step === 'auth-fail') return Promise.reject(new LinkError('auth', 'upgrade refused: HTTP 401'));
    if (step === 'hang')
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new LinkError('network', 'aborted'))),
      );
    const link = new FakeLink(handlers);
    this.links.push(link);
    return Promise.resolve(link);
  }
}

/** Let pending promise callbacks run (the supervisor awaits open/authenticate/resync). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
