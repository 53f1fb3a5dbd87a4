/**
 * The Binance simulator speaks Binance: REST signatures and recvWindow with Binance's error codes,
 * exchangeInfo filters, klines; combined and raw streams with control messages, their error
 * codes, the 5-messages-a-second and ping/pong rules; the WebSocket API with `rateLimits` on every
 * reply, user events wrapped `{subscriptionId, event}`, 429 then 418, and -1007 "status unknown".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BinanceSim, DEMO_API_KEY, DEMO_API_SECRET, hmacHex, wsApiPayload } from '../../../sim/binance';
import { rawClient } from '../support';

let sim: BinanceSim | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

async function started(opts: ConstructorParameters<typeof BinanceSim>[0] = {}): Promise<BinanceSim> {
  sim = new BinanceSim({ world: { tickMs: 50 }, streams: { bookUpdateMs: 50 }, ...opts });
  await sim.start();
  return sim;
}

function signedQuery(params: Record<string, string | number>, secret = DEMO_API_SECRET): string {
  const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return `${q}&signature=${hmacHex(secret, q)}`;
}

async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function signParams(p: Record<string, string | number>): Record<string, string | number> {
  const all = { ...p, apiKey: DEMO_API_KEY, timestamp: Date.now() };
  return { ...all, signature: hmacHex(DEMO_API_SECRET, wsApiPayload(all)) };
}

describe('binance sim: REST', () => {
  it('signed endpoints check the key, the signature and recvWindow with Binance codes', async () => {
    const s = await started();
    const base = `${s.urls().rest}/api/v3/account`;
    const key = { 'X-MBX-APIKEY': DEMO_API_KEY };
    const ok = await getJson(`${base}?${signedQuery({ timestamp: Date.now() })}`, key);
    expect(ok.status).toBe(200);
    expect(ok.body.balances).toEqual([{ asset: 'USDT', free: '100000.00000000', locked: '0.00000000' }]);
    const badSig = await getJson(`${base}?${signedQuery({ timestamp: Date.now() }, 'wrong')}`, key);
    expect(badSig).toMatchObject({ status: 400, body: { code: -1022 } });
    const old = await getJson(
      `${base}?${signedQuery({ timestamp: Date.now() - 10_000, recvWindow: 5000 })}`,
      key,
    );
    expect(old).toMatchObject({ status: 400, body: { code: -1021 } });
    const noKey = await getJson(`${base}?${signedQuery({ timestamp: Date.now() })}`, {
      'X-MBX-APIKEY': 'nope',
    });
    expect(noKey).toMatchObject({ status: 401, body: { code: -2015 } });
  });

  it('exchangeInfo publishes PRICE_FILTER, LOT_SIZE, NOTIONAL and TRAILING_DELTA; klines are arrays', async () => {
    const s = await started();
    const info = await getJson(`${s.urls().rest}/api/v3/exchangeInfo`);
    const btc = (info.body.symbols as { symbol: string; filters: { filterType: string }[] }[]).find(
      (x) => x.symbol === 'BTCUSDT',
    );
    expect(btc?.filters.map((f) => f.filterType)).toEqual([
      'PRICE_FILTER',
      'LOT_SIZE',
      'NOTIONAL',
      'TRAILING_DELTA',
    ]);
    const res = await fetch(`${s.urls().rest}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=3`);
    const k = (await res.json()) as unknown[][];
    expect(k).toHaveLength(3);
    expect(typeof k[0]?.[1]).toBe('string');
    expect(res.headers.get('x-mbx-used-weight-1m')).not.toBeNull();
  });
});

describe('binance sim: market streams', () => {
  it('combined streams wrap payloads; SUBSCRIBE / LIST_SUBSCRIPTIONS / errors use Binance codes', async () => {
    const s = await started();
    const c = rawClient(`${s.urls().stream}/stream?streams=btcusdt@bookTicker`);
    await c.open;
    const book = JSON.parse(await c.nextRaw((t) => t.includes('"stream":"btcusdt@bookTicker"'))) as {
      data: Record<string, unknown>;
    };
    expect(Object.keys(book.data).sort()).toEqual(['A', 'B', 'a', 'b', 's', 'u']);
    c.send({ method: 'SUBSCRIBE', params: ['ethusdt@aggTrade'], id: 7 });
    expect(JSON.parse(await c.nextRaw((t) => t.includes('"id":7')))).toEqual({ result: null, id: 7 });
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 8 });
    expect(JSON.parse(await c.nextRaw((t) => t.includes('"id":8')))).toEqual({
      result: ['btcusdt@bookTicker', 'ethusdt@aggTrade'],
      id: 8,
    });
    c.send({ method: 'GET_PROPERTY', params: ['nope'], id: 9 });
    expect(JSON.parse(await c.nextRaw((t) => t.includes('"id":9')))).toMatchObject({
      code: 0,
      msg: 'Unknown property',
    });
    c.send('{not json');
    expect(JSON.parse(await c.nextRaw((t) => t.includes('"code":3')))).toMatchObject({ code: 3 });
    c.ws.close();
  });

  it('raw streams send bare payloads; more than 5 messages a second cuts the connection', async () => {
    const s = await started();
    const c = rawClient(`${s.urls().stream}/ws/btcusdt@bookTicker`);
    await c.open;
    const first = JSON.parse(await c.nextRaw(() => true)) as Record<string, unknown>;
    expect(first.s).toBe('BTCUSDT');
    for (let i = 0; i < 6; i++) c.send({ method: 'LIST_SUBSCRIPTIONS', id: i });
    expect((await c.closed).code).toBe(1008);
  });

  it('server pings; a client that never pongs is dropped', async () => {
    const s = await started({ streams: { serverPing: { intervalMs: 50, timeoutMs: 200 }, bookUpdateMs: 0 } });
    const c = rawClient(`${s.urls().stream}/stream`, { autoPong: false });
    await c.open;
    let pings = 0;
    c.ws.on('ping', () => (pings += 1));
    await c.closed;
    expect(pings).toBeGreaterThan(0);
  });
});

describe('binance sim: WebSocket API', () => {
  it('user events come wrapped {subscriptionId, event}; rateLimits ride on every reply', async () => {
    const s = await started();
    const c = rawClient(s.urls().wsApi);
    await c.open;
    c.send({ id: 1, method: 'userDataStream.subscribe.signature', params: signParams({}) });
    const sub = JSON.parse(await c.nextRaw((t) => t.includes('"id":1'))) as Record<string, unknown>;
    expect(sub).toMatchObject({ status: 200, result: { subscriptionId: 0 } });
    expect(sub.rateLimits).toEqual([expect.objectContaining({ rateLimitType: 'REQUEST_WEIGHT' })]);
    c.send({
      id: 2,
      method: 'order.place',
      params: signParams({
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'MARKET',
        quantity: '0.001',
        newClientOrderId: 'abc-1',
      }),
    });
    const trade = JSON.parse(await c.nextRaw((t) => t.includes('"x":"TRADE"'))) as {
      subscriptionId: number;
      event: Record<string, unknown>;
    };
    expect(trade.subscriptionId).toBe(0);
    expect(trade.event).toMatchObject({ e: 'executionReport', c: 'abc-1', N: 'BTC', X: 'FILLED' });
    await c.nextRaw((t) => t.includes('outboundAccountPosition'));
    c.ws.close();
  });

  it('too much weight: 429 with retryAfter, then a 418 ban for a client that keeps going', async () => {
    const s = await started({ api: { weightLimit: 3 } });
    const c = rawClient(s.urls().wsApi);
    await c.open;
    for (let i = 1; i <= 5; i++) c.send({ id: i, method: 'time' });
    const r4 = JSON.parse(await c.nextRaw((t) => t.includes('"id":4'))) as Record<string, unknown>;
    expect(r4).toMatchObject({ status: 429, error: { code: -1003 } });
    expect(typeof r4.retryAfter).toBe('number');
    const r5 = JSON.parse(await c.nextRaw((t) => t.includes('"id":5'))) as Record<string, unknown>;
    expect(r5).toMatchObject({ status: 418 });
    c.ws.close();
  });

  it('fail-after-execute answers -1007 "status unknown" and the order exists', async () => {
    const s = await started();
    s.fault({ kind: 'fail-after-execute', op: 'order.place', status: 503 });
    const c = rawClient(s.urls().wsApi);
    await c.open;
    c.send({
      id: 1,
      method: 'order.place',
      params: signParams({
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        price: '1000.00',
        quantity: '0.01',
        timeInForce: 'GTC',
        newClientOrderId: 'maybe-1',
      }),
    });
    expect(JSON.parse(await c.nextRaw((t) => t.includes('"id":1')))).toMatchObject({
      status: 503,
      error: { code: -1007 },
    });
    c.send({
      id: 2,
      method: 'order.status',
      params: signParams({ symbol: 'BTCUSDT', origClientOrderId: 'maybe-1' }),
    });
    expect(JSON.parse(await c.nextRaw((t) => t.includes('"id":2')))).toMatchObject({
      status: 200,
      result: { clientOrderId: 'maybe-1', status: 'NEW' },
    });
    c.ws.close();
  });

  it('orders break filters with Binance messages', async () => {
    const s = await started();
    const c = rawClient(s.urls().wsApi);
    await c.open;
    c.send({
      id: 1,
      method: 'order.place',
      params: signParams({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.00001' }),
    });
    expect(JSON.parse(await c.nextRaw((t) => t.includes('"id":1')))).toMatchObject({
      status: 400,
      error: { code: -1013, msg: 'Filter failure: NOTIONAL' },
    });
    c.ws.close();
  });
});
