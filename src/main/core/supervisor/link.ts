/**
 * The transport-agnostic seam between the Supervisor and a broker or gateway adapter. The adapter
 * knows framing, authentication and translation; the supervisor knows time: timeouts, backoff,
 * heartbeats, watchdogs, rotation and health. A future broker implements `LinkAdapter` and gets
 * all of the supervisor's behaviour for free.
 */
import type { ConnectionEvent, ResyncSnapshot } from '../connection';

export interface CloseInfo {
  code: number;
  reason: string;
}

/** Callbacks an adapter calls for one link. Calls after the link was replaced are ignored. */
export interface LinkHandlers {
  /** Any inbound frame, valid or not: proof that the transport is alive. */
  frame(): void;
  /** A data message on `stream` (feeds staleness), with the exchange's timestamp when known (feeds lag). */
  data(stream: string, exchangeTs: number | null): void;
  /** Reply to `Link.ping()`; `serverTs` (server clock, epoch ms) feeds the clock-offset estimate. */
  pong(serverTs: number | null): void;
  /** A frame that failed to parse or violated the protocol: already dropped by the adapter. */
  malformed(reason: string, sample: string): void;
  /** A normalized event for the engine. */
  event(event: ConnectionEvent): void;
  /** The transport closed (by either side, or broke). */
  closed(info: CloseInfo): void;
}

export interface Link {
  /** Prove who we are (or that the server accepted the credentials sent on open). */
  authenticate(signal: AbortSignal): Promise<void>;
  /** Subscribe and fetch a full picture; the ledger reconciles it before the account is verified. */
  resync(signal: AbortSignal): Promise<ResyncSnapshot>;
  /** Send a protocol-level ping; the adapter answers with `handlers.pong`. */
  ping(): void;
  /** Graceful close (sends a close frame). */
  close(code: number, reason: string): void;
  /** Abrupt close: for half-open sockets that would never answer a close frame. */
  terminate(): void;
}

export interface LinkAdapter {
  /** Interval of protocol pings; the link is declared dead after two intervals without a frame. */
  readonly heartbeatMs: number;
  /** Brokers that cut every connection at a fixed age: rotate before they do. */
  readonly maxConnectionAgeMs?: number;
  /** Open the transport. Rejects with a `LinkError` (or any error, treated as a network failure). */
  open(handlers: LinkHandlers, signal: AbortSignal): Promise<Link>;
}

/** How a failure is handled: retry with backoff, retry after a longer wait, or stop and tell the user. */
export type FailureAction = 'retry' | 'retry-later' | 'stop';

export type LinkErrorKind = 'auth' | 'network' | 'protocol' | 'capacity';

export class LinkError extends Error {
  constructor(
    readonly kind: LinkErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'LinkError';
  }
}

export interface Failure {
  action: FailureAction;
  /** What the trader reads as the connection's last error. */
  message: string;
}

/** The close-code policy of RFC 6455 codes as the gateway protocols use them. */
export function classifyClose(info: CloseInfo): Failure {
  const reason = info.reason.trim();
  switch (info.code) {
    case 1000:
      return { action: 'stop', message: reason || 'closed by server (1000)' };
    case 1008:
      // Policy violation: failed auth or a per-user connection limit. Retrying would loop forever.
      return { action: 'stop', message: reason || 'authentication required' };
    case 1013:
      return {
        action: 'retry-later',
        message: `server busy, try again later (1013${reason ? `: ${reason}` : ''})`,
      };
    case 1001:
      return { action: 'retry', message: `server going away (1001${reason ? `: ${reason}` : ''})` };
    case 1011:
      return { action: 'retry', message: `server error (1011${reason ? `: ${reason}` : ''})` };
    case 1006:
      return { action: 'retry', message: 'connection lost (no close frame)' };
    default:
      return { action: 'retry', message: `closed (${info.code}${reason ? `: ${reason}` : ''})` };
  }
}

export function classifyError(err: unknown): Failure {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof LinkError) {
    if (err.kind === 'auth') return { action: 'stop', message };
    if (err.kind === 'capacity') return { action: 'retry-later', message };
  }
  return { action: 'retry', message };
}
