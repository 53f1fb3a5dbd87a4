/**
 * The subscription reply and the snapshot batch in one TCP read (ws then delivers both in the same
 * tick): the snapshot must still be the resync, never applied as deltas with the next 1-second
 * delta posing as the complete picture (which flattened unlisted positions and alerted on
 * unlisted orders).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../../src/main/core/engine';
import { PortfolioStreamConnection } from '../../../../../src/main/core/brokers/portfolio-stream/connection';
import { toOrder } from '../../../../../src/main/core/brokers/portfolio-stream/mapping';
import { DEMO_SESSION, DEMO_USER, PortfolioStreamSim } from '../../../../../sim/portfolio-stream/server';
import { until } from '../../supervisor/support';
import { type Harness, harness } from './harness';

let h: Harness | null = null;
let sim: PortfolioStreamSim | null = null;
let engine: Engine | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await h?.close();
  h = null;
  await sim?.stop();
  sim = null;
});

describe('portfolio-stream resync', () => {
  it('info + snapshot in one read: the snapshot is the resync and no update precedes it', async () => {
    h = await harness({ sim: { coalesceSubscribeReply: true, batchIntervalMs: 30 } });
    await h.waitState('live');
    const x = h;
    await until(() => x.rec.count('position') > 0, 'a live update after the resync');
    const kinds = x.rec.events.map((e) => e.type);
    const resyncAt = kinds.indexOf('resync');
    expect(resyncAt).toBeGreaterThanOrEqual(0);
    const firstUpdate = kinds.findIndex((k) => k === 'position' || k === 'order' || k === 'account');
    expect(firstUpdate).toBeGreaterThan(resyncAt);
    const snap = x.rec.ofType('resync')[0]?.snapshot;
    // The full portfolio: the resting limit order and every seeded position.
    expect(snap?.orders.map((o) => o.id)).toContain('user-demo-order-1');
    expect(snap?.positions?.map((p) => p.symbol)).toEqual(expect.arrayContaining(['AAPL', 'TSLA', 'NVDA']));
  });

  it('through the engine: positions stay open and no order is flagged unreported', async () => {
    sim = new PortfolioStreamSim({ coalesceSubscribeReply: true, batchIntervalMs: 30 });
    const { url } = await sim.start();
    // The resting order's creation is already delivered: later deltas do not list it again.
    sim.book(DEMO_USER).drain();
    const conn = new PortfolioStreamConnection({
      kind: 'portfolio-stream',
      id: 'ps',
      url,
      sessionCookie: DEMO_SESSION,
      mode: 'paper',
    });
    const e = Engine.create({ paper: false, connections: [conn], flushMs: 5 });
    engine = e;
    const alerts: string[] = [];
    e.subscribe((m) => {
      if (m.kind === 'batch') for (const a of m.alerts) alerts.push(a.title);
    });
    await e.start();
    await until(() => e.ledger.accounts().some((a) => a.verified), 'verified account');
    // Several deltas after the resync: any of them posing as the snapshot would flatten or alert.
    const seq = e.snapshot().seq;
    await until(() => e.snapshot().seq > seq + 5, 'later batches');
    const open = e.ledger
      .positions()
      .filter((p) => p.qty !== 0)
      .map((p) => p.symbol);
    expect(open).toEqual(expect.arrayContaining(['AAPL', 'TSLA', 'NVDA']));
    expect(e.ledger.order('ps', 'user-demo-order-1')?.status).toBe('working');
    expect(alerts.filter((t) => /not reported/.test(t))).toEqual([]);
  });
});

describe('portfolio-stream order mapping', () => {
  it('dates every version of an order with the frame clock, not the exchange fill time', () => {
    const frameTs = Date.UTC(2026, 0, 5, 15, 0, 2);
    const o = toOrder(
      {
        orderId: 'o-1',
        symbol: 'AAPL',
        side: 'buy',
        type: 'market',
        status: 'filled',
        qty: 5,
        filledQty: 5,
        filledAvgPrice: 190.5,
        submittedAt: Date.UTC(2026, 0, 5, 15, 0, 0),
        filledAt: Date.UTC(2026, 0, 5, 15, 0, 0, 900),
      },
      'ps',
      'user-demo',
      frameTs,
    );
    expect(o?.updatedAt).toBe(frameTs);
  });
});
