/**
 * The orders-relay rows of the fault matrix (docs/reliability.md) that depend on its protocol:
 * TradeStation control objects, GoAway rotation, the relay's proxy_error, binary frames, fills from
 * cumulative snapshots (never twice, recovered after a gap), the REST cancel, token handling.
 * Real simulator, real sockets on loopback, the real adapter under a real Supervisor.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../../../src/shared/domain';
import type { ConnectionEvent } from '../../../../../src/main/core/connection';
import { relayRoutes } from '../../../../../src/main/core/brokers/orders-relay/connection';
import { Ledger } from '../../../../../src/main/core/ledger';
import { systemClock } from '../../../../../src/main/core/supervisor/clock';
import { DEMO_ACCOUNT, DEMO_TOKEN } from '../../../../../sim/orders-relay/server';
import { until } from '../../supervisor/support';
import { resyncTrail } from '../conformance';
import { type Harness, harness } from './harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function live(o: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  h = await harness(o);
  await h.waitState('live');
  return h;
}

/** Every event through a real ledger, as the engine would apply them. */
function replay(events: readonly ConnectionEvent[]): Ledger {
  const ledger = new Ledger();
  ledger.registerConnection('orders-relay', 'paper');
  for (const e of events) if (e.type !== 'health') ledger.apply('orders-relay', e);
  return ledger;
}

/** Each order's booked fills add up to its cumulative filled quantity: nothing twice, nothing lost. */
function expectFillsMatchOrders(ledger: Ledger): void {
  const booked = new Map<string, number>();
  for (const f of ledger.fills()) booked.set(f.orderId, (booked.get(f.orderId) ?? 0) + f.qty);
  for (const o of ledger.orders())
    expect(booked.get(o.id) ?? 0, `fills of ${o.id}`).toBeCloseTo(o.filledQty, 9);
}

