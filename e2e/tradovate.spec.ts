/**
 * Tradovate through the real web host against the Tradovate simulator (issue 10): a futures
 * position whose P&L follows the simulator's quotes at the broker's value per point, through a
 * forced disconnect, with exactly one row per position throughout. The simulator runs in this test
 * process; the host learns about it through `PEREGRINE_CONNECTIONS` (secrets in their own variables).
 */
import type { Page } from '@playwright/test';
import {
  TRADOVATE_APP_ID,
  TRADOVATE_CID,
  TRADOVATE_PASSWORD,
  TRADOVATE_SEC,
  TRADOVATE_USER,
  TradovateSim,
} from '../sim/tradovate';
import { expect, launchWebHost, openPositions, tableRows, test } from './fixtures';

const ID = 'tdv';

function pill(page: Page) {
  return page.locator(`[role=listitem][data-connection=${ID}]`);
}

test('Tradovate: one row per futures position, P&L from live quotes at $5 a point, through a disconnect', async ({
  page,
}) => {
  const sim = new TradovateSim({ stepMs: 200 });
  const a = await sim.start();
  const connections = [
    {
      kind: 'tradovate',
      id: ID,
      label: 'Tradovate sim',
      mode: 'demo',
      urls: { rest: `${a.httpUrl}/v1`, trading: a.urls[0], marketData: a.urls[1] },
      options: { username: TRADOVATE_USER, appId: TRADOVATE_APP_ID, appVersion: '1.0', cid: TRADOVATE_CID },
      secrets: { password: { env: 'E2E_TDV_PASSWORD' }, sec: { env: 'E2E_TDV_SEC' } },
      backoff: { baseMs: 500, capMs: 2000 },
    },
  ];
  const { handle: host, stop } = await launchWebHost({
    env: {
      PEREGRINE_CONNECTIONS: JSON.stringify(connections),
      E2E_TDV_PASSWORD: TRADOVATE_PASSWORD,
      E2E_TDV_SEC: TRADOVATE_SEC,
    },
  });
  const mes = async () =>
    (await host.status()).positions.filter((p) => p.connectionId === ID && p.symbol === 'MESZ6');
  try {
    await page.goto(host.url);
    await expect(pill(page)).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
    await expect.poll(async () => (await mes()).length).toBe(1);
    // Marked from live quotes (never prevPrice 6760), at the broker's value per point.
    await expect.poll(async () => (await mes())[0]?.markSource).toMatch(/^(mid|last)$/);
    const first = (await mes())[0];
    const instrument = (await host.snapshot()).instruments.find(
      (i) => i.connectionId === ID && i.symbol === 'MESZ6',
    );
    expect(instrument?.multiplier).toBe(5);
    expect(first?.last).not.toBe(6760);
    await expect
      .poll(async () => (await mes())[0]?.unrealizedPnl, { timeout: 15_000 })
      .not.toBe(first?.unrealizedPnl);
    const p = (await mes())[0];
    if (p?.last == null) throw new Error('no mark');
    expect(p.unrealizedPnl).toBeCloseTo((p.last - p.avgPrice) * p.qty * 5, 6);

    const rows = async () =>
      (await tableRows(await openPositions(page))).filter((r) => (r.Symbol ?? '').includes('MESZ6'));
    await expect.poll(async () => (await rows()).length).toBe(1);

    sim.fault({ kind: 'drop' });
    await expect(pill(page)).toHaveAttribute('data-state', 'backoff');
    await expect(pill(page)).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
    await expect.poll(async () => (await mes()).length).toBe(1);
    await expect.poll(async () => (await rows()).length).toBe(1);
    const after = (await mes())[0]?.unrealizedPnl;
    await expect.poll(async () => (await mes())[0]?.unrealizedPnl, { timeout: 15_000 }).not.toBe(after);
  } finally {
    expect(await stop()).toBe(0);
    await sim.stop();
  }
});
