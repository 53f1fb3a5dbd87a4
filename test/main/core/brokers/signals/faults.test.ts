/**
 * The signals rows of the fault matrix that depend on seed 003: signals as events (never orders),
 * partial price fields merged, first-phase and phase-3 servers, `error` frames, the server's
 * one-socket-per-client-id dict, naive timestamps. Real simulator, real sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Quote } from '../../../../../src/shared/domain';
import { type SignalsAdapter } from '../../../../../src/main/core/brokers/signals/adapter';
import { until } from '../../supervisor/support';
import { type Harness, harness } from './harness';

const open: Harness[] = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

async function live(o: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  const x = await harness(o);
  open.push(x);
  await x.waitState('live');
  return x;
}

describe('signals protocol (real sockets)', () => {
  it('a signal becomes a signal event with time, symbol, side, price, quantity and confidence; no order', async () => {
    const x = await live({ sim: { signalIntervalMs: 60_000 } });
    x.sim.fault({
      kind: 'signal',
      signal_type: 'SELL',
      symbol: 'MSFT',
      price: 410.5,
      quantity: 7,
      confidence: 0.91,
    });
    await until(() => x.rec.count('signal') === 1, 'one signal');
    const s = x.rec.ofType('signal')[0]?.signal;
    expect(s).toMatchObject({
      symbol: 'MSFT',
      side: 'sell',
      price: 410.5,
      qty: 7,
      confidence: 0.91,
      connectionId: 'signals',
    });
    // Python's naive isoformat is UTC: the signal's time is now, not hours off.
    expect(Math.abs((s?.ts ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(x.rec.count('order')).toBe(0);
  });

  it('a signal of another type (HOLD) is counted as malformed and dropped', async () => {
    const x = await live({ sim: { signalIntervalMs: 60_000 } });
    x.sim.fault({ kind: 'signal', signal_type: 'HOLD' });
    await until(() => x.sup.health().malformedFrames === 1, 'dropped');
    expect(x.rec.count('signal')).toBe(0);
  });

  it('partial price fields merge into the last quote instead of blanking it', async () => {
    const x = await live({ sim: { priceIntervalMs: 60_000 } });
    const ts = new Date().toISOString().slice(0, 23);
    x.sim.fault({
      kind: 'inject',
      frame: JSON.stringify({
        type: 'price_update',
        symbols: { ZZZ: { price: 10, change: 1, change_pct: 11.1, volume: 500, open: 9 } },
        timestamp: ts,
      }),
    });
    x.sim.fault({
      kind: 'inject',
      frame: JSON.stringify({ type: 'price_update', symbols: { ZZZ: { price: 10.5 } }, timestamp: ts }),
    });
    await until(
      () => x.rec.ofType('quote').filter((e) => e.quote.symbol === 'ZZZ').length === 2,
      'two quotes',
    );
    const last = x.rec
      .ofType('quote')
      .filter((e) => e.quote.symbol === 'ZZZ')
      .at(-1)?.quote as Quote;
    expect(last).toMatchObject({ last: 10.5, open: 9, volume: 500 });
    expect(x.rec.ofType('instrument').some((e) => e.instrument.symbol === 'ZZZ')).toBe(true);
  });

  it('a first-phase server answers subscribe with an error: logged, not the last error', async () => {
    const x = await live();
    await until(() => x.logger.lines.some((l) => l.msg === 'subscriptions not supported'), 'noted');
    expect(x.sup.health().lastError).toBeNull();
  });

  it('an error frame is the connection’s last error; the link stays up', async () => {
    const x = await live();
    x.sim.fault({ kind: 'server-error', error: 'Price feed unavailable' });
    await until(() => x.sup.health().lastError === 'gateway: Price feed unavailable', 'last error');
    expect(x.sup.state).toBe('live');
  });

  it('a phase-3 server honours subscriptions: only the watched symbols are priced', async () => {
    const x = await harness({ sim: { honourSubscriptions: true } });
    open.push(x);
    const adapter = (x.adapter as unknown as { inner: SignalsAdapter }).inner;
    adapter.setInterest(new Set(['AAPL']));
    await x.waitState('live');
    const from = x.rec.events.length;
    await until(() => x.rec.events.slice(from).filter((e) => e.type === 'quote').length >= 3, 'quotes');
    const symbols = new Set(
      x.rec.events.slice(from).flatMap((e) => (e.type === 'quote' ? [e.quote.symbol] : [])),
    );
    expect([...symbols]).toEqual(['AAPL']);
    expect(x.sup.health().lastError).toBeNull();
  });

  it('trades become fills with derived ids; a replayed trade frame is the same fill', async () => {
    const x = await live();
    x.sim.fault({ kind: 'duplicate', count: 50 });
    await until(() => x.rec.count('fill') >= 4, 'fills', 10_000);
    const ids = x.rec.ofType('fill').map((e) => e.fill.id);
    expect(new Set(ids).size).toBeLessThan(ids.length);
  });

  it('a reordered burst: older prices and portfolios are dropped and logged, never applied', async () => {
    const x = await live();
    await until(
      () => x.logger.lines.filter((l) => l.msg === 'subscriptions not supported').length >= 4,
      'subscribe replies in',
    );
    x.sim.fault({ kind: 'reorder', count: 6 });
    await until(
      () => x.logger.lines.some((l) => l.msg === 'out-of-order updates dropped'),
      'late updates dropped',
    );
    const last = new Map<string, number>();
    for (const e of x.rec.ofType('quote')) {
      expect(e.quote.ts).toBeGreaterThanOrEqual(last.get(e.quote.symbol) ?? 0);
      last.set(e.quote.symbol, e.quote.ts);
    }
  });

  it('another socket with our client_id takes the broadcasts: ours turns stale, not silently live', async () => {
    const x = await live({
      heartbeatMs: 60_000,
      staleness: { cadenceMs: { prices: 50 }, factor: 3, minMs: 300, checkMs: 20 },
    });
    const thief = await harness({ existing: x.sim, clientId: 'terminal-1' });
    open.push(thief);
    await thief.waitState('live');
    await x.waitState('stale');
    expect(x.sup.staleParts()).toContain('prices');
  });
});
