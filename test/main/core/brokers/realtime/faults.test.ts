/**
 * The realtime rows of the fault matrix that depend on seed 004: tickers subscribed per watched
 * symbol, get_positions / get_portfolio as the resync, per-trade rows netted per symbol, the
 * server's trailing stops as gateway orders with live stop and peak, ERROR frames.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../../../src/shared/domain';
import { Ledger } from '../../../../../src/main/core/ledger';
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

describe('realtime protocol (real sockets)', () => {
  it('subscribes the configured tickers and resyncs from get_positions and get_portfolio', async () => {
    const x = await live();
    await until(() => x.rec.ofType('quote').some((e) => e.quote.symbol === 'BTCUSDT'), 'BTCUSDT quotes');
    const snap = x.rec.ofType('resync')[0]?.snapshot;
    expect(snap?.accounts[0]).toMatchObject({ accountId: 'realtime', currency: 'USD' });
    expect(x.rec.ofType('quote').every((e) => e.quote.symbol === 'BTCUSDT')).toBe(true);
  });

  it('the server’s trailing stop: a gateway order with its live stop and peak, stop never falling', async () => {
    const x = await live({ sim: { openIntervalMs: 40, trailPercent: 5 } });
    const trailing = (): Order[] =>
      x.rec
        .ofType('order')
        .map((e) => e.order)
        .filter((o) => o.type === 'trailing_stop');
    await until(() => trailing().length >= 3, 'trailing stop updates', 10_000);
    const o = trailing()[0] as Order;
    expect(o).toMatchObject({ heldBy: 'gateway', side: 'sell', status: 'working' });
    expect(o.trail?.stopPrice).toBe(o.stopPrice);
    expect(o.trail?.peak).toBeGreaterThan(o.stopPrice ?? Infinity);
    const stops = trailing()
      .filter((t) => t.id === o.id)
      .map((t) => t.stopPrice ?? 0);
    for (let i = 1; i < stops.length; i++) expect(stops[i]).toBeGreaterThanOrEqual(stops[i - 1] ?? 0);
  });

  it('a fired stop: the order ends filled and the position flat, each row once in the ledger', async () => {
    const x = await live({ sim: { openIntervalMs: 40, trailPercent: 5 } });
    await until(
      () => x.rec.ofType('order').some((e) => e.order.status === 'working'),
      'an active order',
      10_000,
    );
    x.sim.fault({ kind: 'trigger-stop' });
    await until(() => x.rec.ofType('order').some((e) => e.order.status === 'filled'), 'filled');
    const ledger = new Ledger();
    ledger.registerConnection('realtime', 'paper');
    for (const e of x.rec.events) if (e.type !== 'health') ledger.apply('realtime', e);
    const ids = ledger.orders().map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = ledger.positions().map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('several rows for one symbol are one net position', async () => {
    const x = await live({ sim: { openIntervalMs: 60_000, positionsIntervalMs: 60_000 } });
    const ts = Date.now() + 1000;
    const row = (id: string, q: number, px: number) => ({
      id,
      symbol: 'ETHUSDT',
      type: 'buy',
      quantity: q,
      entry_price: px,
      current_price: 2300,
      current_pnl: 0,
      timestamp: '2025-12-10T09:00:00',
      status: 'open',
    });
    x.sim.fault({
      kind: 'inject',
      frame: JSON.stringify({
        type: 'POSITION_UPDATE',
        positions: [row('pos-a', 1, 2200), row('pos-b', 3, 2300)],
        timestamp: ts,
      }),
    });
    await until(() => x.rec.ofType('position').some((e) => e.position.symbol === 'ETHUSDT'), 'position');
    const p = x.rec.ofType('position').find((e) => e.position.symbol === 'ETHUSDT')?.position;
    expect(p).toMatchObject({ qty: 4, avgPrice: 2275, mark: 2300 });
  });

  it('an older POSITION_UPDATE (by its epoch-ms timestamp) is dropped and logged, never applied', async () => {
    const x = await live({ sim: { openIntervalMs: 60_000, positionsIntervalMs: 60_000 } });
    const frame = (ts: number, q: number) =>
      JSON.stringify({
        type: 'POSITION_UPDATE',
        positions: [
          {
            id: 'pos-z',
            symbol: 'ZZZUSDT',
            type: 'buy',
            quantity: q,
            entry_price: 1,
            current_price: 1,
            status: 'open',
          },
        ],
        timestamp: ts,
      });
    const now = Date.now() + 10_000;
    x.sim.fault({ kind: 'inject', frame: frame(now, 2) });
    x.sim.fault({ kind: 'inject', frame: frame(now - 500, 1) });
    await until(() => x.logger.lines.some((l) => l.msg === 'out-of-order updates dropped'), 'dropped');
    const z = x.rec.ofType('position').filter((e) => e.position.symbol === 'ZZZUSDT');
    expect(z.map((e) => e.position.qty)).toEqual([2]);
  });

  it('ERROR frames are the connection’s last error; the link stays up', async () => {
    const x = await live();
    x.sim.fault({ kind: 'inject', frame: JSON.stringify({ type: 'ERROR', message: 'Invalid symbol: FOO' }) });
    await until(() => x.sup.health().lastError === 'gateway: Invalid symbol: FOO', 'last error');
    expect(x.sup.state).toBe('live');
  });

  it('with a settle window, the resync lists the active advanced orders the monitor re-sent', async () => {
    const x = await live({ orderSettleMs: 200, sim: { openIntervalMs: 40 } });
    await until(
      () => x.rec.ofType('order').some((e) => e.order.status === 'working'),
      'an active order',
      10_000,
    );
    x.sim.fault({ kind: 'drop' });
    await until(() => x.rec.count('resync') >= 2, 'resynced');
    const snap = x.rec.ofType('resync')[1]?.snapshot;
    expect(snap?.orders.length).toBeGreaterThan(0);
  });
});
