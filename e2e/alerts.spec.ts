/**
 * Alerts and the kill switch end to end, against the real web host and its paper market: a P&L
 * rule set in the UI fires once as the account crosses its threshold and not again while P&L
 * moves up and down inside its band (toast + history; the exact re-arm arithmetic is unit-tested
 * with a scripted market in test/main/core/alerts), and the kill switch leaves every account flat and the ticket
 * locked, with the refusal named.
 */
import type { Page } from '@playwright/test';
import {
  chartSymbol,
  expect,
  placeOrder,
  restingBuyPrice,
  screenshotPath,
  showTab,
  test,
  type WebHostHandle,
} from './fixtures';

/** Total P&L as the engine's "total" rule reads it: realized + unrealized − fees over positions. */
async function totalPnl(host: WebHostHandle): Promise<number> {
  const snap = await host.snapshot();
  const sum = snap.positions.reduce((s, p) => s + p.realizedPnl + p.unrealizedPnl - p.fees, 0);
  return Math.round(sum * 100) / 100;
}

async function holdPosition(page: Page, host: WebHostHandle, qty: number): Promise<string> {
  const symbol = await chartSymbol(page);
  await placeOrder(page, { side: 'Buy', qty, type: /^market$/i });
  await expect
    .poll(async () => (await host.status()).positions.find((p) => p.symbol === symbol)?.qty)
    .toBe(qty);
  return symbol;
}

test('a P&L alert set in the UI fires once as the account crosses its threshold, and not again as P&L moves inside the band', async ({
  terminal: page,
  host,
}) => {
  // Waits on the random-walk market to cross the line several times: allow it a while.
  test.setTimeout(180_000);
  await holdPosition(page, host, 1);

  await showTab(page, 'Alerts');
  const form = page.getByRole('form', { name: 'New alert rule' });
  await form.getByLabel('Rule').selectOption('pnl');
  await form.getByLabel('Scope').selectOption('total');
  await form.getByLabel('Direction').selectOption('below');
  // A band wider than the market will move in this test: crossings back and forth stay inside it.
  await form.getByLabel('Re-arm band').fill('1000000');
  // The threshold is where P&L stands right now; then buying two more at market moves the
  // account through it (each contract pays half the spread and a commission at once).
  const threshold = await totalPnl(host);
  await form.getByLabel('Threshold').fill(String(threshold));
  await form.getByRole('button', { name: 'Add rule' }).click();
  const rule = page.getByRole('list', { name: 'Rules' }).locator('li', { hasText: /Total P&L below/ });
  await expect(rule).toBeVisible();
  const ruleId = await rule.getAttribute('data-rule-id');
  expect(ruleId).toMatch(/^pnl-/);
  await placeOrder(page, { side: 'Buy', qty: 2, type: /^market$/i });

  // The crossing: one toast, named by the rule.
  const toasts = page.locator(`[data-testid=alert-toast][data-rule="${ruleId}"]`);
  await expect(toasts).toHaveCount(1, { timeout: 60_000 });
  await expect(toasts.first()).toContainText(/Total P&L below/);

  // The market keeps moving P&L up and down inside the band: wait for several moves each way.
  const moves = { up: 0, down: 0, last: await totalPnl(host) };
  await expect
    .poll(
      async () => {
        const v = await totalPnl(host);
        if (v > moves.last) moves.up++;
        if (v < moves.last) moves.down++;
        moves.last = v;
        return Math.min(moves.up, moves.down);
      },
      { timeout: 100_000, intervals: [100] },
    )
    .toBeGreaterThanOrEqual(3);

  // Still exactly one firing: in the history (from the engine's journal) and among open alerts.
  const history = page.getByRole('table', { name: 'Alert history' });
  await expect(history.locator(`tr[data-rule="${ruleId}"]`)).toHaveCount(1);
  expect((await host.snapshot()).alerts.filter((a) => a.ruleId === ruleId)).toHaveLength(1);
  await page.screenshot({ path: screenshotPath('alerts.png') });

  // Acknowledge from the panel: the toast goes, the alert stays listed while its condition holds.
  await page
    .getByRole('region', { name: 'Open alerts' })
    .locator('li', { hasText: /Total P&L below/ })
    .getByRole('button', { name: 'Acknowledge' })
    .click();
  await expect(toasts).toHaveCount(0);
  await expect
    .poll(async () => (await host.snapshot()).alerts.find((a) => a.ruleId === ruleId)?.acknowledged)
    .toBe(true);
});

test('the kill switch cancels every working order, flattens every position and locks the ticket', async ({
  terminal: page,
  host,
}) => {
  const symbol = await holdPosition(page, host, 2);
  const resting = await restingBuyPrice(page, host);
  await placeOrder(page, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: resting.text });
  await expect
    .poll(async () => (await host.status()).orders.filter((o) => o.status === 'working').length)
    .toBe(1);

  await page.getByRole('button', { name: 'Kill switch' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Fire the kill switch?' });
  await dialog.getByRole('button', { name: 'Cancel all and flatten' }).click();

  await expect(page.getByTestId('risk-status')).toHaveAttribute('data-locked', 'true');
  await expect(page.getByTestId('risk-status')).toHaveText('LOCKED');
  await expect
    .poll(async () => {
      const s = await host.status();
      return {
        working: s.orders.filter((o) => o.status === 'working').length,
        open: s.positions.filter((p) => p.qty !== 0).length,
      };
    })
    .toEqual({ working: 0, open: 0 });

  await showTab(page, 'Risk');
  const steps = page.getByRole('list', { name: 'Kill switch steps' });
  for (const step of ['lock', 'cancel', 'flatten', 'verify'])
    await expect(steps.locator(`[data-step=${step}]`)).toHaveAttribute('data-state', 'done');
  await expect(page.getByRole('region', { name: 'Kill switch' })).toContainText('What this cannot guarantee');
  await page.screenshot({ path: screenshotPath('risk.png') });

  // The ticket says it is locked, and a new order from it is refused with the reason.
  await expect(page.getByRole('status', { name: 'Trading locked' })).toBeVisible();
  await placeOrder(page, { side: 'Buy', qty: 1, type: /^market$/i });
  await expect(page.locator('.ticket-result.error')).toContainText(
    /Trading is locked \(kill switch fired by hand\)/,
  );
  expect((await host.status()).positions.find((p) => p.symbol === symbol)?.qty ?? 0).toBe(0);

  // A confirmed unlock opens trading again.
  const killPanel = page.getByRole('region', { name: 'Kill switch' });
  await killPanel.getByLabel('Type UNLOCK').fill('UNLOCK');
  await killPanel.getByRole('button', { name: 'Unlock trading' }).click();
  await expect(page.getByTestId('risk-status')).toHaveAttribute('data-locked', 'false');
});
