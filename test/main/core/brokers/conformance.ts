/**
 * The adapter conformance suite: the protocol-neutral rows of the fault matrix (docs/reliability.md)
 * that every adapter runs against its own simulator, over real loopback sockets, with the real
 * adapter under the real Supervisor. A kind supplies how to build its simulator and adapter and the
 * few facts that differ by protocol; the suite asserts what the trader's terminal does.
 *
 *   describeAdapterConformance(portfolioStreamSubject);
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../../../src/shared/domain';
import type { ConnectionEvent } from '../../../../src/main/core/connection';
import { Ledger } from '../../../../src/main/core/ledger';
import type { Clock } from '../../../../src/main/core/supervisor/clock';
import type { Link, LinkAdapter, LinkContext, LinkHandlers } from '../../../../src/main/core/supervisor/link';
import { Supervisor, type SupervisorOptions } from '../../../../src/main/core/supervisor/supervisor';
import type { FaultInput } from '../../../../sim/faults';
import { ManualClock, Recorder, recordingLogger, until } from '../supervisor/support';

/** What the suite needs of a simulator: the `sim/base.ts` lifecycle, fault API and counters. */
export interface ConformanceSim {
  start(): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
  readonly running: boolean;
  address(): { url: string; port: number };
  fault(input: FaultInput): unknown;
  clearFaults(): void;
  /** Frames sent to clients in total (to wait until the wire is quiet). */
  readonly framesSent: number;
  /** Upgrades held open by the `hang` fault. */
  readonly hungCount: number;
  /** Connections ever accepted, and the most open at once. */
  readonly accepted: number;
  readonly peakConnections: number;
}

/** Simulator settings the suite asks for; a kind maps them onto its own options. */
export interface SimTuning {
  /** The server cuts every connection at this age. */
  maxConnectionAgeMs?: number;
}

/** Adapter settings the suite asks for; a kind maps them onto its own options. */
export interface AdapterTuning {
  url: string;
  heartbeatMs: number;
  maxConnectionAgeMs?: number;
  maxPayloadBytes?: number;
  logger: ReturnType<typeof recordingLogger>;
}

export interface AdapterSubject<S extends ConformanceSim> {
  /** Shown in the suite's title. */
  name: string;
  kind: string;
  /**
   * A fresh, stopped simulator that streams data steadily on `stream` every `cadenceMs` and
   * produces fills now and then (the duplicate row waits for two).
   */
  createSim(tuning: SimTuning): S;
  createAdapter(sim: S, tuning: AdapterTuning): LinkAdapter;
  /** The data stream (as the adapter names it in `handlers.data`) the simulator feeds steadily. */
  stream: string;
  cadenceMs: number;
  /** Whether data carries exchange timestamps (so feed lag is measured). */
  reportsExchangeTime: boolean;
  /** What the server says when it closes a session whose credentials expired (1008). */
  expiredReason: string | RegExp;
  /** Give the simulator fresh credentials for the adapter after `expire-credentials`. */
  renewCredentials(sim: S): void;
  /** Rows this kind cannot run yet, with the reason in the kind's test file. */
  skip?: readonly ConformanceRow[];
  /** Extra protocol-specific checks after the reorder burst (e.g. the late updates were logged). */
  afterReorder?(x: Harness<S>): void;
}

export type ConformanceRow =
  | 'drop'
  | 'half-open'
  | 'delay'
  | 'throttle'
  | 'malformed'
  | 'oversized'
  | 'close 1000'
  | 'close 1001/1011'
  | 'close 1008'
  | 'close 1013'
  | 'refuse'
  | 'hang'
  | 'expire credentials'
  | 'duplicate'
  | 'reorder'
  | 'server restart'
  | 'maximum connection age';

/** Counts frames delivered to the supervisor, so a test can wait until the wire is quiet. */
export class CountingAdapter implements LinkAdapter {
  frames = 0;
  opens = 0;
  constructor(private readonly inner: LinkAdapter) {}
  get heartbeatMs(): number | undefined {
    return this.inner.heartbeatMs;
  }
  get heartbeat(): LinkAdapter['heartbeat'] {
    return this.inner.heartbeat;
  }
  get sockets(): LinkAdapter['sockets'] {
    return this.inner.sockets;
  }
  get maxConnectionAgeMs(): number | undefined {
    return this.inner.maxConnectionAgeMs;
  }
  open(h: LinkHandlers, signal: AbortSignal, context: LinkContext): Promise<Link> {
    this.opens += 1;
    return this.inner.open(
      {
        ...h,
        frame: (socket) => {
          this.frames += 1;
          h.frame(socket);
        },
      },
      signal,
      context,
    );
  }
}

