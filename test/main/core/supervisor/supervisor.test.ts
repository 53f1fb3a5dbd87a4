import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, defaultBackoff } from '../../../../src/main/core/supervisor/backoff';
import { classifyClose } from '../../../../src/main/core/supervisor/link';
import { canTransition } from '../../../../src/main/core/supervisor/states';
import { Supervisor, type SupervisorOptions } from '../../../../src/main/core/supervisor/supervisor';
import { flush, ScriptedAdapter, type Step } from './scripted';
import { ManualClock, Recorder, recordingLogger } from './support';

function setup(
  script: Step[],
  opts: Partial<SupervisorOptions> & { heartbeatMs?: number; maxAgeMs?: number; fallback?: Step } = {},
) {
  const clock = new ManualClock();
  const adapter = new ScriptedAdapter(
    script,
    opts.heartbeatMs ?? 15_000,
    opts.maxAgeMs,
    opts.fallback ?? 'ok',
  );
  const logger = recordingLogger();
  const rec = new Recorder();
  const sup = new Supervisor({
    id: 'c1',
    kind: 'test',
    label: 'Test',
    mode: 'paper',
    adapter,
    clock,
    logger,
    ...opts,
  });
  return { clock, adapter, logger, rec, sup, start: () => sup.start(rec.listener) };
}

describe('backoff', () => {
  it('full jitter stays within [minMs, min(cap, base·2^(n-1))] and reaches the cap', () => {
    const opts = { ...defaultBackoff, baseMs: 1000, capMs: 20_000 };
    expect([1, 2, 3, 4, 5, 6, 9].map((n) => backoffCeiling(n, opts))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 20_000, 20_000,
    ]);
    for (let n = 1; n <= 12; n++) {
      for (const r of [0, 0.01, 0.5, 0.999_999]) {
        const d = backoffDelay(n, opts, () => r);
        expect(d).toBeGreaterThanOrEqual(opts.minMs);
        expect(d).toBeLessThanOrEqual(backoffCeiling(n, opts));
      }
    }
    expect(backoffDelay(3, opts, () => 0.5)).toBe(2000);
  });

  it('the supervisor schedules each retry within the jitter window of its attempt', async () => {
    const { clock, sup, start } = setup([], { fallback: 'refuse', backoff: { maxAttempts: 50 } });
    start();
    for (let attempt = 1; attempt <= 8; attempt++) {
      await flush();
      const h = sup.health();
      expect(h.state).toBe('backoff');
      expect(h.attempt).toBe(attempt);
      const delay = (h.nextRetryAt ?? 0) - clock.now();
      expect(delay).toBeGreaterThanOrEqual(defaultBackoff.minMs);
      expect(delay).toBeLessThanOrEqual(backoffCeiling(attempt, defaultBackoff));
      clock.advance(delay);
    }
  });

  it('resets the attempt counter after a stable period, so the next drop retries fast', async () => {
    const { clock, adapter, sup, start } = setup(['refuse', 'refuse', 'refuse', 'ok', 'ok'], {
      random: () => 0.999,
    });
    start();
    for (let i = 0; i < 3; i++) {
      await flush();
      clock.advance((sup.health().nextRetryAt ?? 0) - clock.now());
    }
    await flush();
    expect(sup.state).toBe('live');
    expect(sup.health().attempt).toBe(3);
    clock.advance(defaultBackoff.stableMs - 1);
    expect(sup.health().attempt).toBe(3);
    adapter.current.h.frame();
    clock.advance(1);
    expect(sup.health().attempt).toBe(0);
    adapter.current.serverClose(1006);
    const delay = (sup.health().nextRetryAt ?? 0) - clock.now();
    expect(delay).toBeLessThanOrEqual(defaultBackoff.baseMs);
  });

  it('gives up (failed) after the attempt limit, and reconnect() revives it', async () => {
    const { clock, sup, start } = setup([], { fallback: 'refuse', backoff: { maxAttempts: 3 } });
    start();
    for (let i = 0; i < 3; i++) {
      await flush();
      clock.advance((sup.health().nextRetryAt ?? 0) - clock.now());
    }
    await flush();
    expect(sup.state).toBe('failed');
    expect(sup.health().lastError).toMatch(/gave up after 3 attempts/);
    expect(clock.pending).toBe(0);
    sup.reconnect();
    expect(sup.state).toBe('connecting');
    expect(sup.health().attempt).toBe(0);
  });
});

