/** A Binance Spot connection inside the real Engine, against the simulator on loopback. */
import { afterEach, describe, expect, it } from 'vitest';
import { BinanceConnection } from '../../../../../src/main/core/brokers/binance/connection';
import { RedactedConnection } from '../../../../../src/main/core/connections/redacted';
import { Engine } from '../../../../../src/main/core/engine';
import type { ProtectionView, Result } from '../../../../../src/shared/contract';
import { BinanceSim, DEMO_API_KEY, DEMO_API_SECRET } from '../../../../../sim/binance';
import { until } from '../../supervisor/support';

let sim: BinanceSim | null = null;
let engine: Engine | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await sim?.stop();
  sim = null;
});

describe('Engine with a Binance Spot connection', () => {
  it('streams what the watchlist asks for, charts from klines, and trades through the desk', async () => {
    const s = (sim = new BinanceSim({ world: { tickMs: 50 }, streams: { bookUpdateMs: 50 } }));
    await s.start();
    const conn = new BinanceConnection({
      kind: 'binance',
      id: 'bn',
      mode: 'demo',
      urls: s.urls(),
      apiKey: DEMO_API_KEY,
      apiSecret: DEMO_API_SECRET,
    });
    const e = (engine = Engine.create({ paper: false, connections: [conn], flushMs: 5 }));
    await e.start();
    await until(() => e.ledger.accounts().some((a) => a.verified), 'verified account');
    e.setWatchlist(['ETHUSDT']);
    await until(() => (s.streams.subscriptionsOf()[0] ?? []).includes('ethusdt@bookTicker'), 'subscribed');
    const chart = (await e.dispatch('term:charts.open', { symbol: 'BTCUSDT', timeframe: '1m' })) as {
      ok: boolean;
      value?: { bars: unknown[] };
    };
    expect(chart.ok).toBe(true);
    expect(chart.value?.bars.length ?? 0).toBeGreaterThan(100);
    const placed = (await e.dispatch('term:orders.place', {
      connectionId: 'bn',
      accountId: 'spot',
      symbol: 'ETHUSDT',
      side: 'buy',
      type: 'market',
      qty: 0.1,
    })) as { ok: boolean };
    expect(placed.ok).toBe(true);
    await until(() => e.ledger.positions().some((p) => p.symbol === 'ETHUSDT' && p.qty > 0), 'ETH position');
    const pos = e.ledger.positions().find((p) => p.symbol === 'ETHUSDT');
    // 0.1 bought, 0.1 % commission taken in ETH: the balance, exactly.
    expect(pos?.qty).toBe(0.0999);
    await until(() => {
      const p = e.ledger.positions().find((x) => x.symbol === 'ETHUSDT');
      return p !== undefined && p.last !== null && p.markSource !== 'broker';
    }, 'marked from a live quote');
  });

  it('native OCO through the protection engine: held by Binance, one leg filling cancels the other', async () => {
    const s = (sim = new BinanceSim({
      world: { tickMs: 50 },
      streams: { bookUpdateMs: 50 },
      depositBtc: 0.5,
    }));
    await s.start();
    // Wrapped as the connection manager wraps it: the redaction boundary must pass lists through.
    const conn = new RedactedConnection(
      new BinanceConnection({
        kind: 'binance',
        id: 'bn',
        mode: 'demo',
        urls: s.urls(),
        apiKey: DEMO_API_KEY,
        apiSecret: DEMO_API_SECRET,
        symbols: ['BTCUSDT'],
      }),
    );
    expect(conn.placeOrderList).toBeTypeOf('function');
    const e = (engine = Engine.create({ paper: false, connections: [conn], flushMs: 5 }));
    await e.start();
    await until(() => e.ledger.accounts().some((a) => a.verified), 'verified account');
    e.setWatchlist(['BTCUSDT']);
    await until(() => e.ledger.quote('bn', 'BTCUSDT') !== undefined, 'BTC quote');
    const q = s.world.venue.quote('BTCUSDT');
    // The take-profit two ticks above the ask fills on the next print through it; the stop is far.
    const r = (await e.dispatch('term:protection.place', {
      connectionId: 'bn',
      accountId: 'spot',
      symbol: 'BTCUSDT',
      side: 'sell',
      qty: 0.01,
      kind: 'oco',
      legs: [
        { type: 'limit', limitPrice: Math.round((q.ask + 0.02) * 100) / 100 },
        { type: 'stop', stopPrice: Math.round(q.bid * 0.9 * 100) / 100 },
      ],
    })) as Result<ProtectionView>;
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    expect(r.value.heldBy).toBe('broker');
    expect(r.value.listType).toBe('oco');
    const tp = r.value.orders.l1 ?? '';
    const sl = r.value.orders.l2 ?? '';
    // Binance holds both legs under one list, each under the engine's derived client order id.
    await until(
      () =>
        e.ledger.orderByClientOrderId(tp) !== undefined && e.ledger.orderByClientOrderId(sl) !== undefined,
      'both legs in the ledger',
    );
    expect(s.exchange.openLists('alice')).toHaveLength(1);
    expect(e.ledger.orderByClientOrderId(tp)?.list?.type).toBe('oco');
    expect(e.ledger.orderByClientOrderId(sl)?.heldBy).toBe('broker');
    await until(() => e.ledger.orderByClientOrderId(tp)?.status === 'filled', 'take-profit filled', 30_000);
    await until(() => {
      const st = e.ledger.orderByClientOrderId(sl)?.status;
      return st === 'cancelled' || st === 'expired';
    }, 'stop cancelled by Binance');
    await e.protection.idle();
    expect(e.protection.list().find((p) => p.id === r.value.id)?.status).toBe('done');
  }, 40_000);

  it('native bracket (OTOCO): the exits wait at Binance until the entry fills', async () => {
    const s = (sim = new BinanceSim({ world: { tickMs: 50 }, streams: { bookUpdateMs: 50 } }));
    await s.start();
    const conn = new RedactedConnection(
      new BinanceConnection({
        kind: 'binance',
        id: 'bn',
        mode: 'demo',
        urls: s.urls(),
        apiKey: DEMO_API_KEY,
        apiSecret: DEMO_API_SECRET,
        symbols: ['BTCUSDT'],
      }),
    );
    const e = (engine = Engine.create({ paper: false, connections: [conn], flushMs: 5 }));
    await e.start();
    await until(() => e.ledger.accounts().some((a) => a.verified), 'verified account');
    e.setWatchlist(['BTCUSDT']);
    await until(() => e.ledger.quote('bn', 'BTCUSDT') !== undefined, 'BTC quote');
    const bid = s.world.venue.quote('BTCUSDT').bid;
    const entry = Math.round(bid * 0.95 * 100) / 100;
    const r = (await e.dispatch('term:protection.place', {
      connectionId: 'bn',
      accountId: 'spot',
      symbol: 'BTCUSDT',
      side: 'buy',
      qty: 0.01,
      kind: 'bracket',
      entry: { type: 'limit', limitPrice: entry },
      target: { price: Math.round(entry * 1.1 * 100) / 100 },
      stop: { price: Math.round(entry * 0.9 * 100) / 100 },
    })) as Result<ProtectionView>;
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    expect(r.value.heldBy).toBe('broker');
    const ids = [r.value.orders.en, r.value.orders.tp, r.value.orders.sl].map((x) => x ?? '');
    await until(() => ids.every((id) => e.ledger.orderByClientOrderId(id) !== undefined), 'three orders');
    expect(e.ledger.orderByClientOrderId(ids[0] ?? '')?.status).toBe('working');
    expect(e.ledger.orderByClientOrderId(ids[1] ?? '')?.status).toBe('pending');
    expect(e.ledger.orderByClientOrderId(ids[2] ?? '')?.status).toBe('pending');
    expect(e.ledger.orderByClientOrderId(ids[1] ?? '')?.list?.type).toBe('bracket');
  });
});
