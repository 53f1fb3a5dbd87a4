/**
 * The supervisor seams real brokers plug into: requests over the current link, the resync gate,
 * links of several sockets judged per socket, the split heartbeat, and the clock lent to adapters.
 * Scripted adapter, manual clock.
 */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../../../src/shared/domain';
import { RequestError } from '../../../../src/main/core/supervisor/link';
import { Supervisor, type SupervisorOptions } from '../../../../src/main/core/supervisor/supervisor';
import { flush, ScriptedAdapter, type ScriptedExtras, type Step } from './scripted';
import { ManualClock, Recorder, recordingLogger } from './support';

function setup(script: Step[], extras: ScriptedExtras = {}, opts: Partial<SupervisorOptions> = {}) {
  const clock = new ManualClock();
  const adapter = new ScriptedAdapter(script, 15_000, undefined, 'ok', extras);
  const rec = new Recorder();
  const sup = new Supervisor({
    id: 'c1',
    kind: 'test',
    label: 'Test',
    mode: 'paper',
    adapter,
    clock,
    logger: recordingLogger(),
    healthThrottleMs: 0,
    ...opts,
  });
  return { clock, adapter, rec, sup, start: () => sup.start(rec.listener) };
}

const order = (id: string, updatedAt: number): Order =>
  ({ id, status: 'working', updatedAt }) as unknown as Order;

async function rejection(p: Promise<unknown>): Promise<RequestError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof RequestError)) throw new Error(`expected a RequestError, got ${String(err)}`);
  return err;
}

describe('request()', () => {
  it('fails fast with not_connected (not ambiguous) while no link is live', async () => {
    const { sup, start } = setup(['refuse']);
    const before = await rejection(sup.request('order/place', {}));
    expect([before.kind, before.ambiguous]).toEqual(['not_connected', false]);
    start();
    await flush();
    expect(sup.state).toBe('backoff');
    const during = await rejection(sup.request('order/place', {}));
    expect(during.kind).toBe('not_connected');
    expect(during.message).toMatch(/not connected \(backoff\)/);
  });

  it('routes to the current link and returns its answer', async () => {
    const { adapter, sup, start } = setup(['ok']);
    start();
    await flush();
    adapter.current.answer = async (op, payload) => ({ op, payload, ok: true });
    await expect(sup.request('order/place', { qty: 1 }, { timeoutMs: 500 })).resolves.toEqual({
      op: 'order/place',
      payload: { qty: 1 },
      ok: true,
    });
    expect(adapter.current.requests[0]?.opts.timeoutMs).toBe(500);
  });

  it('times out on the supervisor clock with an ambiguous error, and tells the link to forget it', async () => {
    const { adapter, clock, sup, start } = setup(['ok'], {}, { requestTimeoutMs: 2_000 });
    start();
    await flush();
    const p = rejection(sup.request('order/place', {}));
    clock.advance(1_999);
    await flush();
    expect(adapter.current.requests[0]?.opts.signal?.aborted).toBe(false);
    clock.advance(1);
    const err = await p;
    expect([err.kind, err.ambiguous]).toEqual(['timeout', true]);
    expect(adapter.current.requests[0]?.opts.signal?.aborted).toBe(true);
  });
});

describe('resync gate', () => {
  it('holds events reported before the snapshot and applies them right after it, in order', async () => {
    const { adapter, rec, sup, start } = setup(['ok'], { holdResync: true });
    start();
    await flush();
    expect(sup.state).toBe('syncing');
    const link = adapter.current;
    link.h.event({ type: 'order', order: order('a', 2) });
    link.h.event({ type: 'order', order: order('b', 3) });
    expect(rec.count('order')).toBe(0);
    link.finishResync();
    await flush();
    expect(sup.state).toBe('live');
    const kinds = rec.events.filter((e) => e.type !== 'health').map((e) => e.type);
    expect(kinds).toEqual(['resync', 'order', 'order']);
    expect(rec.ofType('order').map((e) => e.order.id)).toEqual(['a', 'b']);
    // Once open, events flow straight through.
    link.h.event({ type: 'order', order: order('c', 4) });
    expect(rec.count('order')).toBe(3);
  });

  it('drops what a link held if it dies before its snapshot', async () => {
    const { adapter, rec, start } = setup(['ok'], { holdResync: true });
    start();
    await flush();
    const link = adapter.current;
    link.h.event({ type: 'order', order: order('a', 2) });
    link.serverClose(1006);
    expect(rec.count('order')).toBe(0);
  });
});