export interface Harness<S extends ConformanceSim> {
  sim: S;
  sup: Supervisor;
  rec: Recorder;
  adapter: CountingAdapter;
  logger: ReturnType<typeof recordingLogger>;
  waitState(state: ConnectionState, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions<S extends ConformanceSim> extends Partial<
  Omit<SupervisorOptions, 'adapter' | 'id' | 'kind' | 'label' | 'mode'>
> {
  /** Simulator settings for a new simulator. */
  tuning?: SimTuning;
  /** Use this simulator (started if needed) instead of a new one; the caller stops it. */
  existing?: S;
  /** Stop `existing` on close anyway (a simulator built for this harness alone). */
  ownsSim?: boolean;
  maxAgeMs?: number;
  maxPayloadBytes?: number;
  clock?: Clock;
  start?: boolean;
}

/** The real adapter of `subject` under a real Supervisor against its simulator on loopback. */
export async function conformanceHarness<S extends ConformanceSim>(
  subject: AdapterSubject<S>,
  o: HarnessOptions<S> = {},
): Promise<Harness<S>> {
  const sim = o.existing ?? subject.createSim(o.tuning ?? {});
  const addr = sim.running ? sim.address() : await sim.start();
  const logger = recordingLogger();
  const adapter = new CountingAdapter(
    subject.createAdapter(sim, {
      url: addr.url,
      heartbeatMs: o.heartbeatMs ?? 15_000,
      ...(o.maxAgeMs === undefined ? {} : { maxConnectionAgeMs: o.maxAgeMs }),
      ...(o.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: o.maxPayloadBytes }),
      logger,
    }),
  );
  const rec = new Recorder();
  const { tuning: _t, existing: _e, ownsSim: _o, maxAgeMs: _m, maxPayloadBytes: _p, start, ...sup } = o;
  const supervisor = new Supervisor({
    ...sup,
    id: subject.kind,
    kind: subject.kind,
    label: subject.name,
    mode: 'paper',
    adapter,
    logger,
    healthThrottleMs: 0,
    backoff: { baseMs: 20, capMs: 200, minMs: 5, tryLaterMs: 300, ...o.backoff },
  });
  if (start !== false) supervisor.start(rec.listener);
  return {
    sim,
    sup: supervisor,
    rec,
    adapter,
    logger,
    waitState: (state, timeoutMs) =>
      until(() => supervisor.state === state, `state ${state} (now ${supervisor.state})`, timeoutMs),
    close: async () => {
      supervisor.stop();
      if (o.existing === undefined || o.ownsSim === true) await sim.stop();
    },
  };
}

/** The resync / unverified sequence a test saw, in order. */
export function resyncTrail(events: readonly ConnectionEvent[]): string[] {
  return events.filter((e) => e.type === 'resync' || e.type === 'unverified').map((e) => e.type);
}

export function describeAdapterConformance<S extends ConformanceSim>(subject: AdapterSubject<S>): void {
  const skip = new Set(subject.skip ?? []);
  const row = (name: ConformanceRow) => (skip.has(name) ? it.skip : it);

  let h: Harness<S> | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  async function live(o: HarnessOptions<S> = {}): Promise<Harness<S>> {
    h = await conformanceHarness(subject, o);
    await h.waitState('live');
    return h;
  }

  function retryIn(x: Harness<S>, clock: ManualClock): number {
    const at = x.sup.health().nextRetryAt;
    if (at === null) throw new Error(`no retry scheduled (state ${x.sup.state})`);
    return at - clock.now();
  }

  /** Frames the sim sent and the client received are equal: nothing is in flight. */
  async function quiet(x: Harness<S>): Promise<void> {
    await until(() => x.adapter.frames >= x.sim.framesSent, 'wire to drain');
  }

  describe(`adapter conformance: ${subject.name} over real sockets`, () => {
    row('drop')(
      'drop: socket destroyed without close frame → backoff → live again, unverified then resynced',
      async () => {
        const x = await live();
        x.sim.fault({ kind: 'drop' });
        await x.waitState('backoff');
        expect(x.sup.health().lastError).toMatch(/1006|no close frame/);
        await x.waitState('live');
        expect(resyncTrail(x.rec.events)).toEqual(['resync', 'unverified', 'resync']);
        expect(x.sup.health().reconnects).toBe(1);
      },
    );

    row('half-open')('half-open: detected within two heartbeat intervals and reconnected', async () => {
      const clock = new ManualClock();
      const x = await live({ clock, heartbeatMs: 1000 });
      await quiet(x);
      x.sim.fault({ kind: 'half-open' });
      await quiet(x);
      clock.advance(1999);
      expect(x.sup.state).toBe('live');
      clock.advance(1);
      expect(x.sup.state).toBe('backoff');
      expect(x.sup.health().lastError).toMatch(/heartbeat timeout/);
      clock.advance(retryIn(x, clock));
      await x.waitState('live');
      expect(x.sim.accepted).toBe(2);
    });

    row('delay')('delay: RTT and feed lag rise while the link stays live', async () => {
      // Heartbeat well above the delay: a delay beyond two intervals is (rightly) a dead link.
      const x = await live({ heartbeatMs: 400 });
      x.sim.fault({ kind: 'delay', ms: 150 });
      await until(() => (x.sup.health().rttMs ?? 0) >= 150, 'rtt ≥ 150 ms');
      if (subject.reportsExchangeTime)
        await until(() => (x.sup.health().lagMs ?? 0) >= 50, 'lag to show the delay');
      expect(x.sup.state).toBe('live');
      expect(x.sim.accepted).toBe(1);
    });

    row('throttle')('throttle: a slowed feed turns stale, and live again when it recovers', async () => {
      const x = await live({
        heartbeatMs: 60_000,
        staleness: { cadenceMs: { [subject.stream]: subject.cadenceMs }, factor: 3, minMs: 400, checkMs: 20 },
      });
      x.sim.fault({ kind: 'throttle', messagesPerSec: 1 });
      await x.waitState('stale');
      expect(x.sup.staleParts()).toContain(subject.stream);
      x.sim.clearFaults();
      await x.waitState('live');
      expect(x.sim.accepted).toBe(1);
    });

    describe.each(['corrupt', 'truncate', 'binary'] as const)('%s frames', (kind) => {
      row('malformed')('are counted as malformed and dropped; the socket lives on', async () => {
        const x = await live();
        const before = x.rec.events.length;
        x.sim.fault({ kind, count: 3 });
        await until(() => x.sup.health().malformedFrames >= 3, '3 malformed frames');
        await until(
          () => x.rec.events.slice(before).some((e) => e.type !== 'health'),
          'valid data after the bad frames',
        );
        expect(x.sup.state).toBe('live');
        expect(x.sim.accepted).toBe(1);
      });
    });

    row('oversized')(
      'oversized frame: socket closed 1009 before memory is spent, counted, reconnected',
      async () => {
        const x = await live({ maxPayloadBytes: 64 * 1024 });
        x.sim.fault({ kind: 'oversized', count: 1, bytes: 200 * 1024 });
        await x.waitState('backoff');
        expect(x.sup.health().malformedFrames).toBe(1);
        expect(x.sup.health().lastError).toMatch(/1009/);
        await x.waitState('live');
      },
    );

    row('close 1000')('close 1000: stops and does not reconnect', async () => {
      const clock = new ManualClock();
      const x = await live({ clock });
      x.sim.fault({ kind: 'close', code: 1000, reason: 'bye' });
      await x.waitState('stopped');
      clock.advance(3_600_000);
      expect(x.sup.state).toBe('stopped');
      expect(x.adapter.opens).toBe(1);
    });

    describe.each([1001, 1011])('close %i', (code) => {
      row('close 1001/1011')('retries and comes back live', async () => {
        const x = await live();
        x.sim.fault({ kind: 'close', code, reason: 'maintenance' });
        await x.waitState('backoff');
        await x.waitState('live');
        expect(x.sim.accepted).toBe(2);
      });
    });

    row('close 1008')('close 1008: stops with the server reason and never loops', async () => {
      const clock = new ManualClock();
      const x = await live({ clock });
      x.sim.fault({ kind: 'close', code: 1008, reason: 'Authentication required' });
      await x.waitState('stopped');
      expect(x.sup.health().lastError).toBe('Authentication required');
      clock.advance(24 * 3_600_000);
      expect(x.adapter.opens).toBe(1);
      expect(clock.pending).toBe(0);
    });

    row('close 1013')('close 1013: retries only after the longer try-later delay', async () => {
      const clock = new ManualClock();
      const x = await live({ clock, backoff: { tryLaterMs: 5_000 } });
      x.sim.fault({ kind: 'close', code: 1013, reason: 'Server at capacity' });
      await x.waitState('backoff');
      const wait = retryIn(x, clock);
      expect(wait).toBeGreaterThanOrEqual(5_000);
      clock.advance(wait - 1);
      expect(x.adapter.opens).toBe(1);
      clock.advance(1);
      await x.waitState('live');
    });

    row('refuse')(
      'refuse: new connections reset at the upgrade are retried until the server accepts again',
      async () => {
        const x = await live();
        x.sim.fault({ kind: 'refuse', count: 3 });
        x.sim.fault({ kind: 'drop' });
        await x.waitState('backoff');
        await until(() => x.adapter.opens >= 4 && x.sup.state === 'live', 'live after 3 refused attempts');
        expect(x.sim.accepted).toBe(2);
      },
    );

    row('hang')('hang: an upgrade that never answers times out after the connect timeout', async () => {
      const clock = new ManualClock();
      const x = await live({ clock });
      x.sim.fault({ kind: 'hang', count: 1 });
      x.sim.fault({ kind: 'drop' });
      await x.waitState('backoff');
      clock.advance(retryIn(x, clock));
      await until(() => x.sim.hungCount === 1, 'second attempt to hang at the server');
      clock.advance(9_999);
      expect(x.sup.state).toBe('connecting');
      clock.advance(1);
      expect(x.sup.state).toBe('backoff');
      expect(x.sup.health().lastError).toMatch(/connect timeout/);
      clock.advance(retryIn(x, clock));
      await x.waitState('live');
    });

    row('expire credentials')(
      'expire credentials: stops with the server reason; fresh credentials and reconnect-now recover',
      async () => {
        const x = await live();
        x.sim.fault({ kind: 'expire-credentials' });
        await x.waitState('stopped');
        expect(x.sup.health().lastError).toMatch(subject.expiredReason);
        expect(x.rec.events.map((e) => e.type)).toContain('unverified');
        subject.renewCredentials(x.sim);
        x.sup.reconnect();
        await x.waitState('live');
      },
    );

    row('duplicate')('duplicate frames: every execution becomes exactly one fill in the ledger', async () => {
      const x = await live();
      x.sim.fault({ kind: 'duplicate', count: 200 });
      await until(() => x.rec.count('fill') >= 2, 'two fills', 15_000);
      // Dedupe is the ledger's job (by execution id), not the adapter's: replay through a real one.
      const ledger = new Ledger();
      ledger.registerConnection(subject.kind, 'paper');
      for (const e of x.rec.events) if (e.type !== 'health') ledger.apply(subject.kind, e);
      const ids = ledger.fills().map((f) => f.id);
      expect(new Set(ids).size).toBe(ids.length);
      const seen = new Set(x.rec.ofType('fill').map((e) => e.fill.id));
      for (const f of x.rec.ofType('resync').flatMap((e) => e.snapshot.fills)) seen.add(f.id);
      expect(ids.length).toBe(seen.size);
      expect(x.sup.state).toBe('live');
    });

    row('reorder')('reorder: late updates in a burst never roll a position or order back', async () => {
      const x = await live();
      const before = x.rec.events.length;
      x.sim.fault({ kind: 'reorder', count: 6 });
      await until(
        () =>
          x.rec.events.slice(before).filter((e) => e.type === 'position' || e.type === 'order').length > 6,
        'updates after the burst',
      );
      const last = new Map<string, number>();
      for (const e of x.rec.events) {
        const [key, at] =
          e.type === 'position'
            ? [`p:${e.position.accountId}:${e.position.symbol}`, e.position.markedAt]
            : e.type === 'order'
              ? [`o:${e.order.id}`, e.order.updatedAt]
              : [null, null];
        if (key === null || at === null) continue;
        expect(at).toBeGreaterThanOrEqual(last.get(key) ?? 0);
        last.set(key, at);
      }
      subject.afterReorder?.(x);
    });

    row('server restart')(
      'server killed and back after N failed attempts: reconnected, resynced, verified',
      async () => {
        const clock = new ManualClock();
        const x = await live({ clock, backoff: { maxAttempts: 20 } });
        const port = x.sim.address().port;
        await x.sim.stop();
        await x.waitState('backoff');
        for (let n = 2; n <= 4; n++) {
          clock.advance(retryIn(x, clock));
          await until(() => x.sup.state === 'backoff' && x.sup.health().attempt === n, `failed attempt ${n}`);
        }
        expect(x.rec.count('unverified')).toBe(1);
        await x.sim.start();
        expect(x.sim.address().port).toBe(port);
        clock.advance(retryIn(x, clock));
        await x.waitState('live');
        expect(resyncTrail(x.rec.events)).toEqual(['resync', 'unverified', 'resync']);
        expect(x.sup.health().reconnects).toBe(1);
      },
    );

    row('maximum connection age')(
      'maximum connection age: rotated before the server cuts it, never leaving live',
      async () => {
        const x = await live({
          tuning: { maxConnectionAgeMs: 600 },
          maxAgeMs: 600,
          rotationLeadMs: 300,
          heartbeatMs: 60_000,
        });
        await until(() => x.rec.count('resync') >= 3, 'two rotations');
        expect(x.rec.states.filter((s) => s === 'backoff')).toEqual([]);
        expect(x.rec.count('unverified')).toBe(0);
        expect(x.sim.peakConnections).toBe(2);
      },
    );
  });
}
