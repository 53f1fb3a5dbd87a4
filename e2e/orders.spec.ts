/**
 * Orders that survive ambiguity, seen as a trader sees them: an order call the broker never
 * answers shows as unknown, a retry click sends nothing, and the terminal resolves it by asking
 * the broker; a working order's price is edited from the orders table.
 */
import {
  expect,
  openOrders,
  placeOrder,
  priceText,
  restingBuyPrice,
  rowsWithPrice,
  screenshotPath,
  test,
} from './fixtures';

test.describe('an order call that is never answered', () => {
  // The paper broker executes the first order only 4 s after the call and never replies to it;
  // the desk gives the broker 1 s before calling the outcome unknown.
  test.use({
    hostEnv: {
      PEREGRINE_PAPER_FAULTS: JSON.stringify({ orderReply: 'hang', executeAfterMs: 4_000, calls: 1 }),
      PEREGRINE_ORDER_DEADLINE_MS: '1000',
    },
  });

  test('shows unknown, a retry sends nothing, and a lookup resolves it to one working order', async ({
    terminal,
    host,
  }) => {
    test.setTimeout(60_000);
    const limit = await restingBuyPrice(terminal, host);
    await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: limit.text });

    const orders = await openOrders(terminal, 'Working');
    const row = rowsWithPrice(orders, limit.pattern);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(/unknown/i);
    await expect(terminal.getByRole('region', { name: 'Order ticket' })).toContainText(
      /not confirmed|unknown/i,
    );
    await terminal.screenshot({ path: screenshotPath('order-unknown.png') });

    // The trader clicks Buy again with the same order: the same intent, nothing new is sent.
    await terminal.getByRole('button', { name: 'Buy', exact: true }).click();
    await expect(terminal.getByRole('region', { name: 'Order ticket' })).toContainText(
      /nothing was sent again/i,
    );
    const during = (await host.status()).orders.filter((o) => o.price === limit.price);
    expect(during).toHaveLength(1);
    expect(during[0]).toMatchObject({ status: 'unknown', placeholder: true });

    // The broker gets the order into its book; the terminal's lookup finds it.
    await expect
      .poll(
        async () => (await host.status()).orders.filter((o) => o.price === limit.price).map((o) => o.status),
        {
          timeout: 30_000,
        },
      )
      .toEqual(['working']);
    const resolved = (await host.status()).orders.filter((o) => o.price === limit.price);
    expect(resolved[0]?.placeholder).toBe(false);
    expect(resolved[0]?.clientOrderId).toBe(during[0]?.clientOrderId);
    await expect(row).toContainText(/working/i);
  });
});

test('a working order is modified from the orders table', async ({ terminal, host }) => {
  const limit = await restingBuyPrice(terminal, host);
  await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: limit.text });
  const orders = await openOrders(terminal, 'Working');
  const row = rowsWithPrice(orders, limit.pattern);
  await expect(row).toContainText(/working/i);
  const placed = (await host.status()).orders.find((o) => o.price === limit.price);

  const lower = limit.price - limit.instrument.tickSize * 4;
  const lowerText = lower.toFixed(limit.instrument.pricePrecision);
  await row.getByRole('button', { name: 'Edit' }).click();
  const dialog = terminal.getByRole('dialog', { name: /modify/i });
  await dialog.getByLabel('Quantity').fill('2');
  await dialog.getByLabel('Limit price').fill(lowerText);
  await terminal.screenshot({ path: screenshotPath('order-modify.png') });
  await dialog.getByRole('button', { name: 'Modify order' }).click();
  await expect(dialog).toHaveCount(0);

  await expect
    .poll(async () => (await host.status()).orders.find((o) => o.id === placed?.id))
    .toMatchObject({ price: lower, qty: 2, status: 'working', pendingAction: null });

  // An off-grid price is refused in the dialog with the reason, and nothing changes.
  const moved = rowsWithPrice(orders, priceText(lower, limit.instrument.pricePrecision));
  await expect(moved).toHaveCount(1);
  await moved.getByRole('button', { name: 'Edit' }).click();
  await dialog.getByLabel('Limit price').fill(`${lowerText}1`);
  await dialog.getByRole('button', { name: 'Modify order' }).click();
  await expect(dialog.getByRole('alert')).toContainText(/tick/i);
  await dialog.getByRole('button', { name: 'Close' }).click();
  expect((await host.status()).orders.find((o) => o.id === placed?.id)?.price).toBe(lower);
});