describe('resync gate during rotation', () => {
  it('the replacement’s early events follow its snapshot; the old link’s late events are dropped', async () => {
    const clock = new ManualClock();
    const adapter = new ScriptedAdapter(['ok', 'ok'], 30_000, 60_000, 'ok', { holdResync: true });
    const rec = new Recorder();
    const sup = new Supervisor({
      id: 'c1',
      kind: 'test',
      label: 'Test',
      mode: 'paper',
      adapter,
      clock,
      rotationLeadMs: 5_000,
      healthThrottleMs: 0,
    });
    sup.start(rec.listener);
    await flush();
    const first = adapter.current;
    first.finishResync();
    await flush();
    clock.advance(55_000);
    await flush();
    const second = adapter.current;
    expect(second).not.toBe(first);
    second.h.event({ type: 'order', order: order('new', 2) });
    first.h.event({ type: 'order', order: order('old', 1) });
    expect(rec.ofType('order').map((e) => e.order.id)).toEqual(['old']);
    second.finishResync();
    await flush();
    first.h.event({ type: 'order', order: order('stale', 1) });
    const tail = rec.events.filter((e) => e.type === 'resync' || e.type === 'order').slice(-2);
    expect(tail.map((e) => e.type)).toEqual(['resync', 'order']);
    expect(rec.ofType('order').map((e) => e.order.id)).toEqual(['old', 'new']);
    expect(sup.state).toBe('live');
  });
});

describe('several sockets', () => {
  const sockets = [
    { name: 'trading', essential: true },
    { name: 'md', essential: false },
  ];

  it('a silent market-data socket marks the connection stale, naming it; trading stays up', async () => {
    const { adapter, clock, sup, start } = setup(['ok'], {
      sockets,
      heartbeat: { keepaliveMs: null, silenceMs: 10_000, probeMs: null },
    });
    start();
    await flush();
    const link = adapter.current;
    // Trading keeps talking; market data goes quiet.
    for (let t = 0; t < 12; t++) {
      clock.advance(1_000);
      link.h.frame('trading');
    }
    expect(sup.state).toBe('stale');
    expect(sup.staleParts()).toEqual(['socket md']);
    expect(adapter.opens).toBe(1);
    link.h.frame('md');
    expect(sup.state).toBe('live');
    expect(sup.staleParts()).toEqual([]);
  });

  it('a silent trading socket fails the link, naming the socket, even while market data flows', async () => {
    const { adapter, clock, sup, start } = setup(['ok'], {
      sockets,
      heartbeat: { keepaliveMs: null, silenceMs: 10_000, probeMs: null },
    });
    start();
    await flush();
    const link = adapter.current;
    for (let t = 0; t < 9; t++) {
      clock.advance(1_000);
      link.h.frame('md');
    }
    expect(sup.state).toBe('live');
    clock.advance(1_000);
    expect(sup.state).toBe('backoff');
    expect(sup.health().lastError).toMatch(/socket trading: no frame for 10 s \(heartbeat timeout\)/);
    expect(link.terminated).toBe(true);
  });
});

describe('heartbeat split', () => {
  it('keepalive without a reply (Tradovate-style): sent on its interval, no RTT probe, dead on silence', async () => {
    const { adapter, clock, sup, start } = setup(['ok'], {
      sockets: [{ name: 'trading', essential: true }],
      heartbeat: { keepaliveMs: 2_500, silenceMs: 10_000, probeMs: null },
    });
    start();
    await flush();
    const link = adapter.current;
    clock.advance(7_500);
    expect(link.keepalives).toEqual(['trading', 'trading', 'trading']);
    expect(link.pings).toBe(0);
    expect(sup.health().rttMs).toBeNull();
    clock.advance(2_499);
    expect(sup.state).toBe('live');
    clock.advance(1);
    expect(sup.state).toBe('backoff');
  });

  it('an RTT probe measures from ping to pong on the primary socket', async () => {
    const { adapter, clock, sup, start } = setup(['ok'], {
      heartbeat: { keepaliveMs: null, silenceMs: 30_000, probeMs: 5_000 },
    });
    start();
    await flush();
    const link = adapter.current;
    expect(link.pinged).toEqual(['main']);
    clock.advance(40);
    link.h.pong(null);
    expect(sup.health().rttMs).toBe(40);
    clock.advance(4_960);
    expect(link.pings).toBe(2);
  });

  it('the old single figure still means: ping every interval, dead after two', async () => {
    const { adapter, clock, sup, start } = setup(['ok'], {}, { heartbeatMs: 1_000 });
    start();
    await flush();
    clock.advance(1_000);
    expect(adapter.current.pings).toBe(2);
    clock.advance(999);
    expect(sup.state).toBe('live');
    clock.advance(1);
    expect(sup.state).toBe('backoff');
  });
});

describe('clock lent to adapters', () => {
  it('hands every open the supervisor clock, so token renewal runs on the test clock', async () => {
    const { adapter, clock, sup, start } = setup(['ok']);
    start();
    await flush();
    expect(adapter.contexts[0]?.clock).toBe(clock);
    expect(sup.clock).toBe(clock);
    let renewed = false;
    adapter.contexts[0]?.clock.setTimeout(() => {
      renewed = true;
    }, 60_000);
    clock.advance(60_000);
    expect(renewed).toBe(true);
  });
});
