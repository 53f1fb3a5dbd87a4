/** A Binance Spot connection inside the real Engine, against the simulator on loopback. */
import { afterEach, describe, expect, it } from 'vitest';
import { BinanceConnection } from '../../../../../src/main/core/brokers/binance/connection';
import { Engine } from '../../../../../src/main/core/engine';
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
});
