/**
 * The Binance kind end to end: built from its public config shape through the registry, live
 * against the simulator, spot holdings as positions with exact average cost (commission in the
 * base asset), a limit order filled in parts, filters named in refusals, chart history.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BinanceConnection } from '../../../../../src/main/core/brokers/binance/connection';
import { checkEndpoints, kindSpec } from '../../../../../src/main/core/brokers/registry';
import {
  UnsupportedTimeframe,
  type ConnectionEvent,
  type PlaceOrder,
} from '../../../../../src/main/core/connection';
import { Ledger } from '../../../../../src/main/core/ledger';
import { silentLogger } from '../../../../../src/main/core/log';
import { BinanceSim, DEMO_API_KEY, DEMO_API_SECRET } from '../../../../../sim/binance';
import { until } from '../../supervisor/support';

let sim: BinanceSim | null = null;
let conn: BinanceConnection | null = null;
afterEach(async () => {
  await conn?.stop();
  await sim?.stop();
  conn = null;
  sim = null;
});

async function connect(
  options: Record<string, unknown> = {},
): Promise<{ c: BinanceConnection; events: ConnectionEvent[]; s: BinanceSim }> {
  const s = (sim = new BinanceSim({ world: { tickMs: 50 }, streams: { bookUpdateMs: 50 }, depositBtc: 0.5 }));
  await s.start();
  const spec = kindSpec('binance');
  if (spec?.build === undefined) throw new Error('binance kind not buildable');
  const { entry, problems } = checkEndpoints(spec, {
    id: 'bn',
    label: 'Binance (sim)',
    mode: 'demo',
    urls: s.urls(),
    options: { symbols: ['BTCUSDT'], ...options },
  });
  expect(problems).toEqual([]);
  const secrets = new Map([
    ['apiKey', DEMO_API_KEY],
    ['apiSecret', DEMO_API_SECRET],
  ]);
  const c = (conn = spec.build(
    entry,
    { get: (n) => secrets.get(n) },
    { logger: silentLogger() },
  ) as BinanceConnection);
  const events: ConnectionEvent[] = [];
  await c.start((_id, e) => events.push(e));
  await until(() => c.health().state === 'live', 'live');
  return { c, events, s };
}

let n = 0;
function place(o: Partial<PlaceOrder>): PlaceOrder {
  n += 1;
  return {
    connectionId: 'bn',
    accountId: 'spot',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'market',
    qty: 0.01,
    tif: 'gtc',
    clientOrderId: `conn-test-${Date.now().toString(36)}-${n}`,
    ...o,
  } as PlaceOrder;
}

describe('binance kind', () => {
  it('defaults every endpoint per mode: demo is the Spot Testnet, live production', () => {
    const spec = kindSpec('binance');
    if (spec === undefined) throw new Error('no kind');
    expect(spec.available).toBe(true);
    const demo = checkEndpoints(spec, { id: 'bn', label: 'bn', mode: 'demo', urls: {}, options: {} });
    expect(demo.problems).toEqual([]);
    expect(demo.entry.urls).toEqual({
      rest: 'https://testnet.binance.vision',
      stream: 'wss://stream.testnet.binance.vision',
      wsApi: 'wss://ws-api.testnet.binance.vision/ws-api/v3',
    });
    const live = checkEndpoints(spec, { id: 'bn', label: 'bn', mode: 'live', urls: {}, options: {} });
    expect(live.entry.urls.wsApi).toBe('wss://ws-api.binance.com:443/ws-api/v3');
  });

  it('a bad option is reported by path, never quoting a secret', () => {
    const spec = kindSpec('binance');
    const build = spec?.build;
    if (spec === undefined || build === undefined) throw new Error('no kind');
    const { entry } = checkEndpoints(spec, {
      id: 'bn',
      label: 'bn',
      mode: 'demo',
      urls: {},
      options: { recvWindow: 90_000 },
    });
    expect(() => build(entry, { get: () => 'S3CRET-VALUE' }, {})).toThrow(/recvWindow/);
    try {
      build(entry, { get: () => 'S3CRET-VALUE' }, {});
    } catch (err) {
      expect(String(err)).not.toContain('S3CRET-VALUE');
    }
  });
});

describe('binance connection against the simulator', () => {
  it('instruments carry exchangeInfo filters; holdings are positions; a deposit without history is cost-partial', async () => {
    const { events } = await connect();
    const inst = events.flatMap((e) => (e.type === 'instrument' ? [e.instrument] : []));
    const btc = inst.find((i) => i.symbol === 'BTCUSDT');
    expect(btc).toMatchObject({ tickSize: 0.01, qtyStep: 0.00001, assetClass: 'crypto' });
    const snap = events.find((e) => e.type === 'resync');
    if (snap?.type !== 'resync') throw new Error('no resync');
    expect(snap.snapshot.positions).toEqual([
      expect.objectContaining({ symbol: 'BTCUSDT', qty: 0.5, costPartial: true }),
    ]);
    expect(snap.snapshot.accounts[0]?.cash).toBe(100_000);
    // The ledger carries the flag to the positions table and /status.
    const ledger = new Ledger();
    ledger.registerConnection('bn', 'demo');
    for (const e of events) if (e.type !== 'health') ledger.apply('bn', e);
    expect(ledger.positions().find((p) => p.symbol === 'BTCUSDT')?.costPartial).toBe(true);
  });

  it("the account's currency is its quote asset's: BTC cash is never summed as dollars", async () => {
    const { events } = await connect({ quoteAsset: 'BTC' });
    const snap = events.find((e) => e.type === 'resync');
    if (snap?.type !== 'resync') throw new Error('no resync');
    expect(snap.snapshot.accounts[0]).toMatchObject({ currency: 'BTC', cash: 0.5 });
  });

  it('health carries the request-weight headroom read from rateLimits', async () => {
    const { c, events } = await connect();
    // Connecting cost weight (time, exchangeInfo, account, openOrders, myTrades): counted, with headroom left.
    const h = c.health().rateLimit;
    expect(h).toBeDefined();
    expect(h?.limit).toBe(6000);
    expect(h?.used ?? 0).toBeGreaterThan(0);
    expect(h?.headroomPct ?? 0).toBeGreaterThan(90);
    expect(h?.headroomPct ?? 100).toBeLessThan(100);
    expect(h?.blockedUntil).toBeNull();
    expect(events.some((e) => e.type === 'health' && e.health.rateLimit !== undefined)).toBe(true);
  });

  it('a limit order filled in parts: exact average cost and the base-asset commission off the quantity', async () => {
    const { c, events, s } = await connect();
    const ask = s.world.venue.quote('BTCUSDT').ask;
    // Above the ask and larger than the displayed size: fills now, then on later ticks.
    const ack = await c.placeOrder(
      place({ type: 'limit', qty: 0.5, limitPrice: Math.round((ask + 200) * 100) / 100 }),
    );
    expect(ack.status).toBe('accepted');
    const id = ack.status === 'accepted' ? ack.brokerOrderId : '';
    await until(
      () => events.some((e) => e.type === 'order' && e.order.id === id && e.order.status === 'filled'),
      'filled',
      15_000,
    );
    const fills = events.flatMap((e) => (e.type === 'fill' && e.fill.orderId === id ? [e.fill] : []));
    expect(fills.length).toBeGreaterThan(1);
    const last = [...events].reverse().find((e) => e.type === 'position');
    if (last?.type !== 'position') throw new Error('no position');
    // 0.5 deposited + 0.5 bought − 0.1 % commission taken in BTC = 0.9995, exactly.
    expect(last.position.qty).toBe(0.9995);
    const qty = fills.reduce((a, f) => a + f.qty, 0);
    const notional = fills.reduce((a, f) => a + f.qty * f.price, 0);
    expect(last.position.avgPrice).toBeCloseTo(notional / qty, 6);
    // The ledger books the commission as a fee in USD, once per fill.
    const ledger = new Ledger();
    ledger.registerConnection('bn', 'demo');
    for (const e of events) if (e.type !== 'health') ledger.apply('bn', e);
    const pos = ledger.positions().find((p) => p.symbol === 'BTCUSDT');
    expect(pos?.qty).toBe(0.9995);
    expect(pos?.fees).toBeCloseTo(
      fills.reduce((a, f) => a + f.commission, 0),
      8,
    );
  });

  it('filters are checked before sending, naming the filter', async () => {
    const { c, s, events } = await connect();
    // A market order's notional is judged at the last price: wait for one.
    await until(() => events.some((e) => e.type === 'quote' && e.quote.symbol === 'BTCUSDT'), 'a BTC quote');
    const before = s.api.framesSent;
    const tiny = await c.placeOrder(place({ qty: 0.00005 }));
    expect(tiny).toMatchObject({ status: 'rejected', code: 'filter' });
    if (tiny.status === 'rejected') expect(tiny.reason).toMatch(/NOTIONAL/);
    const offTick = await c.placeOrder(place({ type: 'limit', limitPrice: 1000.005 }));
    if (offTick.status === 'rejected') expect(offTick.reason).toMatch(/PRICE_FILTER/);
    const offStep = await c.placeOrder(place({ qty: 0.010001 }));
    if (offStep.status === 'rejected') expect(offStep.reason).toMatch(/LOT_SIZE/);
    expect(s.api.framesSent).toBe(before);
  });

  it('a trailing stop goes out as STOP_LOSS with trailingDelta in BIPS', async () => {
    const { c, events } = await connect();
    const ack = await c.placeOrder(
      place({
        side: 'sell',
        type: 'trailing_stop',
        qty: 0.01,
        trail: { by: 'percent', offset: 1.5, activationPrice: null },
      }),
    );
    expect(ack.status).toBe('accepted');
    await until(
      () => events.some((e) => e.type === 'order' && e.order.type === 'trailing_stop'),
      'trailing order',
    );
    const o = events.find((e) => e.type === 'order' && e.order.type === 'trailing_stop');
    if (o?.type === 'order') expect(o.order.trail).toMatchObject({ by: 'percent', offset: 1.5 });
    expect(c.capabilities).toMatchObject({
      nativeOco: true,
      nativeTrailingStop: true,
      nativeBracket: true,
      modify: false,
    });
  });

  it('a bracket (OTOCO): entry works, exits wait as pending until it fills', async () => {
    const { c, events, s } = await connect();
    const bid = s.world.venue.quote('BTCUSDT').bid;
    const entry = place({ type: 'limit', limitPrice: Math.round(bid * 0.9 * 100) / 100 });
    const ack = await c.placeBracket({
      entry,
      exits: { takeProfit: Math.round(bid * 1.1), stopLoss: Math.round(bid * 0.8) },
      listClientOrderId: `br-${Date.now()}`,
    });
    expect(ack.status).toBe('accepted');
    await until(
      () => events.filter((e) => e.type === 'order' && e.order.list !== undefined).length >= 3,
      'three legs',
    );
    const statuses = events.flatMap((e) =>
      e.type === 'order' && e.order.list !== undefined ? [e.order.status] : [],
    );
    expect(statuses.filter((st) => st === 'pending')).toHaveLength(2);
  });

  it('history: klines from REST as bars', async () => {
    const { c } = await connect();
    const bars = await c.history('BTCUSDT', '5m', 50);
    expect(bars).toHaveLength(50);
    expect((bars[1]?.time ?? 0) - (bars[0]?.time ?? 0)).toBe(300_000);
    expect(c.headroom().used).toBeGreaterThan(0);
  });

  it('history: pages back with endTime, serves 4h / 1D, and refuses seconds rather than serve minutes', async () => {
    const { c } = await connect();
    const newest = await c.history('BTCUSDT', '1m', 100);
    const first = newest[0]?.time ?? 0;
    const older = await c.historyBefore('BTCUSDT', '1m', first, 100);
    expect(older).toHaveLength(100);
    expect(older[99]?.time).toBe(first - 60_000);
    const fourHours = await c.history('BTCUSDT', '4h', 5);
    expect(fourHours.every((b) => b.time % 14_400_000 === 0)).toBe(true);
    expect((await c.history('BTCUSDT', '1D', 2)).length).toBeGreaterThan(0);
    await expect(c.history('BTCUSDT', '5s', 10)).rejects.toBeInstanceOf(UnsupportedTimeframe);
  });
});
