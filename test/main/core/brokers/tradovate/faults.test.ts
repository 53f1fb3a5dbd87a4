/**
 * Tradovate-specific faults against the simulator: the token lifecycle (renewal, expiry mid-session,
 * p-ticket penalties, captcha, bad credentials), the connection quota and `shutdown` notices, close
 * frames, the `[]` heartbeat the server insists on, and bad input that must be counted, never fatal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TRADOVATE_ACCOUNT_ID, TradovateSim } from '../../../../../sim/tradovate';
import { until } from '../../supervisor/support';
import { type ConnectionRig, connectionRig } from './harness';

const rigs: ConnectionRig[] = [];
const sims: TradovateSim[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
  for (const s of sims.splice(0)) await s.stop();
});

async function rig(o: Parameters<typeof connectionRig>[0] = {}): Promise<ConnectionRig> {
  const r = await connectionRig(o);
  rigs.push(r);
  return r;
}

async function sim(o: ConstructorParameters<typeof TradovateSim>[0] = {}): Promise<TradovateSim> {
  const s = new TradovateSim({ inboundSilenceMs: 30_000, ...o });
  sims.push(s);
  await s.start();
  return s;
}

const account = String(TRADOVATE_ACCOUNT_ID);

describe('Tradovate token lifecycle', () => {
  it('renews the token before it expires, on the supervisor clock, without leaving live', async () => {
    // A 4 s token: renewal falls due at three quarters of its life.
    const r = await rig({ sim: { tokenTtlMs: 4_000 } });
    await r.waitState('live');
    await until(() => r.conn.session.renewals >= 1, 'a renewal', 8_000);
    expect(r.conn.session.requests).toBe(1);
    expect(r.conn.health().reconnects).toBe(0);
    expect(r.logs.filter((l) => l.msg === 'access token renewed')).toHaveLength(1);
    // The renewed token opens the next connection: no new session is started.
    r.sim.fault({ kind: 'drop' });
    await r.waitState('backoff');
    await r.waitState('live');
    expect(r.conn.session.requests).toBe(1);
  });

  it('a token that expires mid-session: sockets keep streaming; the next connect gets a new token', async () => {
    const r = await rig({ sim: { stepMs: 50 } });
    await r.waitState('live');
    r.sim.fault({ kind: 'expire-token' });
    const quotes = r.events.filter((e) => e.type === 'quote').length;
    await until(() => r.events.filter((e) => e.type === 'quote').length > quotes + 5, 'quotes after expiry');
    expect(r.conn.supervisor.state).toBe('live');
    r.sim.fault({ kind: 'drop' });
    await r.waitState('backoff');
    await until(
      () => r.conn.supervisor.state === 'live' && r.conn.session.requests === 2,
      'live on a new token',
    );
    expect(r.logs.some((l) => l.msg === 'access token invalidated')).toBe(true);
  });

  it('a p-ticket penalty on login is waited out and the request retried with the ticket', async () => {
    const s = await sim();
    s.fault({ kind: 'penalty', count: 1, seconds: 1 });
    const r = await rig({ existing: s });
    await r.waitState('live', 8_000);
    expect(r.conn.session.requests).toBe(2);
    expect(r.logs.some((l) => l.msg === 'login penalty (p-ticket)' && l.seconds === 1)).toBe(true);
  });

  it('a long penalty ends the attempt and shows the wait in health; the connection retries later', async () => {
    const s = await sim();
    s.fault({ kind: 'penalty', count: 1, seconds: 60 });
    const r = await rig({ existing: s });
    await r.waitState('backoff');
    expect(r.conn.health().lastError).toMatch(/penalty: retry in 60 s/);
  });

  it('a captcha penalty stops the connection and tells the trader to wait', async () => {
    const s = await sim();
    s.fault({ kind: 'penalty', count: 1, seconds: 3600, captcha: true });
    const r = await rig({ existing: s });
    await r.waitState('stopped');
    expect(r.conn.health().lastError).toMatch(/captcha/);
  });

  it("wrong credentials stop the connection with Tradovate's own words", async () => {
    const r = await rig({ config: { password: 'wrong' } });
    await r.waitState('stopped');
    expect(r.conn.health().lastError).toMatch(/Incorrect username or password/);
  });
});

describe('Tradovate disconnects', () => {
  it('connection quota: a second session kicks the oldest, which stops (token revoked) instead of fighting back', async () => {
    const s = await sim({ maxConnectionsPerUser: 2 });
    const first = await rig({ existing: s });
    await first.waitState('live');
    const second = await rig({ existing: s, config: { id: 'tdv' } });
    await second.waitState('live');
    await first.waitState('stopped');
    expect(first.conn.health().lastError).toMatch(/ConnectionQuotaReached/);
    expect(first.logs.some((l) => l.msg === 'Tradovate shutdown notice')).toBe(true);
    expect(second.conn.supervisor.state).toBe('live');
  });

  it('maintenance shutdown: retried after the longer try-later delay, then live', async () => {
    const r = await rig({ config: { backoff: { baseMs: 20, capMs: 200, tryLaterMs: 300 } } });
    await r.waitState('live');
    r.sim.fault({ kind: 'shutdown', reasonCode: 'Maintenance', reason: 'Weekly maintenance' });
    await r.waitState('backoff');
    expect(r.conn.health().lastError).toMatch(/Weekly maintenance/);
    await r.waitState('live');
  });

  it('a c[3000,"Go away!"] close frame: the reason is shown and the link retried', async () => {
    const r = await rig();
    await r.waitState('live');
    r.sim.fault({ kind: 'close-frame', code: 3000, reason: 'Go away!' });
    await r.waitState('backoff');
    expect(r.conn.health().lastError).toMatch(/3000: Go away!/);
    await r.waitState('live');
  });

  it('a client that stops sending [] is dropped by the server; one that keeps its timer is not', async () => {
    const quiet = await rig({
      sim: { inboundSilenceMs: 400, stepMs: 50 },
      config: { heartbeat: { keepaliveMs: null, probeMs: null, silenceMs: 10_000 } },
    });
    await quiet.waitState('live');
    await quiet.waitState('backoff');
    expect(quiet.conn.health().lastError).toMatch(/Inactivity timeout/);
    // With the `[]` timer (here every 100 ms) a busy feed (no `h` from the server) stays up.
    const kept = await rig({
      sim: { inboundSilenceMs: 400, stepMs: 50 },
      config: { heartbeat: { keepaliveMs: 100, probeMs: null, silenceMs: 10_000 } },
    });
    await kept.waitState('live');
    await until(() => kept.events.filter((e) => e.type === 'quote').length >= 40, '2 s of quotes', 8_000);
    expect(kept.conn.supervisor.state).toBe('live');
    expect(kept.sim.accepted).toBe(1);
  });

  it('a close frame mid-burst loses no fill: the sync after reconnect carries it', async () => {
    const r = await rig({ sim: { flowMs: 80, stepMs: 50 } });
    await r.waitState('live');
    await until(() => r.ledger.fills().length >= 2, 'fills');
    r.sim.fault({ kind: 'close-frame', code: 3000, reason: 'Go away!' });
    await r.waitState('backoff');
    await r.waitState('live');
    const broker = r.sim.book.fills.size;
    await until(
      () => r.ledger.fills().filter((f) => !f.synthetic).length >= broker,
      'every broker fill in the ledger',
    );
    const ids = r.ledger.fills().map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('Tradovate bad input', () => {
  it('malformed, split and merged frames, unknown entities, events and request ids: counted, never fatal', async () => {
    const r = await rig();
    await r.waitState('live');
    const frames = [
      'a[{"e":"props","d":{"entityType":"mysteryEntity","eventType":"Created","entity":{"id":1}}}]',
      'a[{"s":200,"i":987654,"d":{}}]',
      'a[{"e":"weird","d":{}}]',
      'a[{"e":"props","d":{"entityType":"fill","eventType":"Created","entity":{"id":"not-an-id"}}}]',
      'a[{"s":200,"i":1,"d":',
      'x',
    ];
    for (const frame of frames) r.sim.fault({ kind: 'inject', frame });
    // Two frames run together in one message are both read.
    r.sim.fault({ kind: 'inject', frame: 'ha[{"e":"clock","d":{}}]' });
    await until(() => r.conn.health().malformedFrames >= 12, 'every bad message counted (on both sockets)');
    expect(r.conn.supervisor.state).toBe('live');
    expect(r.sim.accepted).toBe(1);
    const q = r.sim.world.venue.quote('MESZ6');
    const ack = await r.conn.placeOrder({
      connectionId: 'tdv',
      accountId: account,
      symbol: 'MESZ6',
      tif: 'day',
      clientOrderId: 'after',
      side: 'buy',
      type: 'limit',
      qty: 1,
      limitPrice: q.bid - 20,
    });
    expect(ack.status).toBe('accepted');
  });

  it('entities of one execution as arrays and in random order still make one fill and one position', async () => {
    const r = await rig({ sim: { entityArrayChance: 1, worldOptions: { tickMs: 3_600_000 } } });
    await r.waitState('live');
    const ack = await r.conn.placeOrder({
      connectionId: 'tdv',
      accountId: account,
      symbol: 'MESZ6',
      tif: 'day',
      clientOrderId: 'arr',
      side: 'sell',
      type: 'market',
      qty: 2,
    });
    expect(ack.status).toBe('accepted');
    await until(
      () => r.ledger.orders().some((o) => o.clientOrderId === 'arr' && o.status === 'filled'),
      'filled',
    );
    await until(() => r.ledger.positions().find((p) => p.symbol === 'MESZ6')?.qty === 0, 'flat');
    expect(r.ledger.positions().filter((p) => p.symbol === 'MESZ6')).toHaveLength(1);
    expect(
      r.ledger
        .fills()
        .filter((f) => f.orderId === (ack.status === 'accepted' ? ack.brokerOrderId : ''))
        .reduce((n, f) => n + f.qty, 0),
    ).toBe(2);
  });
});