describe('state machine', () => {
  it('goes idle → connecting → authenticating → syncing → live, logging each transition once', async () => {
    const { logger, rec, start } = setup(['ok']);
    start();
    await flush();
    expect(rec.states).toEqual(['connecting', 'authenticating', 'syncing', 'live']);
    const transitions = logger.lines.filter((l) => l.msg === 'connection state').map((l) => l.obj);
    expect(transitions.map((t) => `${String(t.from)}→${String(t.to)}`)).toEqual([
      'idle→connecting',
      'connecting→authenticating',
      'authenticating→syncing',
      'syncing→live',
    ]);
    for (const t of transitions)
      expect(Object.keys(t)).toEqual(
        expect.arrayContaining(['connectionId', 'from', 'to', 'reason', 'attempt', 'nextDelayMs']),
      );
    expect(rec.count('resync')).toBe(1);
  });

  it('rejects transitions outside the table', () => {
    expect(canTransition('idle', 'live')).toBe(false);
    expect(canTransition('stopped', 'backoff')).toBe(false);
    expect(canTransition('live', 'stale')).toBe(true);
  });

  it('logs backoff transitions with the next delay', async () => {
    const { logger, start } = setup(['refuse']);
    start();
    await flush();
    const line = logger.lines.find((l) => l.obj.to === 'backoff');
    expect(line?.level).toBe('warn');
    expect(line?.obj.nextDelayMs).toEqual(expect.any(Number));
    expect(line?.obj.attempt).toBe(1);
  });
});

describe('close-code policy', () => {
  it.each([
    [1000, 'stopped'],
    [1008, 'stopped'],
    [1001, 'backoff'],
    [1011, 'backoff'],
    [1013, 'backoff'],
    [1006, 'backoff'],
  ] as const)('close %i → %s', async (code, state) => {
    const { adapter, sup, start } = setup(['ok']);
    start();
    await flush();
    adapter.current.serverClose(code, code === 1008 ? 'Session expired' : '');
    expect(sup.state).toBe(state);
  });

  it('1008 surfaces the server reason, or "authentication required", and never retries', async () => {
    expect(classifyClose({ code: 1008, reason: '' }).message).toBe('authentication required');
    const { clock, adapter, sup, start } = setup(['ok']);
    start();
    await flush();
    adapter.current.serverClose(1008, 'Maximum connections exceeded');
    expect(sup.health().lastError).toBe('Maximum connections exceeded');
    clock.advance(3_600_000);
    await flush();
    expect(adapter.opens).toBe(1);
    expect(sup.state).toBe('stopped');
  });

  it('dates the last error when it happens, and keeps the date once live again', async () => {
    const { clock, adapter, sup, start } = setup(['ok', 'ok'], { random: () => 0 });
    start();
    await flush();
    expect(sup.health()).toMatchObject({ lastError: null, lastErrorAt: null });
    clock.advance(5_000);
    const droppedAt = clock.now();
    adapter.current.serverClose(1011, 'internal error');
    expect(sup.health()).toMatchObject({ state: 'backoff', lastErrorAt: droppedAt });
    sup.reconnect();
    await flush();
    clock.advance(1_000);
    expect(sup.health()).toMatchObject({ state: 'live', lastErrorAt: droppedAt });
    expect(sup.health().lastError).not.toBeNull();
  });

  it('an HTTP 401 on the upgrade stops like 1008', async () => {
    const { sup, start } = setup(['auth-fail']);
    start();
    await flush();
    expect(sup.state).toBe('stopped');
    expect(sup.health().lastError).toMatch(/401/);
  });

  it('1013 waits at least the try-later floor', async () => {
    const { clock, adapter, sup, start } = setup(['ok'], { backoff: { tryLaterMs: 12_000 } });
    start();
    await flush();
    adapter.current.serverClose(1013, 'Server at capacity');
    expect((sup.health().nextRetryAt ?? 0) - clock.now()).toBeGreaterThanOrEqual(12_000);
  });
});

