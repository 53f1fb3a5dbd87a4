/**
 * The fault matrix of docs/reliability.md: one test per fault, each against the real simulator
 * over real loopback sockets, asserting what the trader's terminal does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_SESSION } from '../../sim/portfolio-stream/server';
import { ManualClock, until } from '../supervisor/support';
import { type Harness, harness } from './harness';

let h: Harness | null = null;
const extra: Harness[] = [];
afterEach(async () => {
  for (const x of extra.splice(0)) await x.close();
  await h?.close();
  h = null;
});

async function live(o: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  h = await harness(o);
  await h.waitState('live');
  return h;
}

function retryIn(x: Harness, clock: ManualClock): number {
  const at = x.sup.health().nextRetryAt;
  if (at === null) throw new Error(`no retry scheduled (state ${x.sup.state})`);
  return at - clock.now();
}

/** Frames the sim sent and the client received are equal: nothing is in flight. */
async function quiet(x: Harness): Promise<void> {
  await until(() => x.adapter.frames >= x.sim.framesSent, 'wire to drain');
}

describe('fault matrix (portfolio-stream over real sockets)', () => {
  it('drop: socket destroyed without close frame → backoff → live again, unverified then resynced', async () => {
    const x = await live();
    x.sim.fault({ kind: 'drop' });
    await x.waitState('backoff');
    expect(x.sup.health().lastError).toMatch(/1006|no close frame/);
    await x.waitState('live');
    const kinds = x.rec.events
      .filter((e) => e.type === 'resync' || e.type === 'unverified')
      .map((e) => e.type);
    expect(kinds).toEqual(['resync', 'unverified', 'resync']);
    expect(x.sup.health().reconnects).toBe(1);
  });

  it('half-open: detected within two heartbeat intervals and reconnected', async () => {
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

  it('delay: RTT and feed lag rise while the link stays live', async () => {
    // Heartbeat well above the delay: a delay beyond two intervals is (rightly) a dead link.
    const x = await live({ heartbeatMs: 400 });
    x.sim.fault({ kind: 'delay', ms: 150 });
    await until(() => (x.sup.health().rttMs ?? 0) >= 150, 'rtt ≥ 150 ms');
    await until(() => (x.sup.health().lagMs ?? 0) >= 50, 'lag to show the delay');
    expect(x.sup.state).toBe('live');
    expect(x.sim.accepted).toBe(1);
  });

  it('throttle: a slowed feed turns stale, and live again when it recovers', async () => {
    const x = await live({
      heartbeatMs: 60_000,
      staleness: { cadenceMs: { portfolio: 50 }, factor: 3, minMs: 400, checkMs: 20 },
    });
    x.sim.fault({ kind: 'throttle', messagesPerSec: 1 });
    await x.waitState('stale');
    x.sim.clearFaults();
    await x.waitState('live');
    expect(x.sim.accepted).toBe(1);
  });

  it.each(['corrupt', 'truncate', 'binary'] as const)(
    '%s frames: counted as malformed and dropped, socket lives on',
    async (kind) => {
      const x = await live();
      x.sim.fault({ kind, count: 3 });
      await until(() => x.sup.health().malformedFrames >= 3, '3 malformed frames');
      await until(() => x.rec.count('position') > 0, 'valid data after the bad frames');
      expect(x.sup.state).toBe('live');
      expect(x.sim.accepted).toBe(1);
    },
  );

  it('oversized frame: socket closed 1009 before memory is spent, counted, reconnected', async () => {
    const x = await live({ maxPayloadBytes: 64 * 1024 });
    x.sim.fault({ kind: 'oversized', count: 1, bytes: 200 * 1024 });
    await x.waitState('backoff');
    expect(x.sup.health().malformedFrames).toBe(1);
    expect(x.sup.health().lastError).toMatch(/1009/);
    await x.waitState('live');
  });

  it('close 1000: stops and does not reconnect', async () => {
    const clock = new ManualClock();
    const x = await live({ clock });
    x.sim.fault({ kind: 'close', code: 1000, reason: 'bye' });
    await x.waitState('stopped');
    clock.advance(3_600_000);
    expect(x.sup.state).toBe('stopped');
    expect(x.adapter.opens).toBe(1);
  });

  it.each([1001, 1011])('close %i: retries and comes back live', async (code) => {
    const x = await live();
    x.sim.fault({ kind: 'close', code, reason: 'maintenance' });
    await x.waitState('backoff');
    await x.waitState('live');
    expect(x.sim.accepted).toBe(2);
  });

  it('close 1008: stops with the server reason and never loops', async () => {
    const clock = new ManualClock();
    const x = await live({ clock });
    x.sim.fault({ kind: 'close', code: 1008, reason: 'Authentication required' });
    await x.waitState('stopped');
    expect(x.sup.health().lastError).toBe('Authentication required');
    clock.advance(24 * 3_600_000);
    expect(x.adapter.opens).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('close 1013: retries only after the longer try-later delay', async () => {
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

  it('refuse: new connections reset at the upgrade are retried until the server accepts again', async () => {
    const x = await live();
    x.sim.fault({ kind: 'refuse', count: 3 });
    x.sim.fault({ kind: 'drop' });
    await x.waitState('backoff');
    await until(() => x.adapter.opens >= 4 && x.sup.state === 'live', 'live after 3 refused attempts');
    expect(x.sim.accepted).toBe(2);
  });

  it('hang: an upgrade that never answers times out after the connect timeout', async () => {
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

  it('expire credentials: stops with "Authentication required"; a fresh session and reconnect-now recover', async () => {
    const x = await live();
    x.sim.fault({ kind: 'expire-credentials' });
    await x.waitState('stopped');
    expect(x.sup.health().lastError).toBe('Authentication required');
    expect(x.rec.events.map((e) => e.type)).toContain('unverified');
    x.sim.addSession(DEMO_SESSION, 'user-demo');
    x.sup.reconnect();
    await x.waitState('live');
  });

  it('duplicate frames: every trade becomes exactly one fill', async () => {
    const x = await live();
    x.sim.fault({ kind: 'duplicate', count: 200 });
    await until(() => x.rec.count('fill') >= 2, 'two fills', 15_000);
    const ids = x.rec.ofType('fill').map((e) => e.fill.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(x.sup.state).toBe('live');
  });

  it('reorder: late updates in a burst never roll a position back', async () => {
    const x = await live();
    const before = x.rec.count('position');
    x.sim.fault({ kind: 'reorder', count: 6 });
    await until(() => x.rec.count('position') > before + 6, 'updates after the burst');
    const marks = x.rec
      .ofType('position')
      .filter((e) => e.position.symbol === 'AAPL')
      .map((e) => e.position.markedAt ?? 0);
    for (let i = 1; i < marks.length; i++) expect(marks[i]).toBeGreaterThanOrEqual(marks[i - 1] ?? 0);
    expect(x.logger.lines.some((l) => l.msg === 'out-of-order updates dropped')).toBe(true);
  });

  it('events for another user and unknown message types are counted and dropped', async () => {
    const x = await live();
    const foreign = JSON.stringify({
      type: 'account_update',
      timestamp: new Date().toISOString(),
      userId: 'user-other',
      data: { equity: '1', cash: '1' },
    });
    x.sim.fault({ kind: 'inject', frame: foreign });
    x.sim.fault({
      kind: 'inject',
      frame: JSON.stringify({
        type: 'margin_call',
        timestamp: new Date().toISOString(),
        userId: 'user-demo',
        data: {},
      }),
    });
    await until(() => x.sup.health().malformedFrames >= 2, 'two dropped frames');
    expect(x.rec.ofType('account').every((e) => e.account.accountId === 'user-demo')).toBe(true);
    expect(x.logger.lines.some((l) => l.obj.reason === 'event for another user')).toBe(true);
    expect(x.sup.state).toBe('live');
  });

  it('server killed and back after N failed attempts: reconnected, resynced, verified', async () => {
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
    const kinds = x.rec.events
      .filter((e) => e.type === 'resync' || e.type === 'unverified')
      .map((e) => e.type);
    expect(kinds).toEqual(['resync', 'unverified', 'resync']);
    expect(x.sup.health().reconnects).toBe(1);
  });

  it('per-user connection limit: the 6th connection stops with the reason, no reconnect storm', async () => {
    const clock = new ManualClock();
    const first = await live({ clock });
    for (let i = 0; i < 4; i++) {
      const other = await harness({ existing: first.sim, clock });
      extra.push(other);
      await other.waitState('live');
    }
    const sixth = await harness({ existing: first.sim, clock });
    extra.push(sixth);
    await sixth.waitState('stopped');
    expect(sixth.sup.health().lastError).toBe('Maximum connections exceeded');
    clock.advance(3_600_000);
    expect(sixth.adapter.opens).toBe(1);
    expect(first.sim.connectionCount).toBe(5);
  });

  it('total capacity (1013): waits the longer delay instead of hammering the server', async () => {
    const clock = new ManualClock();
    const first = await live({ clock, sim: { maxConnectionsTotal: 1 }, backoff: { tryLaterMs: 10_000 } });
    const second = await harness({ existing: first.sim, clock, backoff: { tryLaterMs: 10_000 } });
    extra.push(second);
    await second.waitState('backoff');
    for (let i = 0; i < 3; i++) {
      const wait = retryIn(second, clock);
      expect(wait).toBeGreaterThanOrEqual(10_000);
      clock.advance(wait);
      await until(
        () => second.adapter.opens === i + 2 && second.sup.state === 'backoff',
        `attempt ${i + 2} refused`,
      );
    }
    first.sup.stop();
    await until(() => first.sim.connectionCount === 0, 'first client gone');
    clock.advance(retryIn(second, clock));
    await second.waitState('live');
  });

  it('maximum connection age: rotated before the server cuts it, never leaving live', async () => {
    const x = await live({
      sim: { maxConnectionAgeMs: 600 },
      maxAgeMs: 600,
      rotationLeadMs: 300,
      heartbeatMs: 60_000,
    });
    await until(() => x.rec.count('resync') >= 3, 'two rotations');
    expect(x.rec.states.filter((s) => s === 'backoff')).toEqual([]);
    expect(x.rec.count('unverified')).toBe(0);
    expect(x.sim.peakConnections).toBe(2);
  });
});
