/**
 * Issue 13: each of the three new gateway kinds added in the connection manager's dialog (its form
 * generated from the kind's declared fields) against its simulator, tested, saved and live. The
 * relay's JWT is typed into the secret field; with no keychain it lives in memory for the session.
 */
import type { Page } from '@playwright/test';
import { DEMO_TOKEN, OrdersRelaySim } from '../sim/orders-relay/server';
import { RealtimeSim } from '../sim/realtime/server';
import { SignalsSim } from '../sim/signals/server';
import { expect, launchWebHost, showTab, test } from './fixtures';

async function addConnection(
  page: Page,
  kind: string,
  name: string,
  fields: Record<string, string>,
): Promise<void> {
  await showTab(page, 'Connections');
  await page.getByRole('button', { name: 'Add connection' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add connection' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Kind').selectOption(kind);
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Environment').selectOption('paper');
  for (const [label, value] of Object.entries(fields))
    await dialog.getByRole('textbox', { name: label, exact: true }).fill(value);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.getByTestId('test-result')).toHaveAttribute('data-success', 'true', {
    timeout: 15_000,
  });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
}

test('orders relay, signals and realtime are added in the connection manager and go live', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const relay = new OrdersRelaySim({ tradeIntervalMs: 500, positionsIntervalMs: 500 });
  const signals = new SignalsSim({ priceIntervalMs: 500, portfolioIntervalMs: 1000 });
  const realtime = new RealtimeSim();
  const sims = [relay, signals, realtime];
  const [r, s, rt] = [await relay.start(), await signals.start(), await realtime.start()];
  const { handle, stop } = await launchWebHost({ env: { PEREGRINE_CONNECTIONS: '' } });
  try {
    await page.goto(handle.url);
    await expect(page.locator('[data-testid=chart]')).toBeVisible();
    await addConnection(page, 'orders-relay', 'Relay', {
      'Orders socket': r.urls[0] ?? '',
      'Positions socket': r.urls[1] ?? '',
      'REST base': `${r.httpUrl}/api`,
      'Token (JWT)': DEMO_TOKEN,
    });
    await addConnection(page, 'signals', 'Signals', { 'Gateway URL': s.url, 'Client id': 'e2e' });
    await addConnection(page, 'realtime', 'Realtime', { 'Endpoint URL': rt.url, Tickers: 'BTCUSDT' });
    for (const id of ['relay', 'signals', 'realtime'])
      await expect(page.locator(`[role=listitem][data-connection=${id}]`)).toHaveAttribute(
        'data-state',
        'live',
        {
          timeout: 20_000,
        },
      );
    expect(JSON.stringify(await handle.status())).not.toContain(DEMO_TOKEN);
  } finally {
    expect(await stop()).toBe(0);
    for (const sim of sims) await sim.stop();
  }
});
