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
import {
  addFromSearch,
  expect,
  launchWebHost,
  openOrders,
  openPositions,
  placeOrder,
  restingBuyPrice,
  rowsWithPrice,
  tableRows,
  test,
} from './fixtures';

const ID = 'tdv';

function pill(page: Page) {
  return page.locator(`[role=listitem][data-connection=${ID}]`);
}

async function startHost(sim: TradovateSim) {
  const a = sim.address();
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
  return launchWebHost({
    env: {
      PEREGRINE_CONNECTIONS: JSON.stringify(connections),
      E2E_TDV_PASSWORD: TRADOVATE_PASSWORD,
      E2E_TDV_SEC: TRADOVATE_SEC,
    },
  });
}

test('Tradovate: a limit order from the ticket, modified, cancelled — placed once with its client order id', async ({
  page,
}) => {
  const sim = new TradovateSim({ stepMs: 200 });
  await sim.start();
  const { handle: host, stop } = await startHost(sim);
  try {
    await page.goto(host.url);
    await expect(pill(page)).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
    // Put the future on the watchlist and chart it: the ticket then trades it at Tradovate.
    // (A held future is on the watchlist already; otherwise it is added from the listed symbols.)
    const watched = page.getByRole('table', { name: 'Watchlist' }).locator('[role=row][data-symbol="MESZ6"]');
    await expect
      .poll(async () => (await host.status()).positions.some((p) => p.symbol === 'MESZ6'))
      .toBe(true);
    if ((await watched.count()) === 0) {
      await addFromSearch(page, 'MESZ6');
    }
    await watched.click();
    await expect(page.locator('[data-testid=chart]')).toHaveAttribute('data-symbol', 'MESZ6');
    const limit = await restingBuyPrice(page, host);
    await placeOrder(page, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: limit.text });
    const mine = async () =>
      (await host.status()).orders.filter((o) => o.symbol === 'MESZ6' && o.connectionId === ID);
    await expect
      .poll(async () => (await mine()).map((o) => o.status), { timeout: 20_000 })
      .toEqual(['working']);
    const placed = (await mine())[0];
    const sent = sim.requestLog.filter((x) => x.endpoint === 'order/placeorder');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({
      clOrdId: placed?.clientOrderId,
      orderType: 'Limit',
      isAutomated: true,
    });

    const orders = await openOrders(page, 'Working');
    const row = rowsWithPrice(orders, limit.pattern);
    await expect(row).toContainText(/working/i);
    const lower = limit.price - limit.instrument.tickSize * 4;
    await row.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: /modify/i });
    await dialog.getByLabel('Limit price').fill(lower.toFixed(limit.instrument.pricePrecision));
    await dialog.getByRole('button', { name: 'Modify order' }).click();
    await expect(dialog).toHaveCount(0);
    await expect.poll(async () => (await mine())[0]).toMatchObject({ price: lower, status: 'working' });

    await openOrders(page, 'Working');
    await page
      .getByRole('table', { name: 'Working orders' })
      .getByRole('button', { name: /cancel/i })
      .first()
      .click();
    await expect.poll(async () => (await mine())[0]?.status).toBe('cancelled');
    expect(sim.requestLog.filter((x) => x.endpoint === 'order/placeorder')).toHaveLength(1);
  } finally {
    expect(await stop()).toBe(0);
    await sim.stop();
  }
});

test('Tradovate: one row per futures position, P&L from live quotes at $5 a point, through a disconnect', async ({
  page,
}) => {
  const sim = new TradovateSim({ stepMs: 200 });
  await sim.start();
  const { handle: host, stop } = await startHost(sim);
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
