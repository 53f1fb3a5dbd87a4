/**
 * One Supervisor per connection: it opens the adapter's link, authenticates, resyncs, watches the
 * link while it lives and decides what to do when it dies. Everything time-related lives here so
 * every adapter gets the same behaviour: connect timeout, full-jitter backoff with a reset after a
 * stable period, close-code policy, heartbeat and staleness watchdogs, proactive rotation, and the
 * health figures the trader sees. State changes are emitted only on change and every transition is
 * logged with connection id, from, to, reason, attempt and next delay.
 *
 * It also owns the seams every adapter would otherwise re-implement: the resync gate (events
 * between opening a link and emitting its snapshot are held, then applied after it), requests over
 * the current link (`request()`, failing fast when not connected), per-socket liveness for links
 * made of several sockets, and the clock adapters use for token lifetimes.
 */
import type { AccountMode, ConnectionHealth, ConnectionState } from '../../../shared/domain';
import type { ConnectionEvent } from '../connection';
import { type BackoffOptions, backoffDelay, defaultBackoff, tryLaterDelay } from './backoff';
import { type Clock, type Random, type TimerHandle, systemClock } from './clock';
import { HealthMeter } from './health';
import {
  type CloseInfo,
  type Failure,
  type HeartbeatOptions,
  type Link,
  type LinkAdapter,
  type LinkContext,
  type LinkHandlers,
  type LinkSocketSpec,
  RequestError,
  classifyClose,
  classifyError,
  heartbeatFromInterval,
} from './link';
import { canTransition, linkStates } from './states';

/** The subset of a pino logger the supervisor uses (so tests can pass a recorder). */
export interface SupervisorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface StalenessOptions {
  /** Expected interval per stream; streams not listed learn their cadence from traffic. */
  cadenceMs: Record<string, number>;
  /** A stream is stale after `factor` expected intervals without data... */
  factor: number;
  /** ...but never sooner than this. */
  minMs: number;
  /** Intervals to observe before a learned cadence is trusted. */
  learnAfter: number;
  /** How often streams are checked. */
  checkMs: number;
}

export interface SupervisorOptions {
  id: string;
  kind: string;
  label: string;
  mode: AccountMode;
  adapter: LinkAdapter;
  backoff?: Partial<BackoffOptions>;
  connectTimeoutMs?: number;
  /** Overrides the adapter's heartbeat interval (ping every interval, dead after two). */
  heartbeatMs?: number;
  /** Overrides parts of the adapter's heartbeat (keepalive, silence timeout, RTT probe). */
  heartbeat?: Partial<HeartbeatOptions>;
  /** Deadline of `request()` calls that name none. */
  requestTimeoutMs?: number;
  staleness?: Partial<StalenessOptions>;
  /** Open the replacement this long before the broker's maximum connection age. */
  rotationLeadMs?: number;
  /** Rotate links at this age even when the broker allows longer (a host-wide cap). */
  maxLinkAgeMs?: number;
  /** Minimum spacing of health events. */
  healthThrottleMs?: number;
  clock?: Clock;
  random?: Random;
  logger?: SupervisorLogger;
}

export type SupervisorListener = (event: ConnectionEvent) => void;

/** One open link and whether its callbacks still count. */
interface Slot {
  link: Link | null;
  current: boolean;
  openedAt: number;
  /**
   * The resync gate: events reported before this link's snapshot was emitted, applied right after
   * it (applied before, the older snapshot would overwrite them). Null once the gate is open.
   */
  held: ConnectionEvent[] | null;
  /** Last inbound frame per socket, for per-socket silence. */
  lastFrameAt: Map<string, number>;
  /** RTT probe sent at, per socket: pings carry no id, so only the latest one counts. */
  pingSentAt: Map<string, number>;
}

export interface RequestCallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

const SINGLE_SOCKET: readonly LinkSocketSpec[] = [{ name: 'main', essential: true }];

const defaultStaleness: StalenessOptions = {
  cadenceMs: {},
  factor: 3,
  minMs: 2_000,
  learnAfter: 5,
  checkMs: 500,
};