describe('orders-relay protocol (real sockets)', () => {
  it('EndSnapshot on both sockets: the snapshot is reconciled and the account verified', async () => {
    const x = await live();
    await until(() => x.rec.count('position') > 0, 'positions streaming');
    const snap = x.rec.ofType('resync')[0]?.snapshot;
    expect(snap).toBeDefined();
    const ledger = replay(x.rec.events);
    expect(ledger.account('orders-relay', DEMO_ACCOUNT)?.verified).toBe(true);
    expect(x.sup.health().malformedFrames).toBe(0);
  });

  it('Heartbeat and StreamStatus are consumed, never shown or counted as malformed', async () => {
    const x = await live({ sim: { heartbeatMs: 30, tradeIntervalMs: 60_000, positionsIntervalMs: 60_000 } });
    const before = x.rec.events.filter((e) => e.type !== 'health').length;
    const frames = x.adapter.frames;
    await until(() => x.adapter.frames >= frames + 6, 'heartbeats');
    x.sim.fault({ kind: 'inject', frame: JSON.stringify({ StreamStatus: 'EndSnapshot' }) });
    await until(() => x.adapter.frames >= frames + 8, 'status frames');
    expect(x.rec.events.filter((e) => e.type !== 'health').length).toBe(before);
    expect(x.sup.health().malformedFrames).toBe(0);
    expect(x.sup.state).toBe('live');
  });

  it('frames the relay forwards as binary are decoded as UTF-8 JSON, not dropped', async () => {
    const x = await live({ sim: { binaryEvery: 2 } });
    await until(() => x.rec.count('position') >= 10, 'positions through binary frames');
    expect(x.sup.health().malformedFrames).toBe(0);
  });

  it('GoAway: a new link is opened at once and swapped in; never unverified, never backoff', async () => {
    const x = await live();
    x.sim.fault({ kind: 'go-away', graceMs: 400 });
    await until(() => x.rec.count('resync') >= 2, 'rotated');
    expect(x.rec.states).not.toContain('backoff');
    expect(x.rec.count('unverified')).toBe(0);
    expect(x.logger.lines.some((l) => l.msg === 'server asked for a new link')).toBe(true);
    await until(() => x.sim.accepted === 2, 'one replacement stream');
  });

  it('GoAway followed by a cut before the replacement is ready: retried, never stopped', async () => {
    const x = await live();
    x.sim.fault({ kind: 'go-away', graceMs: 0 });
    await until(() => x.rec.count('resync') >= 2, 'back with a snapshot');
    await x.waitState('live');
    expect(x.rec.states).not.toContain('stopped');
  });

  it('proxy_error is the connection’s last error; the link stays up', async () => {
    const x = await live();
    x.sim.fault({ kind: 'proxy-error', error: 'External WebSocket error: ECONNRESET' });
    await until(
      () => x.sup.health().lastError === 'relay: External WebSocket error: ECONNRESET',
      'last error',
    );
    expect(x.sup.state).toBe('live');
    expect(x.sup.health().malformedFrames).toBe(0);
  });

  it('proxy_error then a close without code: retried, the relay’s reason kept as last error', async () => {
    const x = await live();
    x.sim.fault({ kind: 'proxy-error', error: 'upstream unreachable', close: true });
    await x.waitState('backoff');
    expect(x.sup.health().lastError).toMatch(/upstream unreachable/);
    await x.waitState('live');
  });

  it('an older copy of a position (by its Timestamp) is dropped and logged, never applied', async () => {
    const x = await live({ sim: { tradeIntervalMs: 60_000, positionsIntervalMs: 60_000 } });
    const position = (ts: string, qty: string) =>
      JSON.stringify({
        PositionID: 'P-ZZZ',
        AccountID: DEMO_ACCOUNT,
        Symbol: 'ZZZ',
        Quantity: qty,
        AveragePrice: '10',
        Last: '11',
        LongShort: 'Long',
        Timestamp: ts,
      });
    x.sim.fault({ kind: 'inject', frame: position('2030-01-01T00:00:02.000Z', '5') });
    x.sim.fault({ kind: 'inject', frame: position('2030-01-01T00:00:01.000Z', '3') });
    await until(() => x.logger.lines.some((l) => l.msg === 'out-of-order updates dropped'), 'dropped');
    const zzz = x.rec.ofType('position').filter((e) => e.position.symbol === 'ZZZ');
    // `inject` reaches both sockets; the older copy is dropped on each.
    expect(zzz.length).toBeGreaterThan(0);
    expect(zzz.every((e) => e.position.qty === 5)).toBe(true);
  });

  it('a closed position as a deletion marker (`Deleted: true`, id only) is flat', async () => {
    const x = await live({ sim: { tradeIntervalMs: 60_000, positionsIntervalMs: 60_000 } });
    x.sim.fault({
      kind: 'inject',
      frame: JSON.stringify({
        PositionID: 'P-DEL',
        AccountID: DEMO_ACCOUNT,
        Symbol: 'DEL',
        Quantity: '4',
        AveragePrice: '10',
        Timestamp: '2030-01-01T00:00:00Z',
      }),
    });
    x.sim.fault({ kind: 'inject', frame: JSON.stringify({ PositionID: 'P-DEL', Deleted: true }) });
    await until(
      () => x.rec.ofType('position').some((e) => e.position.symbol === 'DEL' && e.position.qty === 0),
      'flat',
    );
    expect(x.sup.health().malformedFrames).toBe(0);
  });

  it('a bad token: closed 1008 "Authentication required" after the upgrade, stopped, no loop', async () => {
    h = await harness({ token: 'not-a-valid-jwt' });
    await h.waitState('stopped');
    expect(h.sup.health().lastError).toBe('Authentication required');
    expect(h.adapter.opens).toBe(1);
  });

  it('refused upgrades on either socket are retried until both open', async () => {
    const x = await live();
    x.sim.fault({ kind: 'refuse', count: 3 });
    x.sim.fault({ kind: 'drop' });
    await x.waitState('backoff');
    await until(() => x.adapter.opens >= 3 && x.sup.state === 'live', 'live after refusals');
  });

  it('a fill re-sent in every later snapshot is counted once', async () => {
    const x = await live();
    await until(() => x.rec.count('fill') >= 3, 'fills', 10_000);
    for (let i = 0; i < 2; i++) {
      const resyncs = x.rec.count('resync');
      x.sim.fault({ kind: 'drop' });
      await until(() => x.rec.count('resync') > resyncs, 'reconnected');
    }
    const ledger = replay(x.rec.events);
    const ids = ledger.fills().map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expectFillsMatchOrders(ledger);
  });

  it('a fill the relay lost is recovered from the reconnect snapshot, once', async () => {
    const x = await live();
    x.sim.fault({ kind: 'withhold-fills', count: 1 });
    await until(() => x.sim.withheldOrders.length > 0, 'a fill withheld', 10_000);
    const lost = x.sim.withheldOrders[0] ?? '';
    expect(x.rec.ofType('fill').some((e) => e.fill.orderId === lost)).toBe(false);
    x.sim.fault({ kind: 'drop' });
    await until(() => x.rec.count('resync') >= 2, 'reconnect snapshot');
    const recovered = x.rec.ofType('resync')[1]?.snapshot.fills.filter((f) => f.orderId === lost) ?? [];
    expect(recovered.length).toBeGreaterThan(0);
    expectFillsMatchOrders(replay(x.rec.events));
    expect(resyncTrail(x.rec.events)).toEqual(['resync', 'unverified', 'resync']);
  });

  it('cancel: DELETE {rest}/orders/<OrderID> with the bearer; the cancelled state comes from the stream', async () => {
    const x = await live({ sim: { tradeIntervalMs: 40 } });
    const working = (): Order | undefined =>
      replay(x.rec.events)
        .orders()
        .find((o) => o.type === 'limit' && o.status === 'working');
    await until(() => working() !== undefined, 'a resting limit order', 10_000);
    const order = working() as Order;
    const rest = `${x.sim.address().httpUrl}/api`;
    const ack = await relayRoutes(rest, DEMO_TOKEN, 'relay', systemClock, 5_000).cancelOrder(order, {
      idempotencyKey: 'k1',
    });
    // The relay's cancel may lose the race with a fill; either way the answer is definite.
    if (ack.status === 'accepted') {
      expect(x.sim.cancels).toContain(order.id);
      await until(
        () => x.rec.ofType('order').some((e) => e.order.id === order.id && e.order.status === 'cancelled'),
        'cancelled on the stream',
      );
    } else expect(ack.status).toBe('rejected');
    const bad = await relayRoutes(rest, 'wrong', 'relay', systemClock, 5_000).cancelOrder(order, {
      idempotencyKey: 'k2',
    });
    expect(bad).toMatchObject({ status: 'rejected', code: 'auth' });
    const unknown = await relayRoutes(rest, DEMO_TOKEN, 'relay', systemClock, 5_000).cancelOrder(
      { ...order, id: 'no-such-order' },
      { idempotencyKey: 'k3' },
    );
    expect(unknown).toMatchObject({ status: 'rejected', code: 'not_found' });
  });

  it('a cancel whose answer never comes is unknown (resolved from the stream), never refused', async () => {
    const x = await live();
    x.sim.fault({ kind: 'drop-reply', count: 1, op: 'cancel' });
    const rest = `${x.sim.address().httpUrl}/api`;
    const order = { id: 'whatever' } as Order;
    const ack = await relayRoutes(rest, DEMO_TOKEN, 'relay', systemClock, 5_000).cancelOrder(order, {
      idempotencyKey: 'k',
    });
    expect(ack.status).toBe('unknown');
  });

  it('the JWT appears in no log line and no error, whatever happened to the link', async () => {
    const x = await live();
    x.sim.fault({ kind: 'proxy-error', error: 'boom', close: true });
    await x.waitState('backoff');
    await x.waitState('live');
    x.sim.fault({ kind: 'corrupt', count: 2 });
    await until(() => x.sup.health().malformedFrames >= 2, 'malformed');
    x.sim.fault({ kind: 'expire-credentials' });
    await x.waitState('stopped');
    const text = JSON.stringify(x.logger.lines) + JSON.stringify(x.sup.health());
    expect(text).not.toContain(DEMO_TOKEN);
    expect(text).not.toContain(encodeURIComponent(DEMO_TOKEN));
  });
});
