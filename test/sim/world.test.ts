/**
 * Simulator worlds through the demo exchange (the template protocol): one world on two ports,
 * REST with a JSON body, in-band login, request faults, protocol-defined faults, codecs, the
 * inbound rate window and server pings — all over real sockets on loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USER, type DemoExchange, demoExchange } from '../../sim/demo-exchange';
import { arrayClient, messagesOf, type RawClient, rawClient } from './support';

let ex: DemoExchange | null = null;
const sockets: RawClient[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.ws.terminate();
  await ex?.world.stop();
  ex = null;
});

/** A world whose clock never ticks on its own: prices move only when a test steps the venue. */
async function start(opts: Parameters<typeof demoExchange>[0] = {}) {
  const x = demoExchange({ ...opts, world: { seed: 5, tickMs: 3_600_000, ...opts.world } });
  ex = x;
  const [trading, market] = await x.world.start();
  if (trading === undefined || market === undefined) throw new Error('endpoints did not start');
  return { x, trading, market };
}

async function post(url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function login(httpUrl: string): Promise<string> {
  const res = await post(`${httpUrl}/api/session`, { user: DEMO_USER, password: DEMO_PASSWORD });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function orders(httpUrl: string, token: string): Promise<{ id: string; status: string }[]> {
  const res = await fetch(`${httpUrl}/api/orders`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { orders: { id: string; status: string }[] }).orders;
}

function track<T extends RawClient>(c: T): T {
  sockets.push(c);
  return c;
}

/** A trading socket, logged in. */
async function tradingSocket(url: string, token: string) {
  const c = track(arrayClient(url));
  await c.open;
  c.send({ id: 1, op: 'auth', token });
  expect(await c.next((m) => m.id === 1)).toMatchObject({ status: 200 });
  return c;
}

const buy = (qty = 5) => ({ symbol: 'AAPL', side: 'buy', type: 'market', qty });

describe('simulator world: endpoints', () => {
  it('serves one world on two ports: a REST market order fills at the touch the quote socket shows', async () => {
    const { trading, market } = await start();
    const quotes = track(rawClient(market.urls[1] + 'AAPL'));
    const first = JSON.parse(await quotes.nextRaw(() => true)) as { s: string; a: number; l: number };
    expect(first.s).toBe('AAPL');
    const token = await login(trading.httpUrl);
    const res = await post(`${trading.httpUrl}/api/orders`, buy(), token);
    expect(res.status).toBe(200);
    const order = (await res.json()) as { status: string; avgFillPrice: number };
    expect(order).toMatchObject({ status: 'filled', avgFillPrice: first.a });
  });

  it('routes several WebSocket paths on one port and refuses the rest', async () => {
    const { x, market } = await start();
    const all = track(rawClient(market.url));
    await all.nextRaw((t) => t.includes('"SPY"'));
    const unknownSymbol = track(rawClient(`${market.urls[1]}NOPE`));
    expect(await unknownSymbol.closed).toEqual({ code: 4004, reason: 'unknown symbol' });
    const wrongPath = track(rawClient(market.url.replace('/ws/quotes', '/ws/nothing')));
    const err = await new Promise<Error>((r) => wrongPath.ws.once('error', r));
    expect(err.message).toMatch(/404/);
    // A tick reaches the all-symbols stream.
    const before = all.raw.length;
    x.world.venue.step(Date.now());
    await all.nextRaw(() => all.raw.length > before);
  });

  it('parses REST JSON bodies and answers 400 to anything else', async () => {
    const { trading } = await start();
    expect((await post(`${trading.httpUrl}/api/session`, '{not json')).status).toBe(400);
    expect(
      (await post(`${trading.httpUrl}/api/session`, { user: DEMO_USER, password: 'wrong' })).status,
    ).toBe(401);
    const token = await login(trading.httpUrl);
    const bad = await post(`${trading.httpUrl}/api/orders`, { symbol: 'AAPL', side: 'buy' }, token);
    expect(bad.status).toBe(400);
  });
});

describe('simulator world: in-band authentication', () => {
  it('serves nothing before the login message, then streams the account', async () => {
    const { trading } = await start();
    const c = track(arrayClient(trading.url));
    await c.open;
    c.send({ id: 1, op: 'place', order: buy() });
    expect(await c.next((m) => m.id === 1)).toMatchObject({ status: 401 });
    c.send({ id: 2, op: 'auth', token: 'forged' });
    expect(await c.next((m) => m.id === 2)).toMatchObject({ status: 401 });
    c.send({ id: 3, op: 'auth', token: await login(trading.httpUrl) });
    expect(await c.next((m) => m.id === 3)).toMatchObject({ status: 200, result: { user: DEMO_USER } });
    c.send({ id: 4, op: 'place', order: buy(2) });
    expect(await c.next((m) => m.id === 4)).toMatchObject({ status: 200 });
    expect(await c.next((m) => m.event === 'fill')).toMatchObject({ data: { symbol: 'AAPL', qty: 2 } });
  });

  it('closes a socket that does not log in before the deadline', async () => {
    const { trading } = await start({ trading: { authTimeoutMs: 50 } });
    const c = track(rawClient(trading.url));
    expect(await c.closed).toEqual({ code: 1008, reason: 'Authentication timeout' });
  });
});

describe('simulator world: order lists at the venue', () => {
  it('places an OCO: the leg that fills cancels the other', async () => {
    const { x, trading } = await start();
    const c = await tradingSocket(trading.url, await login(trading.httpUrl));
    const ask = x.world.venue.quote('AAPL').ask;
    c.send({
      id: 2,
      op: 'oco',
      legs: [
        { symbol: 'AAPL', side: 'buy', type: 'limit', qty: 1, limitPrice: ask },
        { symbol: 'AAPL', side: 'buy', type: 'stop', qty: 1, stopPrice: ask + 5 },
      ],
    });
    const reply = await c.next((m) => m.id === 2);
    expect(reply).toMatchObject({
      status: 200,
      result: [
        { status: 'filled', avgFillPrice: ask },
        { status: 'cancelled', doneCause: 'oco' },
      ],
    });
  });

  it('places a bracket whose trailing stop-loss works sized to the entry fill', async () => {
    const { x, trading } = await start();
    const c = await tradingSocket(trading.url, await login(trading.httpUrl));
    const q = x.world.venue.quote('AAPL');
    c.send({
      id: 2,
      op: 'bracket',
      entry: buy(3),
      takeProfit: { type: 'limit', limitPrice: q.ask + 10 },
      stopLoss: { type: 'stop', trail: { by: 'ticks', value: 5 } },
    });
    const reply = await c.next((m) => m.id === 2);
    expect(reply).toMatchObject({
      status: 200,
      result: {
        entry: { status: 'filled', filledQty: 3 },
        takeProfit: { status: 'working', qty: 3, side: 'sell' },
        stopLoss: { status: 'working', qty: 3, stopPrice: Number((q.last - 0.05).toFixed(2)) },
      },
    });
  });
});

describe('simulator world: request faults', () => {
  it('REST: rate-limit refuses unexecuted; fail-after-execute and drop-reply execute first', async () => {
    const { x, trading } = await start();
    const token = await login(trading.httpUrl);
    x.trading.fault({ kind: 'rate-limit', retryAfterMs: 2000, op: 'place' });
    const limited = await post(`${trading.httpUrl}/api/orders`, buy(), token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await orders(trading.httpUrl, token)).toEqual([]);

    x.trading.fault({ kind: 'fail-after-execute', status: 503 });
    expect((await post(`${trading.httpUrl}/api/orders`, buy(), token)).status).toBe(503);
    expect((await orders(trading.httpUrl, token)).map((o) => o.status)).toEqual(['filled']);

    x.trading.fault({ kind: 'drop-reply', op: 'place' });
    await expect(post(`${trading.httpUrl}/api/orders`, buy(), token)).rejects.toThrow();
    expect((await orders(trading.httpUrl, token)).map((o) => o.status)).toEqual(['filled', 'filled']);
    expect(x.trading.activeFaults()).not.toHaveProperty('requests');
  });

  it('socket: an executed order whose reply is dropped still shows up in events and lookups', async () => {
    const { x, trading } = await start();
    const c = await tradingSocket(trading.url, await login(trading.httpUrl));
    x.trading.fault({ kind: 'drop-reply', op: 'place' });
    expect(x.trading.activeFaults()).toMatchObject({ requests: [{ kind: 'drop-reply', op: 'place' }] });
    c.send({ id: 2, op: 'place', order: buy() });
    // The order executed: its fill is streamed although its reply never comes.
    await c.next((m) => m.event === 'fill');
    c.send({ id: 3, op: 'orders' });
    const lookup = await c.next((m) => m.id === 3);
    expect(lookup).toMatchObject({ status: 200, result: [{ status: 'filled' }] });
    // Replies are in request order, so id 2's answer would have come before id 3's.
    expect(c.all().some((m) => m.id === 2)).toBe(false);

    x.trading.fault({ kind: 'rate-limit', retryAfterMs: 500 });
    c.send({ id: 4, op: 'place', order: buy() });
    expect(await c.next((m) => m.id === 4)).toMatchObject({ status: 429, retryAfterMs: 500 });
    x.trading.fault({ kind: 'fail-after-execute' });
    c.send({ id: 5, op: 'place', order: buy() });
    expect(await c.next((m) => m.id === 5)).toMatchObject({ status: 500 });
    c.send({ id: 6, op: 'orders' });
    expect(((await c.next((m) => m.id === 6)).result as unknown[]).length).toBe(2);
  });
});

describe('simulator world: protocol-defined faults', () => {
  it('token expiry mid-session: REST and new logins fail, the logged-in socket keeps trading', async () => {
    const { x, trading } = await start();
    const token = await login(trading.httpUrl);
    const c = await tradingSocket(trading.url, token);
    expect(x.trading.faultKinds()).toEqual(expect.arrayContaining(['drop', 'expire-token', 'quota-kick']));
    const res = await post(trading.controlUrl, { kind: 'expire-token' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { applied: unknown }).applied).toEqual({ kind: 'expire-token' });
    expect((await post(`${trading.httpUrl}/api/orders`, buy(), token)).status).toBe(401);
    c.send({ id: 2, op: 'place', order: buy() });
    expect(await c.next((m) => m.id === 2)).toMatchObject({ status: 200 });
    const late = track(arrayClient(trading.url));
    await late.open;
    late.send({ id: 1, op: 'auth', token });
    expect(await late.next((m) => m.id === 1)).toMatchObject({ status: 401 });
    expect((await post(`${trading.httpUrl}/api/orders`, buy(), await login(trading.httpUrl))).status).toBe(
      200,
    );
    expect(x.trading.appliedAll.map((f) => f.kind)).toEqual(['expire-token']);
    expect(x.trading.applied).toEqual([]);
    const listed = (await (await fetch(trading.controlUrl)).json()) as { applied: { kind: string }[] };
    expect(listed.applied.map((f) => f.kind)).toEqual(['expire-token']);
  });

  it('quota kick: the oldest socket is told why, then closed', async () => {
    const { x, trading } = await start();
    const token = await login(trading.httpUrl);
    const oldest = await tradingSocket(trading.url, token);
    const newer = await tradingSocket(trading.url, await login(trading.httpUrl));
    x.trading.fault({ kind: 'quota-kick' });
    expect(await oldest.next((m) => m.event === 'shutdown')).toEqual({
      event: 'shutdown',
      data: { reason: 'ConnectionQuotaReached' },
    });
    expect(await oldest.closed).toEqual({ code: 1008, reason: 'Connection quota reached' });
    expect(newer.ws.readyState).toBe(newer.ws.OPEN);
  });

  it('rejects unknown kinds in-process and over HTTP, and keeps shared kinds shared', async () => {
    const { x, trading } = await start();
    expect(() => x.trading.fault({ kind: 'explode' })).toThrow();
    expect((await post(trading.controlUrl, { kind: 'explode' })).status).toBe(400);
    expect((await post(trading.controlUrl, { kind: 'expire-token', extra: 1 })).status).toBe(200);
  });
});

describe('simulator world: codecs, rate window, server pings', () => {
  it('shapes damaged frames like the protocol and reorders messages within one frame', async () => {
    const { x, trading } = await start();
    const c = await tradingSocket(trading.url, await login(trading.httpUrl));
    x.trading.fault({ kind: 'reorder-within', count: 1 });
    c.send({ id: 2, op: 'place', order: buy() });
    const frame = await c.nextRaw((t) => t.includes('"fill"'));
    const events = messagesOf(frame).map((m) => m.event);
    // In order the frame reads order(placed), fill, order(filled), position: reversed here.
    expect(events).toEqual(['position', 'order', 'fill', 'order']);
    x.trading.fault({ kind: 'corrupt' });
    c.send({ id: 3, op: 'orders' });
    const corrupt = await c.nextRaw((t) => t.includes('garbage'));
    expect(corrupt.startsWith('[{"id":3') && corrupt.endsWith('\u0000garbage')).toBe(true);
    x.trading.fault({ kind: 'oversized', bytes: 64 });
    c.send({ id: 4, op: 'orders' });
    expect(await c.nextRaw((t) => t.includes('pad'))).toBe(`[{"pad":"${'x'.repeat(64)}"}]`);
  });

  it('closes a socket that goes silent (no heartbeat)', async () => {
    const { trading } = await start({ trading: { inboundSilenceMs: 60 } });
    const c = track(rawClient(trading.url));
    expect(await c.closed).toEqual({ code: 1001, reason: 'Inactivity timeout' });
  });

  it('closes a socket that exceeds the inbound message rate', async () => {
    const { trading } = await start({ trading: { maxMessagesPerSec: 5 } });
    const c = track(rawClient(trading.url));
    await c.open;
    for (let i = 0; i < 6; i++) c.send({ id: i, op: 'orders' });
    expect(await c.closed).toEqual({ code: 1008, reason: 'Message rate limit exceeded' });
  });

  it('pings every client and drops the one that never answers', async () => {
    const { market } = await start({ market: { serverPing: { intervalMs: 20, timeoutMs: 80 } } });
    const silent = track(rawClient(market.url, { autoPong: false }));
    const polite = track(rawClient(market.url));
    await Promise.all([silent.open, polite.open]);
    expect((await silent.closed).code).toBe(1006);
    expect(polite.ws.readyState).toBe(polite.ws.OPEN);
  });
});