export class Supervisor {
  readonly id: string;
  private readonly opts: SupervisorOptions;
  private readonly backoff: BackoffOptions;
  private readonly staleness: StalenessOptions;
  /** Lent to adapters and order routes, so token lifetimes and deadlines run on the test clock too. */
  readonly clock: Clock;
  private readonly random: Random;
  private readonly log: SupervisorLogger;
  private readonly meter = new HealthMeter();
  private readonly connectTimeoutMs: number;
  private readonly heartbeat: HeartbeatOptions;
  private readonly sockets: readonly LinkSocketSpec[];
  private readonly requestTimeoutMs: number;
  private readonly healthThrottleMs: number;

  private listener: SupervisorListener | null = null;
  private stateValue: ConnectionState = 'idle';
  private since: number;
  private attempt = 0;
  private reconnects = 0;
  private everLive = false;
  private nextRetryAt: number | null = null;
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private malformedFrames = 0;
  private verified = false;

  private slot: Slot | null = null;
  private candidate: Slot | null = null;
  private abort: AbortController | null = null;
  /** Auxiliary sockets silent past their timeout: the connection is stale, naming them. */
  private readonly silentSockets = new Set<string>();
  private readonly timers = new Map<string, TimerHandle>();
  private lastHealthAt = Number.NEGATIVE_INFINITY;
  private healthTimer: TimerHandle | null = null;

