/** The signals simulator speaks seed 003 like the FastAPI server it models. */
import { afterEach, describe, expect, it } from 'vitest';
import { SignalsSim } from '../../../sim/signals/server';
import { until } from '../../main/core/supervisor/support';
import { rawClient, type RawClient } from '../support';

let sim: SignalsSim | null = null;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await sim?.stop();
  sim = null;
});

async function started(o: ConstructorParameters<typeof SignalsSim>[0] = {}) {
  sim = new SignalsSim({ priceIntervalMs: 40, portfolioIntervalMs: 40, signalIntervalMs: 40, ...o });
  return sim.start();
}

function client(url: string): RawClient {
  const c = rawClient(url);
  clients.push(c);
  return c;
}

const typed = (type: string) => (t: string) => (JSON.parse(t) as { type: string }).type === type;

describe('signals simulator', () => {
  it('streams prices (some fields only), signals, trades and the portfolio with naive timestamps', async () => {
    const addr = await started();
    const c = client(`${addr.url}?client_id=a`);
    const price = JSON.parse(await c.nextRaw(typed('price_update'))) as {
      symbols: Record<string, Record<string, number>>;
      timestamp: string;
    };
    expect(price.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    await until(
      () =>
        c.raw
          .filter(typed('price_update'))
          .some((t) =>
            Object.values((JSON.parse(t) as typeof price).symbols).some((s) => s.open === undefined),
          ),
      'a partial symbol',
    );
    await c.nextRaw(typed('signal'));
    await c.nextRaw(typed('portfolio_update'));
    await c.nextRaw(typed('trade_executed'));
  });

  it('answers ping with pong, and a first-phase subscribe with an error', async () => {
    const addr = await started();
    const c = client(addr.url);
    await c.open;
    c.send({ type: 'ping' });
    await c.nextRaw(typed('pong'));
    c.send({ type: 'subscribe', channel: 'signals' });
    const err = JSON.parse(await c.nextRaw(typed('error'))) as { error: string };
    expect(err.error).toBe('Unknown message type: subscribe');
  });

  it('a second socket with the same client_id takes the broadcasts from the first', async () => {
    const addr = await started();
    const first = client(`${addr.url}?client_id=same`);
    await first.nextRaw(typed('price_update'));
    const second = client(`${addr.url}?client_id=same`);
    await second.nextRaw(typed('price_update'));
    const seen = first.raw.length;
    await until(() => second.raw.filter(typed('price_update')).length >= 4, 'broadcasts to the second');
    expect(first.raw.slice(seen).filter(typed('price_update'))).toEqual([]);
  });

  it('reports stream health at GET /websocket/status', async () => {
    const addr = await started();
    client(addr.url);
    await until(() => (sim?.connectionCount ?? 0) === 1, 'connected');
    await new Promise<void>((r) => {
      const c = client(addr.url);
      void c.nextRaw(typed('price_update')).then(() => r());
    });
    const status = (await (await fetch(`${addr.httpUrl}/websocket/status`)).json()) as {
      active_connections: number;
      stream_health: { price_updates: { is_healthy: boolean } };
    };
    expect(status.active_connections).toBe(2);
    expect(status.stream_health.price_updates.is_healthy).toBe(true);
  });
});
