/** The realtime simulator speaks seed 004 like the AI-Trading-V2 endpoint it models. */
import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeSim } from '../../../sim/realtime/server';
import { until } from '../../main/core/supervisor/support';
import { rawClient, type RawClient } from '../support';

let sim: RealtimeSim | null = null;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await sim?.stop();
  sim = null;
});

const typed = (type: string) => (t: string) => (JSON.parse(t) as { type: string }).type === type;

describe('realtime simulator', () => {
  it('answers the four actions; unknown ones with ERROR; tickers only when subscribed', async () => {
    sim = new RealtimeSim({
      openIntervalMs: 60_000,
      positionsIntervalMs: 60_000,
      portfolioIntervalMs: 60_000,
      marketIntervalMs: 30,
    });
    const addr = await sim.start();
    const c = rawClient(addr.url);
    clients.push(c);
    await c.open;
    c.send({ action: 'get_positions' });
    const pos = JSON.parse(await c.nextRaw(typed('POSITION_UPDATE'))) as {
      timestamp: number;
      positions: unknown[];
    };
    expect(typeof pos.timestamp).toBe('number');
    c.send({ action: 'get_portfolio' });
    await c.nextRaw(typed('PORTFOLIO_UPDATE'));
    expect(c.raw.some(typed('MARKET_UPDATE'))).toBe(false);
    c.send({ action: 'subscribe_ticker', symbol: 'BTCUSDT' });
    const m = JSON.parse(await c.nextRaw(typed('MARKET_UPDATE'))) as { symbol: string };
    expect(m.symbol).toBe('BTCUSDT');
    c.send({ action: 'buy_now' });
    expect(JSON.parse(await c.nextRaw(typed('ERROR')))).toEqual({
      type: 'ERROR',
      message: 'Unknown action: buy_now',
    });
  });

  it('positions every cycle, one row per trade; its order monitor re-sends advanced orders with stop and peak', async () => {
    sim = new RealtimeSim({ openIntervalMs: 30, positionsIntervalMs: 30, monitorIntervalMs: 30 });
    const addr = await sim.start();
    const c = rawClient(addr.url);
    clients.push(c);
    await until(() => c.raw.filter(typed('ORDER_UPDATE')).length >= 3, 'order updates');
    const o = JSON.parse(c.raw.find(typed('ORDER_UPDATE')) ?? '{}') as {
      orderType: string;
      order: { current_stop_price: number; peak_price: number; status: string };
    };
    expect(['TRAILING_STOP', 'OCO', 'BRACKET']).toContain(o.orderType);
    expect(o.order.peak_price).toBeGreaterThan(o.order.current_stop_price);
    await until(
      () =>
        c.raw
          .filter(typed('POSITION_UPDATE'))
          .some((t) => (JSON.parse(t) as { positions: { id: string }[] }).positions.length >= 2),
      'several rows',
    );
  });
});