  constructor(opts: SupervisorOptions) {
    this.opts = opts;
    this.id = opts.id;
    this.backoff = { ...defaultBackoff, ...opts.backoff };
    this.staleness = { ...defaultStaleness, ...opts.staleness };
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.log = opts.logger ?? { info: () => undefined, warn: () => undefined, error: () => undefined };
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    const a = opts.adapter;
    const base =
      opts.heartbeatMs !== undefined
        ? heartbeatFromInterval(opts.heartbeatMs)
        : (a.heartbeat ?? heartbeatFromInterval(a.heartbeatMs ?? 15_000));
    this.heartbeat = { ...base, ...opts.heartbeat };
    this.sockets = a.sockets !== undefined && a.sockets.length > 0 ? a.sockets : SINGLE_SOCKET;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.healthThrottleMs = opts.healthThrottleMs ?? 500;
    this.since = this.clock.now();
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Begin connecting; events (including health and state) go to `listener` until `stop()`. */
  start(listener: SupervisorListener): void {
    this.listener = listener;
    if (this.stateValue === 'idle') void this.connect('start');
    // Started again after stop() (a host restarting its engine): a fresh run, not a resumed backoff.
    else if (this.stateValue === 'stopped' || this.stateValue === 'failed') this.reconnect();
  }

  /** The user's "reconnect now": cuts a backoff wait short, revives a stopped or failed connection. */
  reconnect(): void {
    if (this.listener === null) return;
    const from = this.stateValue;
    if (from === 'stopped' || from === 'failed') this.attempt = 0;
    this.dropLink();
    void this.connect('reconnect requested');
  }

  /** The user's "disconnect": close and stay stopped until `reconnect()`. */
  disconnect(): void {
    this.shutdown('disconnected by user', null);
  }

  /** Stop for good (host shutting down). */
  stop(): void {
    this.shutdown('stopped', null);
    this.listener = null;
    if (this.healthTimer !== null) this.clock.clearTimeout(this.healthTimer);
    this.healthTimer = null;
  }

  /**
   * A request/response call over the current link. Fails fast with `not_connected` unless the
   * link is live (or stale): a request must never wait for a reconnect that may take minutes. The
   * deadline runs on the supervisor's clock; a timeout is ambiguous (the broker may have acted).
   */
  request(op: string, payload: unknown, opts: RequestCallOptions = {}): Promise<unknown> {
    const slot = this.slot;
    const link = slot?.link ?? null;
    if (slot === null || link === null || !slot.current || slot.held !== null || !this.serving())
      return Promise.reject(
        new RequestError('not_connected', `${this.opts.label} is not connected (${this.stateValue})`, {
          ambiguous: false,
        }),
      );
    if (link.request === undefined)
      return Promise.reject(
        new RequestError('unsupported', `${this.opts.label} takes no requests`, { ambiguous: false }),
      );
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    const abort = new AbortController();
    const outer = opts.signal;
    const onOuter = (): void => abort.abort();
    outer?.addEventListener('abort', onOuter, { once: true });
    return new Promise<unknown>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        abort.abort();
        reject(new RequestError('timeout', `${op}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        this.clock.clearTimeout(timer);
        outer?.removeEventListener('abort', onOuter);
      };
      link.request?.(op, payload, { timeoutMs, signal: abort.signal }).then(
        (v) => {
          done();
          resolve(v);
        },
        (err: unknown) => {
          done();
          reject(err);
        },
      );
    });
  }

  /** Parts of the connection that are stale right now: data streams and silent auxiliary sockets. */
  staleParts(): string[] {
    return [...this.staleStreams(), ...[...this.silentSockets].map((s) => `socket ${s}`)];
  }

  health(): ConnectionHealth {
    const now = this.clock.now();
    return {
      id: this.id,
      kind: this.opts.kind,
      label: this.opts.label,
      mode: this.opts.mode,
      state: this.stateValue,
      since: this.since,
      rttMs: this.meter.rttMs,
      lagMs: this.meter.lagMs,
      clockOffsetMs: this.meter.clockOffsetMs,
      lastMessageAt: this.meter.lastMessageAt,
      messagesPerSec: this.meter.messagesPerSec(now),
      reconnects: this.reconnects,
      attempt: this.attempt,
      nextRetryAt: this.nextRetryAt,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      malformedFrames: this.malformedFrames,
      rttHistory: [...this.meter.rttHistory],
      lagHistory: [...this.meter.lagHistory],
      ...this.opts.adapter.healthExtra?.(),
    };
  }

  // ---- connecting ----------------------------------------------------------------------------

  private async connect(reason: string): Promise<void> {
    this.clearTimer('retry');
    this.nextRetryAt = null;
    this.transition('connecting', reason);
    const abort = new AbortController();
    this.abort = abort;
    const slot = this.newSlot(true);
    this.slot = slot;
    this.setTimer('connect', this.connectTimeoutMs, () => {
      if (slot.current)
        this.fail({ action: 'retry', message: `connect timeout after ${this.connectTimeoutMs} ms` });
    });
    try {
      const link = await this.opts.adapter.open(this.handlers(slot), abort.signal, this.context());
      if (!slot.current) return link.terminate();
      slot.link = link;
      slot.openedAt = this.clock.now();
      this.transition('authenticating', 'transport open');
      await link.authenticate(abort.signal);
      if (!slot.current) return;
      this.transition('syncing', 'authenticated');
      const snapshot = await link.resync(abort.signal);
      if (!slot.current) return;
      this.clearTimer('connect');
      this.emit({ type: 'resync', snapshot });
      this.verified = true;
      if (this.everLive) this.reconnects += 1;
      this.everLive = true;
      this.transition('live', 'resynced');
      this.releaseHeld(slot);
      if (!slot.current) return;
      this.armLiveTimers(slot);
    } catch (err) {
      if (slot.current) this.fail(classifyError(err), err);
    }
  }

  private newSlot(current: boolean): Slot {
    return {
      link: null,
      current,
      openedAt: this.clock.now(),
      held: [],
      lastFrameAt: new Map(),
      pingSentAt: new Map(),
    };
  }

  private context(): LinkContext {
    return { clock: this.clock, logger: this.log };
  }

  /** Open the resync gate: apply what the link reported before its snapshot, in order. */
  private releaseHeld(slot: Slot): void {
    const held = slot.held ?? [];
    slot.held = null;
    for (const e of held) {
      if (!slot.current) return;
      this.emit(e);
    }
  }

  /** The socket that carries the RTT probe and unnamed frames: the first essential one. */
  private get primarySocket(): string {
    return (this.sockets.find((s) => s.essential) ?? this.sockets[0])?.name ?? 'main';
  }

  private handlers(slot: Slot): LinkHandlers {
    return {
      frame: (socket) => {
        // The candidate of a rotation tracks its own silence; only the current link feeds health.
        slot.lastFrameAt.set(socket ?? this.primarySocket, this.clock.now());
        if (!slot.current) return;
        if (socket !== undefined && this.silentSockets.delete(socket) && this.stateValue === 'stale')
          this.checkStale();
        this.meter.frame(this.clock.now());
        this.healthChanged();
      },
      data: (stream, exchangeTs) => {
        if (!slot.current) return;
        this.meter.data(stream, this.clock.now(), exchangeTs);
        if (this.stateValue === 'stale' && this.staleParts().length === 0)
          this.transition('live', `data on ${stream}`);
      },
      pong: (serverTs, socket) => {
        const name = socket ?? this.primarySocket;
        const sentAt = slot.pingSentAt.get(name);
        if (!slot.current || sentAt === undefined) return;
        this.meter.pong(sentAt, this.clock.now(), serverTs);
        slot.pingSentAt.delete(name);
        this.healthChanged();
      },
      malformed: (reason, sample) => {
        if (!slot.current) return;
        this.malformedFrames += 1;
        this.log.warn(
          { connectionId: this.id, reason, sample: sample.slice(0, 200) },
          'malformed frame dropped',
        );
        this.healthChanged();
      },
      event: (event) => {
        if (!slot.current && slot !== this.candidate) return;
        if (slot.held !== null) slot.held.push(event);
        else if (slot.current) this.emit(event);
      },
      closed: (info: CloseInfo) => {
        if (slot.current) this.fail(classifyClose(info));
        else if (slot === this.candidate) this.rotationFailed(`replacement closed (${info.code})`);
      },
      error: (message) => {
        if (!slot.current) return;
        this.setError(message);
        this.log.warn({ connectionId: this.id, error: message }, 'server reported an error');
        this.healthChanged(true);
      },
      rotate: (reason) => {
        // Only a serving link rotates; one still syncing is simply replaced by the next attempt.
        if (!slot.current || slot.held !== null || this.candidate !== null || !this.serving()) return;
        this.log.info({ connectionId: this.id, reason }, 'server asked for a new link');
        this.clearTimer('rotate');
        void this.rotate();
      },
    };
  }

  // ---- while live ----------------------------------------------------------------------------

  private armLiveTimers(slot: Slot): void {
    const hb = this.heartbeat;
    const primary = this.primarySocket;
    if (hb.probeMs !== null) {
      const probeMs = hb.probeMs;
      const probe = (): void => {
        if (!slot.current) return;
        // Pings carry no id: measure from the latest one (a lost pong must not inflate the next RTT).
        slot.pingSentAt.set(primary, this.clock.now());
        slot.link?.ping(primary);
        this.setTimer('probe', probeMs, probe);
      };
      // One probe right away: RTT and the clock offset (for feed lag) should not wait a full interval.
      probe();
    }
    if (hb.keepaliveMs !== null) {
      const keepaliveMs = hb.keepaliveMs;
      const keepalive = (): void => {
        if (!slot.current) return;
        for (const s of this.sockets) slot.link?.keepalive?.(s.name);
        this.setTimer('keepalive', keepaliveMs, keepalive);
      };
      this.setTimer('keepalive', keepaliveMs, keepalive);
    }
    // Half-open sockets deliver nothing, not even our pong: silence past the timeout means dead.
    // Only essential sockets fail the link; auxiliary ones are judged by the staleness check.
    const essential = this.sockets.filter((s) => s.essential);
    const single = this.sockets.length === 1;
    const liveness = (): void => {
      if (!slot.current) return;
      const now = this.clock.now();
      let next = Number.POSITIVE_INFINITY;
      for (const s of essential) {
        const limit = s.silenceMs ?? hb.silenceMs;
        const silentFor = now - Math.max(slot.lastFrameAt.get(s.name) ?? 0, slot.openedAt);
        if (silentFor >= limit) {
          const what = single ? 'no data or pong' : `socket ${s.name}: no frame`;
          this.fail({
            action: 'retry',
            message: `${what} for ${Math.round(silentFor / 1000)} s (heartbeat timeout)`,
          });
          return;
        }
        next = Math.min(next, limit - silentFor);
      }
      if (Number.isFinite(next)) this.setTimer('liveness', next, liveness);
    };
    const first = Math.min(...essential.map((s) => s.silenceMs ?? hb.silenceMs));
    if (Number.isFinite(first)) this.setTimer('liveness', first, liveness);
    const check = (): void => {
      if (!slot.current) return;
      this.markSilentSockets(slot);
      this.checkStale();
      this.setTimer('staleness', this.staleness.checkMs, check);
    };
    this.setTimer('staleness', this.staleness.checkMs, check);
    this.setTimer('stable', this.backoff.stableMs, () => {
      if (slot.current && this.attempt > 0) {
        this.log.info({ connectionId: this.id, attempt: this.attempt }, 'link stable: backoff reset');
        this.attempt = 0;
        this.healthChanged();
      }
    });
    const ages = [this.opts.adapter.maxConnectionAgeMs, this.opts.maxLinkAgeMs].filter(
      (a): a is number => a !== undefined,
    );
    const maxAge = ages.length === 0 ? undefined : Math.min(...ages);
    if (maxAge !== undefined) {
      const lead = Math.min(this.opts.rotationLeadMs ?? 30_000, maxAge / 2);
      this.setTimer(
        'rotate',
        Math.max(0, slot.openedAt + maxAge - lead - this.clock.now()),
        () => void this.rotate(),
      );
    }
  }

  private checkStale(): void {
    const stale = this.staleParts();
    if (stale.length > 0 && this.stateValue === 'live')
      this.transition('stale', `no data on ${stale.join(', ')}`);
    else if (stale.length === 0 && this.stateValue === 'stale') this.transition('live', 'data resumed');
  }

  /** Auxiliary sockets (market data) past their silence timeout: stale, but trading stays up. */
  private markSilentSockets(slot: Slot): void {
    const now = this.clock.now();
    for (const s of this.sockets) {
      if (s.essential) continue;
      const silentFor = now - Math.max(slot.lastFrameAt.get(s.name) ?? 0, slot.openedAt);
      if (silentFor >= (s.silenceMs ?? this.heartbeat.silenceMs)) this.silentSockets.add(s.name);
    }
  }

  /** Streams silent for longer than their expected cadence allows. */
  private staleStreams(): string[] {
    const now = this.clock.now();
    const out: string[] = [];
    const seen = new Set<string>();
    for (const [name, s] of this.meter.streams) {
      seen.add(name);
      const configured = this.staleness.cadenceMs[name];
      const cadence = configured ?? (s.samples >= this.staleness.learnAfter ? s.meanIntervalMs : null);
      if (cadence === null) continue;
      if (now - s.lastAt > Math.max(this.staleness.minMs, this.staleness.factor * cadence)) out.push(name);
    }
    // A configured stream that never delivered since the link came up is stale too.
    const liveSince = this.since;
    for (const [name, cadence] of Object.entries(this.staleness.cadenceMs)) {
      if (seen.has(name)) continue;
      const from = this.slot?.openedAt ?? liveSince;
      if (now - from > Math.max(this.staleness.minMs, this.staleness.factor * cadence)) out.push(name);
    }
    return out;
  }

  /** Open the replacement link before the broker cuts the old one at its maximum age. */
  private async rotate(): Promise<void> {
    const old = this.slot;
    if (old === null || !old.current || this.candidate !== null) return;
    const abort = new AbortController();
    const slot = this.newSlot(false);
    this.candidate = slot;
    this.log.info({ connectionId: this.id, state: this.stateValue }, 'rotating link before maximum age');
    const timeout = this.clock.setTimeout(() => {
      abort.abort();
      this.rotationFailed('replacement timed out');
    }, this.connectTimeoutMs);
    try {
      const link = await this.opts.adapter.open(this.handlers(slot), abort.signal, this.context());
      slot.link = link;
      slot.openedAt = this.clock.now();
      await link.authenticate(abort.signal);
      const snapshot = await link.resync(abort.signal);
      this.clock.clearTimeout(timeout);
      if (this.candidate !== slot || !old.current) return link.terminate();
      // Swap in one synchronous step so no event is lost or doubled between the two links.
      this.candidate = null;
      old.current = false;
      slot.current = true;
      this.slot = slot;
      old.link?.close(1000, 'rotated');
      this.silentSockets.clear();
      this.emit({ type: 'resync', snapshot });
      this.releaseHeld(slot);
      if (!slot.current) return;
      this.armLiveTimers(slot);
      this.log.info({ connectionId: this.id }, 'link rotated');
    } catch (err) {
      this.clock.clearTimeout(timeout);
      slot.link?.terminate();
      if (this.candidate === slot) this.rotationFailed(err instanceof Error ? err.message : String(err));
    }
  }

  private rotationFailed(message: string): void {
    const slot = this.candidate;
    if (slot === null) return;
    this.candidate = null;
    slot.link?.terminate();
    this.log.warn({ connectionId: this.id, error: message }, 'rotation failed; keeping the current link');
  }

  // ---- failure and teardown ------------------------------------------------------------------

  private fail(failure: Failure, err?: unknown): void {
    this.setError(failure.message);
    this.dropLink();
    if (failure.action === 'stop') {
      this.transition('stopped', failure.message);
      return;
    }
    this.attempt += 1;
    if (this.attempt > this.backoff.maxAttempts) {
      const gaveUp = `${failure.message}; gave up after ${this.backoff.maxAttempts} attempts`;
      this.setError(gaveUp);
      this.transition('failed', gaveUp);
      return;
    }
    const delay =
      failure.action === 'retry-later'
        ? tryLaterDelay(this.attempt, this.backoff, this.random)
        : backoffDelay(this.attempt, this.backoff, this.random);
    this.nextRetryAt = this.clock.now() + delay;
    this.setTimer('retry', delay, () => void this.connect(`retry ${this.attempt}`));
    this.transition('backoff', failure.message, delay, err);
  }

  private shutdown(reason: string, error: string | null): void {
    this.dropLink(1000, reason);
    this.nextRetryAt = null;
    if (error !== null) this.setError(error);
    this.transition('stopped', reason);
  }

  /** The error and when it happened travel together: the panel dates history by `lastErrorAt`. */
  private setError(message: string): void {
    this.lastError = message;
    this.lastErrorAt = this.clock.now();
  }

  /** Close the current link (if any), stop its timers and mark the account unverified. */
  private dropLink(code?: number, reason?: string): void {
    for (const name of [
      'connect',
      'probe',
      'keepalive',
      'liveness',
      'staleness',
      'stable',
      'rotate',
      'retry',
    ])
      this.clearTimer(name);
    this.abort?.abort();
    this.abort = null;
    const slot = this.slot;
    this.slot = null;
    if (slot !== null) {
      slot.current = false;
      if (code !== undefined) slot.link?.close(code, reason ?? '');
      else slot.link?.terminate();
    }
    if (this.candidate !== null) this.rotationFailed('link dropped');
    this.silentSockets.clear();
    this.meter.linkLost();
    if (this.verified) {
      this.verified = false;
      this.emit({ type: 'unverified' });
    }
  }

  // ---- state, events, timers -----------------------------------------------------------------

  private transition(to: ConnectionState, reason: string, nextDelayMs?: number, err?: unknown): void {
    const from = this.stateValue;
    if (from === to) return;
    if (!canTransition(from, to))
      throw new Error(`supervisor ${this.id}: illegal transition ${from} → ${to}`);
    this.stateValue = to;
    this.since = this.clock.now();
    const line = {
      connectionId: this.id,
      from,
      to,
      reason,
      attempt: this.attempt,
      nextDelayMs: nextDelayMs ?? null,
      ...(err instanceof Error ? { err } : {}),
    };
    if (to === 'failed') this.log.error(line, 'connection state');
    else if (to === 'backoff' || to === 'stale' || (to === 'stopped' && reason === this.lastError))
      this.log.warn(line, 'connection state');
    else this.log.info(line, 'connection state');
    this.healthChanged(true);
  }

  private emit(event: ConnectionEvent): void {
    this.listener?.(event);
  }

  /** Push health at most once per throttle window; state changes go out on the leading edge. */
  private healthChanged(urgent = false): void {
    if (this.listener === null) return;
    const now = this.clock.now();
    if (urgent || now - this.lastHealthAt >= this.healthThrottleMs) {
      if (this.healthTimer !== null) this.clock.clearTimeout(this.healthTimer);
      this.healthTimer = null;
      this.lastHealthAt = now;
      this.emit({ type: 'health', health: this.health() });
      return;
    }
    if (this.healthTimer !== null) return;
    this.healthTimer = this.clock.setTimeout(
      () => {
        this.healthTimer = null;
        this.lastHealthAt = this.clock.now();
        this.emit({ type: 'health', health: this.health() });
      },
      this.lastHealthAt + this.healthThrottleMs - now,
    );
  }

  private setTimer(name: string, ms: number, fn: () => void): void {
    this.clearTimer(name);
    this.timers.set(
      name,
      this.clock.setTimeout(
        () => {
          this.timers.delete(name);
          fn();
        },
        Math.max(0, ms),
      ),
    );
  }

  private clearTimer(name: string): void {
    const t = this.timers.get(name);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.timers.delete(name);
  }

  /** Requests are served while the link is up and resynced. */
  private serving(): boolean {
    return this.stateValue === 'live' || this.stateValue === 'stale';
  }

  /** True while a transport is open or being opened. */
  get linked(): boolean {
    return linkStates.has(this.stateValue);
  }
}
