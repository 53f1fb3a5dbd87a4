/**
 * The transport-agnostic seam between the Supervisor and a broker or gateway adapter. The adapter
 * knows framing, authentication and translation; the supervisor knows time: timeouts, backoff,
 * heartbeats, watchdogs, rotation and health. A future broker implements `LinkAdapter` and gets
 * all of the supervisor's behaviour for free.
 */
import type { ConnectionEvent, ResyncSnapshot } from '../connection';
import type { ConnectionHealth } from '../../../shared/domain';
import type { Clock } from './clock';
import type { SupervisorLogger } from './supervisor';

export interface CloseInfo {
  code: number;
  reason: string;
}

/** Callbacks an adapter calls for one link. Calls after the link was replaced are ignored. */
export interface LinkHandlers {
  /**
   * Any inbound frame, valid or not: proof that the transport is alive. Links of several sockets
   * name the socket, so each is judged on its own silence; one-socket links may omit it.
   */
  frame(socket?: string): void;
  /** A data message on `stream` (feeds staleness), with the exchange's timestamp when known (feeds lag). */
  data(stream: string, exchangeTs: number | null): void;
  /** Reply to `Link.ping()`; `serverTs` (server clock, epoch ms) feeds the clock-offset estimate. */
  pong(serverTs: number | null, socket?: string): void;
  /** A frame that failed to parse or violated the protocol: already dropped by the adapter. */
  malformed(reason: string, sample: string): void;
  /** A normalized event for the engine. */
  event(event: ConnectionEvent): void;
  /** The transport closed (by either side, or broke). */
  closed(info: CloseInfo): void;
  /**
   * The server reported a problem without closing (a relay's `proxy_error`): shown as the
   * connection's last error; the link stays up. Optional so older handler objects still fit.
   */
  error?(message: string): void;
  /**
   * The server announced it will end this link soon (TradeStation's `GoAway`, Binance's `serverShutdown`): open the
   * replacement now, as for a maximum connection age, instead of waiting for the cut.
   */
  rotate?(reason: string): void;
}

export interface RequestOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface Link {
  /** Prove who we are (or that the server accepted the credentials sent on open). */
  authenticate(signal: AbortSignal): Promise<void>;
  /**
   * Subscribe and fetch a full picture; the ledger reconciles it before the account is verified.
   * Events the link reports from `authenticate` on are held by the supervisor and applied after
   * the snapshot, so an adapter may resolve this from a frame that came before it was called.
   */
  resync(signal: AbortSignal): Promise<ResyncSnapshot>;
  /** Send the RTT probe on `socket` (the primary when omitted); the adapter answers with `handlers.pong`. */
  ping(socket?: string): void;
  /** Send a keepalive that expects no reply (Tradovate's `[]`); only called when configured. */
  keepalive?(socket?: string): void;
  /**
   * A request/response call over this link (place an order, a sync request, a signed session
   * call). Rejects with a `RequestError`; a timeout or a close after sending is `ambiguous`.
   */
  request?(op: string, payload: unknown, opts: RequestOptions): Promise<unknown>;
  /** Graceful close (sends a close frame). */
  close(code: number, reason: string): void;
  /** Abrupt close: for half-open sockets that would never answer a close frame. */
  terminate(): void;
}

/**
 * How liveness is kept and judged. Protocols differ: portfolio-stream answers our JSON ping with a
 * pong (one message is keepalive and RTT probe), Tradovate's client `[]` gets no reply, Binance
 * pings from the server. So the three concerns are set separately.
 */
export interface HeartbeatOptions {
  /** Send `Link.keepalive()` this often (null: the protocol needs none, or the probe keeps it alive). */
  keepaliveMs: number | null;
  /** A socket with no inbound frame for this long is dead (half-open). */
  silenceMs: number;
  /** Send `Link.ping()` this often and measure RTT from its pong (null: no probe). */
  probeMs: number | null;
}

/** The old single figure: a ping every `heartbeatMs` that doubles as keepalive, dead after two. */
export function heartbeatFromInterval(heartbeatMs: number): HeartbeatOptions {
  return { keepaliveMs: null, silenceMs: 2 * heartbeatMs, probeMs: heartbeatMs };
}

/** One socket of a link made of several (trading + market data, WebSocket API + streams). */
export interface LinkSocketSpec {
  name: string;
  /**
   * Essential sockets carry orders and account state: their silence fails the whole link.
   * A silent auxiliary socket (market data) only marks the connection stale, naming the socket.
   */
  essential: boolean;
  /** Overrides the adapter's silence timeout for this socket. */
  silenceMs?: number;
}

/** What the supervisor hands an adapter with each link: its clock (for token lifetimes) and logger. */
export interface LinkContext {
  clock: Clock;
  logger: SupervisorLogger;
}

export interface LinkAdapter {
  /**
   * Interval of protocol pings; the link is declared dead after two intervals without a frame.
   * Ignored when `heartbeat` is given.
   */
  readonly heartbeatMs?: number;
  readonly heartbeat?: HeartbeatOptions;
  /** The sockets of one link; a single unnamed essential socket when absent. */
  readonly sockets?: readonly LinkSocketSpec[];
  /** Brokers that cut every connection at a fixed age: rotate before they do. */
  readonly maxConnectionAgeMs?: number;
  /** Figures only the adapter knows (request-weight headroom), merged into the connection's health. */
  healthExtra?(): Pick<ConnectionHealth, 'rateLimit'>;
  /** Open the transport. Rejects with a `LinkError` (or any error, treated as a network failure). */
  open(handlers: LinkHandlers, signal: AbortSignal, context: LinkContext): Promise<Link>;
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

/**
 * Why a request got no answer. `ambiguous` means the request may have reached the broker (sent,
 * then timed out or the link closed): resolve it by querying, never by resending.
 */
export type RequestErrorKind =
  'not_connected' | 'timeout' | 'link_closed' | 'aborted' | 'unsupported' | 'rejected';

export class RequestError extends Error {
  readonly ambiguous: boolean;
  /** The broker's own error code, when it answered with one (`rejected`). */
  readonly code: string | undefined;
  constructor(
    readonly kind: RequestErrorKind,
    message: string,
    opts: { ambiguous?: boolean; code?: string } = {},
  ) {
    super(message);
    this.name = 'RequestError';
    this.ambiguous = opts.ambiguous ?? (kind === 'timeout' || kind === 'link_closed');
    this.code = opts.code;
  }
}
