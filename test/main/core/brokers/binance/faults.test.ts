/**
 * Binance-specific faults and bad input (docs/reliability.md, Binance rows): signatures and the
 * server clock, 429 / 418, "status unknown" resolved by lookup, a revoked key, `serverShutdown`,
 * duplicated and reordered user events, subscriptions within the control-message limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../../../../src/main/core/ledger';
import { DEMO_API_SECRET } from '../../../../../sim/binance';
import { until } from '../../supervisor/support';
import { type Harness, harness } from './harness';
import { order, routesOf } from './support';

let x: Harness | null = null;
afterEach(async () => {
  await x?.close();
  x = null;
});

async function live(o: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  x = await harness(o);
  await x.waitState('live');
  return x;
}

function noSecretIn(h: Harness): void {
  const all = JSON.stringify(h.logger.lines) + String(h.sup.health().lastError);
  expect(all).not.toContain(DEMO_API_SECRET);
}

describe('binance: signatures and the server clock', () => {
  it('a server clock 30 s ahead: the adapter measures it and signs inside recvWindow', async () => {
    const h = await live({ sim: { api: { clockSkewMs: 30_000 }, autoTradeMs: undefined } });
    const { routes, adapter } = routesOf(h);
    expect(Math.abs(adapter.state.clock.offset - 30_000)).toBeLessThan(1_000);
    const ack = await routes.placeOrder(order());
    expect(ack.status).toBe('accepted');
  });

  it('the clock jumps mid-session (-1021): the next subscribe re-measures and recovers', async () => {
    const h = await live({ sim: { autoTradeMs: undefined } });
    const { routes } = routesOf(h);
    h.sim.fault({ kind: 'clock-skew', ms: -20_000 });
    // An order signed on the old offset is refused outright (nothing executed), never resent.
    const refused = await routes.placeOrder(order());
    expect(refused).toMatchObject({ status: 'rejected', code: '-1021' });
    h.sim.fault({ kind: 'drop' });
    await h.waitState('backoff');
    await h.waitState('live');
    expect((await routes.placeOrder(order())).status).toBe('accepted');
  });

  it('a wrong secret: signature rejected (-1022), stopped with a credential error, secret never shown', async () => {
    const h = (x = await harness({ adapter: { apiSecret: 'not-the-secret' } }));
    await h.waitState('stopped');
    expect(h.sup.health().lastError).toMatch(/-1022.*check the API key and secret/);
    expect(h.adapter.opens).toBe(1);
    expect(h.rec.count('resync')).toBe(0);
    noSecretIn(h);
  });
});

describe('binance: request weight, 429 and 418', () => {
  it('429 with retryAfter: refused, nothing executed, and the adapter holds back until then', async () => {
    const h = await live({ sim: { autoTradeMs: undefined } });
    const { routes, adapter } = routesOf(h);
    h.sim.fault({ kind: 'rate-limit', op: 'order.place', retryAfterMs: 60_000 });
    const first = await routes.placeOrder(order());
    expect(first).toMatchObject({ status: 'rejected', code: 'rate_limited' });
    expect(h.sim.exchange.openOrders('alice')).toHaveLength(0);
    const before = h.sim.api.framesSent;
    const second = await routes.placeOrder(order());
    expect(second).toMatchObject({ status: 'rejected', code: 'rate_limited' });
    expect(h.sim.api.framesSent).toBe(before);
    expect(adapter.headroom().blockedUntil).not.toBeNull();
  });

  it('418 ban: refused as ip_banned, and no request goes out until the ban ends', async () => {
    const h = await live({ sim: { autoTradeMs: undefined } });
    const { routes, adapter } = routesOf(h);
    h.sim.fault({ kind: 'ban', ms: 120_000 });
    const ack = await routes.placeOrder(order());
    expect(ack).toMatchObject({ status: 'rejected', code: 'ip_banned' });
    expect(adapter.headroom().banned).toBe(true);
    const before = h.sim.api.framesSent;
    expect((await routes.placeOrder(order())).status).toBe('rejected');
    expect(h.sim.api.framesSent).toBe(before);
  });

  it('weight from rateLimits is tracked as headroom; past the reserve only orders go out', async () => {
    const h = await live({ sim: { api: { weightLimit: 400 }, autoTradeMs: undefined } });
    const { routes, adapter } = routesOf(h);
    await until(() => adapter.headroom().used > 0, 'weight observed');
    expect(adapter.headroom().limit).toBe(400);
    const used = adapter.headroom().used;
    for (let i = 0; i < 5; i++) expect((await routes.placeOrder(order())).status).toBe('accepted');
    expect(adapter.headroom().used).toBeGreaterThan(used);
    expect(adapter.headroom().free).toBeLessThan(1);
    // Fill the minute up to the reserve: chart history is now held back here, orders still go.
    adapter.state.weights.observe(330, 400);
    await expect(adapter.state.rest.get('klines', { symbol: 'BTCUSDT', interval: '1m' }, 2)).rejects.toThrow(
      /holding back/,
    );
    expect((await routes.placeOrder(order())).status).toBe('accepted');
  });
});

describe('binance: unknown outcomes', () => {
  it('-1007 after executing: unknown, then order.status by our client id finds it (never resent)', async () => {
    const h = await live({ sim: { autoTradeMs: undefined } });
    const { routes } = routesOf(h);
    h.sim.fault({ kind: 'fail-after-execute', op: 'order.place', status: 503 });
    const o = order({ type: 'limit', limitPrice: 1000, qty: 0.01 });
    const ack = await routes.placeOrder(o);
    expect(ack.status).toBe('unknown');
    expect(h.sim.exchange.openOrders('alice')).toHaveLength(1);
    const found = await routes.lookupOrder(o.clientOrderId, 'spot');
    expect(found.status).toBe('found');
    if (found.status === 'found') expect(found.order.clientOrderId).toBe(o.clientOrderId);
    expect(h.sim.exchange.openOrders('alice')).toHaveLength(1);
    expect((await routes.lookupOrder('never-placed-1', 'spot')).status).toBe('not_found');
  });

  it('a dropped reply times out as unknown; the lookup resolves it', async () => {
    const h = await live({ sim: { autoTradeMs: undefined }, requestTimeoutMs: 300 });
    const { routes } = routesOf(h);
    h.sim.fault({ kind: 'drop-reply', op: 'order.place' });
    const o = order({ type: 'limit', limitPrice: 1000, qty: 0.01 });
    expect((await routes.placeOrder(o)).status).toBe('unknown');
    expect((await routes.lookupOrder(o.clientOrderId, 'spot')).status).toBe('found');
  });
});

describe('binance: credentials and server notices', () => {
  it('a revoked key (-2015) stops the connection with a credential error and no retry loop', async () => {
    const h = await live();
    h.sim.fault({ kind: 'revoke-key' });
    await h.waitState('stopped');
    expect(h.sup.health().lastError).toMatch(/revoked.*-2015/);
    expect(h.adapter.opens).toBe(1);
    noSecretIn(h);
  });

  it('serverShutdown: the supervisor rotates to a new link without leaving live', async () => {
    const h = await live({ heartbeatMs: 60_000 });
    const resyncs = h.rec.count('resync');
    h.sim.fault({ kind: 'server-shutdown' });
    await until(() => h.rec.count('resync') > resyncs, 'rotation resync');
    expect(h.rec.states.filter((s) => s === 'backoff')).toEqual([]);
    expect(h.rec.count('unverified')).toBe(0);
    expect(h.sim.accepted).toBe(2);
  });

  it('a 24-hour lifetime shortened to 800 ms: rotated ahead of the cut, always live', async () => {
    const h = await live({ adapter: { maxConnectionAgeMs: 800 }, rotationLeadMs: 400, heartbeatMs: 60_000 });
    h.sim.setMaxConnectionAge(800);
    await until(() => h.rec.count('resync') >= 3, 'two rotations');
    expect(h.rec.states.filter((s) => s === 'backoff')).toEqual([]);
    expect(h.rec.count('unverified')).toBe(0);
  });
});

describe('binance: user events out of order and twice', () => {
  it('duplicated executionReports (same trade id) book one fill each', async () => {
    const h = await live();
    h.sim.api.fault({ kind: 'duplicate', count: 50 });
    await until(() => h.rec.count('fill') >= 4, 'fills');
    const ledger = new Ledger();
    ledger.registerConnection('binance', 'paper');
    for (const e of h.rec.events) if (e.type !== 'health') ledger.apply('binance', e);
    const ids = ledger.fills().map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Every fill event the stream carried twice collapsed to one in the ledger.
    const streamed = new Set(h.rec.ofType('fill').map((e) => e.fill.id));
    expect(h.rec.count('fill')).toBeGreaterThan(streamed.size);
    for (const id of streamed) expect(ids).toContain(id);
  });

  it('listStatus before its legs: the legs still carry their OCO, and cancelling one ends both', async () => {
    const h = await live({ sim: { autoTradeMs: undefined, depositBtc: 0.5 } });
    const { routes } = routesOf(h);
    h.sim.fault({ kind: 'list-status-first', count: 2 });
    const px = h.sim.world.venue.quote('BTCUSDT').last;
    const ack = await routes.placeOco({
      symbol: 'BTCUSDT',
      side: 'sell',
      qty: 0.01,
      takeProfit: Math.round(px * 1.05),
      stopLoss: Math.round(px * 0.95),
      listClientOrderId: `oco-${Date.now()}`,
    });
    expect(ack.status).toBe('accepted');
    await until(
      () => h.rec.ofType('order').filter((e) => e.order.list?.type === 'oco').length >= 2,
      'two legs',
    );
    const legs = h.rec
      .ofType('order')
      .filter((e) => e.order.list !== undefined)
      .map((e) => e.order);
    const first = legs[0];
    if (first === undefined) throw new Error('no leg');
    const cancel = await routes.cancelOrder(first, { idempotencyKey: 'cancel-oco-1' });
    expect(cancel.status).toBe('accepted');
    await until(
      () =>
        new Set(
          h.rec
            .ofType('order')
            .filter(
              (e) =>
                e.order.list !== undefined &&
                (e.order.status === 'cancelled' || e.order.status === 'expired'),
            )
            .map((e) => e.order.id),
        ).size === 2,
      'both legs done',
    );
  });
});

describe('binance: subscriptions', () => {
  it('setInterest subscribes and unsubscribes live, paced under 5 messages a second', async () => {
    const h = await live({ sim: { autoTradeMs: undefined } });
    const { adapter } = routesOf(h);
    adapter.setInterest(new Set(['BTCUSDT', 'ETHUSDT', 'BNBUSDT']));
    await until(() => h.rec.ofType('quote').some((e) => e.quote.symbol === 'BNBUSDT'), 'BNB quotes');
    expect(h.sim.streams.subscriptionsOf()[0]).toContain('ethusdt@bookTicker');
    adapter.setInterest(new Set(['ETHUSDT']));
    await until(() => !(h.sim.streams.subscriptionsOf()[0] ?? []).includes('btcusdt@bookTicker'), 'BTC gone');
    // The server cuts a client past 5 messages a second: it never did.
    expect(h.sim.streams.accepted).toBe(1);
    expect(h.sup.state).toBe('live');
  });
});