describe('waits and timeouts', () => {
  it('reconnect() cuts a backoff wait short', async () => {
    const { clock, adapter, sup, start } = setup(['refuse', 'ok'], { random: () => 0.999 });
    start();
    await flush();
    expect(sup.state).toBe('backoff');
    const t0 = clock.now();
    sup.reconnect();
    await flush();
    expect(sup.state).toBe('live');
    expect(clock.now()).toBe(t0);
    expect(adapter.opens).toBe(2);
    expect(sup.health().nextRetryAt).toBeNull();
  });

  it('a connection that hangs times out after 10 s and retries', async () => {
    const { clock, sup, start } = setup(['hang']);
    start();
    await flush();
    clock.advance(9_999);
    expect(sup.state).toBe('connecting');
    clock.advance(1);
    await flush();
    expect(sup.state).toBe('backoff');
    expect(sup.health().lastError).toMatch(/connect timeout/);
  });

  it('start() after stop() begins a fresh run', async () => {
    const { adapter, rec, sup, start } = setup(['ok', 'ok']);
    start();
    await flush();
    sup.stop();
    expect(sup.state).toBe('stopped');
    sup.start(rec.listener);
    await flush();
    expect(sup.state).toBe('live');
    expect(adapter.opens).toBe(2);
  });

  it('disconnect() stops with a clean close and stays stopped', async () => {
    const { clock, adapter, sup, start } = setup(['ok']);
    start();
    await flush();
    sup.disconnect();
    expect(sup.state).toBe('stopped');
    expect(adapter.current.closedWith?.code).toBe(1000);
    clock.advance(600_000);
    expect(adapter.opens).toBe(1);
  });
});

describe('health during backoff', () => {
  it('keeps the last real message time and lets msgs/s decay to 0 while waiting', async () => {
    const { clock, adapter, sup, start } = setup(['ok'], {
      fallback: 'refuse',
      random: () => 0.999,
      backoff: { baseMs: 30_000, capMs: 30_000, minMs: 20_000 },
    });
    start();
    await flush();
    expect(sup.state).toBe('live');
    // Three seconds of traffic at 10 frames/s.
    for (let i = 0; i < 30; i++) {
      clock.advance(100);
      adapter.current.h.frame();
    }
    const lastFrameAt = clock.now();
    expect(sup.health().messagesPerSec).toBeGreaterThan(0);
    adapter.current.serverClose(1006);
    await flush();
    expect(sup.state).toBe('backoff');
    let prevRate = sup.health().messagesPerSec;
    for (let s = 1; s <= 6; s++) {
      clock.advance(1_000);
      const h = sup.health();
      expect(h.state).toBe('backoff');
      // The age a trader reads is measured from the last frame the server really sent.
      expect(h.lastMessageAt).toBe(lastFrameAt);
      expect(h.messagesPerSec).toBeLessThanOrEqual(prevRate);
      prevRate = h.messagesPerSec;
    }
    expect(prevRate).toBe(0);
    expect(sup.health().nextRetryAt).toBeGreaterThan(clock.now());
  });
});

describe('watchdogs', () => {
  it('pings every heartbeat and terminates a silent link after two intervals', async () => {
    const { clock, adapter, sup, start } = setup(['ok'], { heartbeatMs: 1000 });
    start();
    await flush();
    const link = adapter.current;
    expect(link.pings).toBe(1); // immediately on live, for an early RTT
    clock.advance(1000);
    expect(link.pings).toBe(2);
    clock.advance(999);
    expect(sup.state).toBe('live');
    clock.advance(1);
    expect(sup.state).toBe('backoff');
    expect(link.terminated).toBe(true);
    expect(sup.health().lastError).toMatch(/heartbeat timeout/);
  });

  it('measures RTT from ping to pong and estimates the clock offset', async () => {
    const { clock, adapter, sup, start } = setup(['ok'], { heartbeatMs: 1000 });
    start();
    await flush();
    const sentAt = clock.now(); // the ping sent on entering live
    clock.advance(40);
    adapter.current.h.frame();
    adapter.current.h.pong(sentAt + 20 + 500); // server clock runs 500 ms ahead
    const h = sup.health();
    expect(h.rttMs).toBe(40);
    expect(h.clockOffsetMs).toBe(500);
    adapter.current.h.data('quotes', clock.now() + 500 - 120);
    expect(sup.health().lagMs).toBe(120);
  });

  it('flags a configured stream stale when silent, and live again on data', async () => {
    const { clock, adapter, sup, start } = setup(['ok'], {
      heartbeatMs: 60_000,
      staleness: { cadenceMs: { quotes: 1000 }, factor: 3, minMs: 500, checkMs: 100 },
    });
    start();
    await flush();
    const link = adapter.current;
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      link.h.data('quotes', null);
    }
    expect(sup.state).toBe('live');
    clock.advance(3100);
    expect(sup.state).toBe('stale');
    link.h.data('quotes', null);
    expect(sup.state).toBe('live');
  });

  it('learns a cadence from traffic when none is configured', async () => {
    const { clock, adapter, sup, start } = setup(['ok'], {
      heartbeatMs: 60_000,
      staleness: { minMs: 100, checkMs: 50 },
    });
    start();
    await flush();
    for (let i = 0; i < 8; i++) {
      clock.advance(200);
      adapter.current.h.data('trades', null);
    }
    clock.advance(500);
    expect(sup.state).toBe('live');
    clock.advance(200);
    expect(sup.state).toBe('stale');
  });
});

