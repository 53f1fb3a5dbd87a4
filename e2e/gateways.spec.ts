/**
 * Issue 13's three gateways end to end: the real built web host with PEREGRINE_CONNECTIONS naming
 * an orders relay, a signals server and a realtime endpoint (simulators started here, the relay's
 * JWT in its own variable). All three come up live in the window, the realtime endpoint's trailing
 * stop shows with its live stop and peak as a gateway order; each simulator killed and restarted
 * on its port brings its connection back with no duplicate row; the JWT is nowhere in /status or
 * the host's output.
 */
import type { Page } from '@playwright/test';
import type { StatusReport } from '../src/shared/status';
import { DEMO_TOKEN, OrdersRelaySim } from '../sim/orders-relay/server';
import { RealtimeSim } from '../sim/realtime/server';
import { SignalsSim } from '../sim/signals/server';
import { expect, launchWebHost, screenshotPath, test } from './fixtures';

const IDS = ['relay', 'sig', 'rt'] as const;

function duplicates(keys: string[]): string[] {
  return keys.filter((k, i) => keys.indexOf(k) !== i);
}

function expectNoDuplicates(status: StatusReport): void {
  expect(duplicates(status.connections.map((c) => c.id))).toEqual([]);
  expect(duplicates(status.positions.map((p) => `${p.connectionId}:${p.accountId}:${p.symbol}`))).toEqual([]);
  expect(duplicates(status.orders.map((o) => `${o.connectionId}:${o.id}`))).toEqual([]);
}

function stateOf(status: StatusReport, id: string): string | undefined {
  return status.connections.find((c) => c.id === id)?.state;
}

async function pillsLive(page: Page): Promise<void> {
  for (const id of IDS)
    await expect(page.locator(`[role=listitem][data-connection=${id}]`)).toContainText(/live/i, {
      timeout: 20_000,
    });
}

test('orders relay, signals and realtime come up live, survive a simulator restart, and keep the JWT out', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const relay = new OrdersRelaySim({ tradeIntervalMs: 500, positionsIntervalMs: 500 });
  const signals = new SignalsSim({ priceIntervalMs: 500, portfolioIntervalMs: 1000, signalIntervalMs: 1000 });
  const realtime = new RealtimeSim({ openIntervalMs: 1000, trailPercent: 2 });
  const sims = [relay, signals, realtime];
  const [r, s, rt] = [await relay.start(), await signals.start(), await realtime.start()];
  const connections = [
    {
      kind: 'orders-relay',
      id: 'relay',
      mode: 'paper',
      url: r.urls[0],
      urls: { positions: r.urls[1], rest: `${r.httpUrl}/api` },
      secrets: { token: { env: 'PEREGRINE_E2E_RELAY_TOKEN' } },
      options: { backoff: { baseMs: 500, capMs: 2000 } },
    },
    {
      kind: 'signals',
      id: 'sig',
      mode: 'paper',
      url: s.url,
      options: { clientId: 'e2e', backoff: { baseMs: 500, capMs: 2000 } },
    },
    {
      kind: 'realtime',
      id: 'rt',
      mode: 'paper',
      url: rt.url,
      options: { symbols: ['BTCUSDT'], backoff: { baseMs: 500, capMs: 2000 } },
    },
  ];
  const { handle, stop } = await launchWebHost({
    env: { PEREGRINE_CONNECTIONS: JSON.stringify(connections), PEREGRINE_E2E_RELAY_TOKEN: DEMO_TOKEN },
  });
  try {
    await page.goto(handle.url);
    await pillsLive(page);
    await expect
      .poll(
        async () =>
          (await handle.status()).orders.some(
            (o) =>
              o.connectionId === 'rt' &&
              o.type === 'trailing_stop' &&
              o.heldBy === 'gateway' &&
              o.trail?.peak != null,
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
    await page.screenshot({ path: screenshotPath('gateways-live.png') });

    for (const sim of sims) {
      const port = sim.address().port;
      await sim.stop();
      await expect
        .poll(
          async () => {
            const status = await handle.status();
            return IDS.some((id) => stateOf(status, id) !== 'live');
          },
          {
            timeout: 20_000,
          },
        )
        .toBe(true);
      await sim.start();
      expect(sim.address().port).toBe(port);
      await expect
        .poll(
          async () => {
            const status = await handle.status();
            return IDS.map((id) => stateOf(status, id));
          },
          { timeout: 30_000 },
        )
        .toEqual(['live', 'live', 'live']);
      expectNoDuplicates(await handle.status());
    }
    await pillsLive(page);

    const status = JSON.stringify(await handle.status());
    expect(status).not.toContain(DEMO_TOKEN);
    expect(handle.stdout()).not.toContain(DEMO_TOKEN);
  } finally {
    expect(await stop()).toBe(0);
    for (const sim of sims) await sim.stop();
  }
});
