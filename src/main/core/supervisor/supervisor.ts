/**
 * One Supervisor per connection: it opens the adapter's link, authenticates, resyncs, watches the
 * link while it lives and decides what to do when it dies. Everything time-related lives here so
 * every adapter gets the same behaviour: connect timeout, full-jitter backoff with a reset after a
 * stable period, close-code policy, heartbeat and staleness watchdogs, proactive rotation, and the
 * health figures the trader sees. State changes are emitted only on change and every transition is
 * logged with connection id, from, to, reason, attempt and next delay.
 */
import type { AccountMode, ConnectionHealth, ConnectionState } from '../../../shared/domain';
import type { ConnectionEvent } from '../connection';
import { type BackoffOptions, backoffDelay, defaultBackoff, tryLaterDelay } from './backoff';
import { type Clock, type Random, type TimerHandle, systemClock } from './clock';
import { HealthMeter } from './health';
import {
  type CloseInfo,
  type Failure,
  type Link,
  type LinkAdapter,
  type LinkHandlers,
  classifyClose,
  classifyError,
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
  /** Overrides the adapter's heartbeat interval. */
  heartbeatMs?: number;
  staleness?: Partial<StalenessOptions>;
  /** Open the replacement this long before the broker's maximum connection age. */
  rotationLeadMs?: number;
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
}

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
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly log: SupervisorLogger;
  private readonly meter = new HealthMeter();
  private readonly connectTimeoutMs: number;
  private readonly heartbeatMs: number;
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
  private pingSentAt: number | null = null;
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
    this.heartbeatMs = opts.heartbeatMs ?? opts.adapter.heartbeatMs;
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
    };
  }

  // ---- connecting ----------------------------------------------------------------------------

  private async connect(reason: string): Promise<void> {
    this.clearTimer('retry');
    this.nextRetryAt = null;
    this.transition('connecting', reason);
    const abort = new AbortController();
    this.abort = abort;
    const slot: Slot = { link: null, current: true, openedAt: this.clock.now() };
    this.slot = slot;
    this.setTimer('connect', this.connectTimeoutMs, () => {
      if (slot.current)
        this.fail({ action: 'retry', message: `connect timeout after ${this.connectTimeoutMs} ms` });
    });
    try {
      const link = await this.opts.adapter.open(this.handlers(slot), abort.signal);
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
      this.armLiveTimers(slot);
    } catch (err) {
      if (slot.current) this.fail(classifyError(err), err);
    }
  }

  private handlers(slot: Slot): LinkHandlers {
    return {
      frame: () => {
        if (!slot.current) return;
        this.meter.frame(this.clock.now());
        this.healthChanged();
      },
      data: (stream, exchangeTs) => {
        if (!slot.current) return;
        this.meter.data(stream, this.clock.now(), exchangeTs);
        if (this.stateValue === 'stale' && this.staleStreams().length === 0)
          this.transition('live', `data on ${stream}`);
      },
      pong: (serverTs) => {
        if (!slot.current || this.pingSentAt === null) return;
        this.meter.pong(this.pingSentAt, this.clock.now(), serverTs);
        this.pingSentAt = null;
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
        if (slot.current) this.emit(event);
      },
      closed: (info: CloseInfo) => {
        if (slot.current) this.fail(classifyClose(info));
        else if (slot === this.candidate) this.rotationFailed(`replacement closed (${info.code})`);
      },
    };
  }

  // ---- while live ----------------------------------------------------------------------------

  private armLiveTimers(slot: Slot): void {
    const hb = this.heartbeatMs;
    const beat = (): void => {
      if (!slot.current) return;
      // Pings carry no id: measure from the latest one (a lost pong must not inflate the next RTT).
      this.pingSentAt = this.clock.now();
      slot.link?.ping();
      this.setTimer('heartbeat', hb, beat);
    };
    // One ping right away: RTT and the clock offset (for feed lag) should not wait a full interval.
    this.pingSentAt = this.clock.now();
    slot.link?.ping();
    this.setTimer('heartbeat', hb, beat);
    // Half-open sockets deliver nothing, not even our pong: two silent intervals mean dead.
    const liveness = (): void => {
      if (!slot.current) return;
      const last = Math.max(this.meter.lastMessageAt ?? 0, slot.openedAt);
      const silentFor = this.clock.now() - last;
      if (silentFor >= 2 * hb) {
        this.fail({
          action: 'retry',
          message: `no data or pong for ${Math.round(silentFor / 1000)} s (heartbeat timeout)`,
        });
        return;
      }
      this.setTimer('liveness', 2 * hb - silentFor, liveness);
    };
    this.setTimer('liveness', 2 * hb, liveness);
    const check = (): void => {
      if (!slot.current) return;
      const stale = this.staleStreams();
      if (stale.length > 0 && this.stateValue === 'live')
        this.transition('stale', `no data on ${stale.join(', ')}`);
      else if (stale.length === 0 && this.stateValue === 'stale') this.transition('live', 'data resumed');
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
    const maxAge = this.opts.adapter.maxConnectionAgeMs;
    if (maxAge !== undefined) {
      const lead = Math.min(this.opts.rotationLeadMs ?? 30_000, maxAge / 2);
      this.setTimer(
        'rotate',
        Math.max(0, slot.openedAt + maxAge - lead - this.clock.now()),
        () => void this.rotate(),
      );
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
    const slot: Slot = { link: null, current: false, openedAt: this.clock.now() };
    this.candidate = slot;
    this.log.info({ connectionId: this.id, state: this.stateValue }, 'rotating link before maximum age');
    const timeout = this.clock.setTimeout(() => {
      abort.abort();
      this.rotationFailed('replacement timed out');
    }, this.connectTimeoutMs);
    try {
      const link = await this.opts.adapter.open(this.handlers(slot), abort.signal);
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
      this.pingSentAt = null;
      this.emit({ type: 'resync', snapshot });
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
    for (const name of ['connect', 'heartbeat', 'liveness', 'staleness', 'stable', 'rotate', 'retry'])
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
    this.pingSentAt = null;
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

  /** True while a transport is open or being opened. */
  get linked(): boolean {
    return linkStates.has(this.stateValue);
  }
}