describe('verification and rotation', () => {
  it('marks the account unverified on link loss and resyncs after reconnecting', async () => {
    const { clock, adapter, rec, sup, start } = setup(['ok', 'ok']);
    start();
    await flush();
    adapter.current.serverClose(1011);
    expect(rec.events.filter((e) => e.type !== 'health').map((e) => e.type)).toEqual([
      'resync',
      'unverified',
    ]);
    clock.advance((sup.health().nextRetryAt ?? 0) - clock.now());
    await flush();
    expect(sup.state).toBe('live');
    expect(rec.events.filter((e) => e.type !== 'health').map((e) => e.type)).toEqual([
      'resync',
      'unverified',
      'resync',
    ]);
    expect(sup.health().reconnects).toBe(1);
  });

  it('rotates before the maximum age: new link resynced before the old one closes, never leaving live', async () => {
    const { clock, adapter, rec, sup, start } = setup(['ok', 'ok'], {
      maxAgeMs: 60_000,
      rotationLeadMs: 5_000,
      heartbeatMs: 30_000,
    });
    start();
    await flush();
    const first = adapter.current;
    clock.advance(55_000);
    await flush();
    expect(adapter.opens).toBe(2);
    expect(first.closedWith).toEqual({ code: 1000, reason: 'rotated' });
    expect(sup.state).toBe('live');
    expect(rec.states).not.toContain('backoff');
    expect(rec.count('unverified')).toBe(0);
    expect(rec.count('resync')).toBe(2);
    // The old link's late close is ignored.
    first.serverClose(1000);
    expect(sup.state).toBe('live');
  });

  it("a host-wide link age cap rotates sooner than the broker's own maximum, and alone when it has none", async () => {
    const capped = setup(['ok', 'ok'], { maxAgeMs: 86_400_000, maxLinkAgeMs: 20_000, heartbeatMs: 30_000 });
    capped.start();
    await flush();
    // Half the cap (the lead is at most half the age): 10 s, not 23 h 59 m 30 s.
    capped.clock.advance(9_999);
    await flush();
    expect(capped.adapter.opens).toBe(1);
    capped.clock.advance(1);
    await flush();
    expect(capped.adapter.opens).toBe(2);
    expect(capped.sup.state).toBe('live');
    expect(capped.rec.count('unverified')).toBe(0);

    const only = setup(['ok', 'ok'], { maxLinkAgeMs: 20_000, heartbeatMs: 30_000 });
    only.start();
    await flush();
    only.clock.advance(10_000);
    await flush();
    expect(only.adapter.opens).toBe(2);
  });

  it('throttles health events to at most two per second', async () => {
    const { clock, adapter, rec, start } = setup(['ok'], { heartbeatMs: 60_000 });
    start();
    await flush();
    const before = rec.count('health');
    for (let i = 0; i < 100; i++) {
      clock.advance(10);
      adapter.current.h.frame();
    }
    const emitted = rec.count('health') - before;
    expect(emitted).toBeGreaterThan(0);
    expect(emitted).toBeLessThanOrEqual(2);
  });
});
