/**
 * The Tradovate simulator speaks brokers.md §1 over real loopback sockets: `o` on connect, nothing
 * served before `authorize`, replies `{"s","i","d"}` inside `a[...]`, `h` only while idle, a
 * client without `[]` dropped with a close frame, partial quote entries for several contracts,
 * chart history then `eoh`, sync snapshots and `props`, p-tickets on login bursts, renewal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  TRADOVATE_ACCOUNT_ID,
  TRADOVATE_CID,
  TRADOVATE_PASSWORD,
  TRADOVATE_SEC,
  TRADOVATE_USER,
  TradovateSim,
} from '../../sim/tradovate';
import { rawClient, type RawClient } from './support';

let sim: TradovateSim | null = null;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await sim?.stop();
  sim = null;
});

async function start(o: ConstructorParameters<typeof TradovateSim>[0] = {}) {
  sim = new TradovateSim({ inboundSilenceMs: 30_000, ...o });
  const a = await sim.start();
  return { sim, a, trading: a.urls[0] ?? '', md: a.urls[1] ?? '' };
}

async function client(url: string): Promise<RawClient> {
  const c = rawClient(url);
  clients.push(c);
  await c.open;
  await c.nextRaw((t) => t === 'o');
  return c;
}

function messages(frame: string): Record<string, unknown>[] {
  return frame.startsWith('a') ? (JSON.parse(frame.slice(1)) as Record<string, unknown>[]) : [];
}

const reply = (id: number) => (t: string) => messages(t).some((m) => m.i === id);

async function login(base: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/v1/auth/accesstokenrequest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: TRADOVATE_USER,
      password: TRADOVATE_PASSWORD,
      appId: 'x',
      appVersion: '1',
      cid: TRADOVATE_CID,
      sec: TRADOVATE_SEC,
      ...body,
    }),
  });
  return (await res.json()) as Record<string, unknown>;
}

describe('Tradovate simulator', () => {
  it('sends o, refuses requests before authorize, authorizes, and answers in a[...]', async () => {
    const { sim: s, trading } = await start();
    const c = await client(trading);
    c.send('account/list\n1\n\n');
    expect(messages(await c.nextRaw(reply(1)))[0]).toMatchObject({ s: 401, i: 1 });
    c.send(`authorize\n0\n\n${s.issueToken().accessToken}`);
    expect(messages(await c.nextRaw(reply(0)))[0]).toEqual({ s: 200, i: 0 });
    c.send('account/list\n2\n\n');
    expect(messages(await c.nextRaw(reply(2)))[0]).toMatchObject({
      s: 200,
      i: 2,
      d: [{ id: TRADOVATE_ACCOUNT_ID }],
    });
    c.send('nope/endpoint\n3\n\n');
    expect(messages(await c.nextRaw(reply(3)))[0]).toMatchObject({ s: 404, d: '"Not found: nope/endpoint"' });
  });

  it('heartbeats with h only while idle, and drops a client that sends no [] with a close frame', async () => {
    const { sim: s, trading } = await start({ heartbeatMs: 100, inboundSilenceMs: 400 });
    const c = await client(trading);
    c.send(`authorize\n0\n\n${s.issueToken().accessToken}`);
    await c.nextRaw((t) => t === 'h');
    const closed = await c.closed;
    expect(c.raw).toContain('c[1001,"Inactivity timeout"]');
    expect(closed.code).toBe(1001);
  });

  it('streams partial quotes for several contracts in one md event', async () => {
    const { sim: s, md } = await start({ worldOptions: { tickMs: 3_600_000 } });
    const c = await client(md);
    c.send(`authorize\n0\n\n${s.issueToken().mdAccessToken}`);
    await c.nextRaw(reply(0));
    c.send('md/subscribeQuote\n1\n\n{"symbol":"MESZ6"}');
    c.send('md/subscribeQuote\n2\n\n{"symbol":3570917}');
    await c.nextRaw(reply(2));
    const full = await c.nextRaw((t) => t.includes('"SettlementPrice"'));
    expect(full).toMatch(/"OpeningPrice"/);
    for (let i = 0; i < 50; i++) s.world.venue.step(Date.now() + i * 100);
    const multi = await c.nextRaw(
      (t) =>
        !t.includes('SettlementPrice') &&
        messages(t).some((m) => m.e === 'md' && (m.d as { quotes: unknown[] }).quotes.length === 2),
    );
    const quotes = (
      messages(multi).find((m) => m.e === 'md')?.d as {
        quotes: { contractId: number; entries: Record<string, unknown> }[];
      }
    ).quotes;
    expect(new Set(quotes.map((q) => q.contractId))).toEqual(new Set([3570918, 3570917]));
    // Later quotes carry only what changed: no settlement price again.
    expect(quotes.every((q) => q.entries.SettlementPrice === undefined)).toBe(true);
  });

  it('md/getChart: ids in the reply, history packets, then eoh', async () => {
    const { sim: s, md } = await start();
    const c = await client(md);
    c.send(`authorize\n0\n\n${s.issueToken().accessToken}`);
    await c.nextRaw(reply(0));
    c.send(
      'md/getChart\n1\n\n{"symbol":"ESZ6","chartDescription":{"underlyingType":"MinuteBar","elementSize":1,"elementSizeUnit":"UnderlyingUnits","withHistogram":false},"timeRange":{"asMuchAsElements":30}}',
    );
    const ids = messages(await c.nextRaw(reply(1)))[0]?.d as { historicalId: number; realtimeId: number };
    const eoh = await c.nextRaw((t) => t.includes('"eoh":true'));
    expect(eoh).toContain(`"id":${ids.historicalId}`);
    const packet = c.raw.find((t) => t.includes('"bars"') && t.includes(`"id":${ids.historicalId}`)) ?? '';
    const bars = (messages(packet)[0]?.d as { charts: { bars: unknown[] }[] }).charts[0]?.bars ?? [];
    expect(bars).toHaveLength(30);
  });

  it('user/syncrequest answers the snapshot; an order then streams props in one burst with extras', async () => {
    const { sim: s, trading } = await start({ worldOptions: { tickMs: 3_600_000 } });
    const c = await client(trading);
    c.send(`authorize\n0\n\n${s.issueToken().accessToken}`);
    await c.nextRaw(reply(0));
    c.send(`user/syncrequest\n1\n\n{"users":[4242]}`);
    const snap = messages(await c.nextRaw(reply(1)))[0]?.d as Record<string, unknown[]>;
    expect(snap.positions).toHaveLength(1);
    expect(snap.products?.[0]).toMatchObject({ name: 'MES', valuePerPoint: 5, tickSize: 0.25 });
    c.send(
      `order/placeorder\n2\n\n${JSON.stringify({ accountSpec: 'DEMO701234', accountId: TRADOVATE_ACCOUNT_ID, action: 'Buy', symbol: 'MESZ6', orderQty: 1, orderType: 'Market', clOrdId: 'x-1', isAutomated: true })}`,
    );
    await c.nextRaw(reply(2));
    const burst = await c.nextRaw((t) => t.includes('"entityType":"fill"'));
    const types = messages(burst).map((m) => (m.d as { entityType?: string }).entityType);
    expect(types).toEqual(expect.arrayContaining(['order', 'fill', 'position']));
    expect(burst).toMatch(/"external":false/);
  });

  it('login bursts get a p-ticket; the ticket after p-time is honoured; renewal extends the session', async () => {
    const { a } = await start({ authBurst: { limit: 2, windowMs: 60_000, penaltySeconds: 0 } });
    await login(a.httpUrl);
    await login(a.httpUrl);
    const penalty = await login(a.httpUrl);
    expect(penalty).toMatchObject({ 'p-time': 0, 'p-captcha': false });
    const ok = await login(a.httpUrl, { 'p-ticket': penalty['p-ticket'] });
    expect(typeof ok.accessToken).toBe('string');
    const renewed = (await (
      await fetch(`${a.httpUrl}/v1/auth/renewaccesstoken`, {
        headers: { authorization: `Bearer ${String(ok.accessToken)}` },
      })
    ).json()) as Record<string, unknown>;
    expect(renewed.accessToken).not.toBe(ok.accessToken);
    expect(renewed.mdAccessToken).toBe(ok.mdAccessToken);
  });

  it('the quota closes the oldest socket with a shutdown event and revokes its token', async () => {
    const { sim: s, trading } = await start({ maxConnectionsPerUser: 1 });
    const first = await client(trading);
    const t1 = s.issueToken();
    first.send(`authorize\n0\n\n${t1.accessToken}`);
    await first.nextRaw(reply(0));
    const second = await client(trading);
    second.send(`authorize\n0\n\n${s.issueToken().accessToken}`);
    await second.nextRaw(reply(0));
    await first.closed;
    expect(first.raw.some((t) => t.includes('"reasonCode":"ConnectionQuotaReached"'))).toBe(true);
    const third = await client(trading);
    third.send(`authorize\n0\n\n${t1.accessToken}`);
    expect(messages(await third.nextRaw(reply(0)))[0]).toMatchObject({ s: 401 });
  });
});
