/**
 * Layout and keyboard (issue 15, items 7 and 8) through the web host: splitters that keep their
 * place across a reload, dialogs that hold focus and give it back, a new connection on demo with
 * its problems said beside the fields, a watchlist Tab walks through once, and the instrument
 * search on Ctrl+K.
 */
import type { Locator, Page } from '@playwright/test';
import {
  expect,
  openOrders,
  placeOrder,
  restingBuyPrice,
  rowsWithPrice,
  screenshotPath,
  showTab,
  test,
} from './fixtures';

test.use({ viewport: { width: 1280, height: 720 } });

const watchlist = (page: Page) => page.getByRole('table', { name: 'Watchlist' });
const watchRow = (page: Page, symbol: string) =>
  watchlist(page).locator(`[role=row][data-symbol="${symbol}"]`);

/** Drags a splitter by `dx`, `dy` pixels with the mouse. */
async function drag(page: Page, splitter: Locator, dx: number, dy: number): Promise<void> {
  const box = await splitter.boundingBox();
  if (box === null) throw new Error('splitter not on screen');
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 6 });
  await page.mouse.up();
}

/** Focus is inside `dialog`, or on the page itself between two Tab round trips, never elsewhere. */
async function focusHeldBy(dialog: Locator): Promise<boolean> {
  return dialog.evaluate(
    (d) => document.activeElement === document.body || d.contains(document.activeElement),
  );
}

test('splitters resize the panes by pointer and keyboard, and the sizes survive a reload', async ({
  terminal: page,
}) => {
  const app = page.locator('[data-workspace]');
  const side = page.getByRole('separator', { name: 'Resize watchlist' });
  const ticket = page.getByRole('separator', { name: 'Resize order ticket' });
  const bottom = page.getByRole('separator', { name: 'Resize bottom panel' });
  await expect(side).toHaveAttribute('aria-valuenow', '280');
  await expect(side).toHaveAttribute('aria-orientation', 'vertical');
  await expect(bottom).toHaveAttribute('aria-orientation', 'horizontal');

  await drag(page, side, 60, 0);
  await expect(side).toHaveAttribute('aria-valuenow', '340');
  expect((await page.locator('section.watchlist').boundingBox())?.width).toBeCloseTo(340, 0);
  // The ticket's splitter grows the ticket when dragged left.
  await drag(page, ticket, -30, 0);
  await expect(ticket).toHaveAttribute('aria-valuenow', '300');

  // From the keyboard: ↑ moves the bottom panel's edge up, making it taller.
  const before = Number(await bottom.getAttribute('aria-valuenow'));
  await bottom.focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(bottom).toHaveAttribute('aria-valuenow', String(before + 20));
  // Never past what leaves the chart its minimum.
  await page.keyboard.press('End');
  const most = Number(await bottom.getAttribute('aria-valuemax'));
  await expect(bottom).toHaveAttribute('aria-valuenow', String(most));
  expect(most).toBeLessThanOrEqual(720 - 38 - 220);
  await page.keyboard.press('Home');
  await expect(bottom).toHaveAttribute('aria-valuenow', '140');
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowUp');
  await expect(bottom).toHaveAttribute('aria-valuenow', '220');
  await expect(app).toHaveAttribute('data-workspace', 'saved');

  await page.reload();
  await expect(app).not.toHaveAttribute('data-workspace', 'loading');
  await expect(side).toHaveAttribute('aria-valuenow', '340');
  await expect(ticket).toHaveAttribute('aria-valuenow', '300');
  await expect(bottom).toHaveAttribute('aria-valuenow', '220');
  await expect(page.locator('[data-testid=chart]')).toHaveAttribute('data-loading', 'false');
  await page.screenshot({ path: screenshotPath('layout-1280x720.png') });

  // A wide layout fitted to 1920×1080 keeps the saved sizes.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await expect(side).toHaveAttribute('aria-valuenow', '340');
  await page.screenshot({ path: screenshotPath('layout-1920x1080.png') });

  // A double click puts a splitter back where it started.
  // (A zero-width grid track with a wider grab area: Playwright calls it invisible, so click by position.)
  const box = await ticket.boundingBox();
  if (box === null) throw new Error('ticket splitter not on screen');
  await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
  await expect(ticket).toHaveAttribute('aria-valuenow', '270');
});

test('the connection dialog holds focus, closes on Escape, starts on demo and marks bad fields in words', async ({
  terminal: page,
}) => {
  await showTab(page, 'Connections');
  const add = page.getByRole('button', { name: 'Add connection' });
  await add.click();
  const dialog = page.getByRole('dialog', { name: 'Add connection' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Kind')).toBeFocused();
  const environment = dialog.getByLabel('Environment');
  await expect(environment).toHaveValue('demo');
  // A gateway kind defaults to live in profiles; a new connection in the dialog still starts on demo.
  await dialog.getByLabel('Kind').selectOption('portfolio-stream');
  await expect(environment).toHaveValue('demo');
  await expect(dialog.getByRole('note').filter({ hasText: 'real money' })).toHaveCount(0);

  // Tab and Shift+Tab never reach the page behind the dialog.
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    expect(await focusHeldBy(dialog), `after ${i + 1} Tab`).toBe(true);
  }
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await focusHeldBy(dialog), `after ${i + 1} Shift+Tab`).toBe(true);
  }
  // The search does not open over a dialog.
  await page.keyboard.press('Control+K');
  await expect(page.getByRole('dialog', { name: 'Search instruments' })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(add).toBeFocused();

  // A form the host refuses: each problem beside its field, in the trader's words.
  await add.click();
  await dialog.getByLabel('Kind').selectOption('portfolio-stream');
  await dialog.getByRole('button', { name: 'Save' }).click();
  const name = dialog.getByLabel('Name');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription('Give the connection a name.');
  await expect(name).toBeFocused();
  const summary = dialog.locator('.cm-result [role=alert]');
  await expect(summary).toContainText('correcting, marked below');
  await expect(summary).not.toContainText('term:');

  await name.fill('Gateway');
  await expect(name).toHaveAttribute('aria-invalid', 'false');
  const url = dialog.getByLabel('Gateway URL');
  await url.fill('not an address');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  await expect(url).toHaveAccessibleDescription(
    /^Not a valid address: expected something like ws:\/\/host:port\./,
  );
  await expect(url).toBeFocused();
  await url.fill('ws://gateway.example.net/ws');
  await expect(dialog.getByTestId('cm-field-url-error')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByTestId('cm-field-url-error')).toHaveText(
    /^A demo connection must use an encrypted wss:\/\/ address/,
  );
  for (const text of await dialog.locator('.cm-error, [role=alert]').allInnerTexts())
    expect(text).not.toMatch(/term:|fields\.|config\.|urls\./);
  await page.screenshot({ path: screenshotPath('connection-field-errors.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(add).toBeFocused();
});

test('the modify dialog says a bad price beside its field, closes on Escape and gives focus back', async ({
  terminal: page,
  host,
}) => {
  const limit = await restingBuyPrice(page, host);
  await placeOrder(page, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: limit.text });
  const orders = await openOrders(page, 'Working');
  const edit = rowsWithPrice(orders, limit.pattern).getByRole('button', { name: 'Edit' });
  await edit.click();
  const dialog = page.getByRole('dialog', { name: /modify/i });
  const qty = dialog.getByLabel('Quantity');
  await expect(qty).toBeFocused();
  const price = dialog.getByLabel('Limit price');
  await price.fill(`${limit.text}1`);
  await page.keyboard.press('Enter');
  await expect(price).toHaveAttribute('aria-invalid', 'true');
  await expect(price).toHaveAccessibleDescription(/tick/i);
  await expect(qty).toHaveAttribute('aria-invalid', 'false');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(edit).toBeFocused();
  expect((await host.status()).orders.find((o) => o.price === limit.price)?.status).toBe('working');
});

test('Tab passes the watchlist once; Delete removes the focused row', async ({ terminal: page }) => {
  const nq = watchRow(page, 'NQ');
  await nq.click();
  await expect(nq).toBeFocused();
  await expect(nq).toHaveAttribute('aria-selected', 'true');
  // The remove buttons are named for the pointer and screen readers, but are not tab stops.
  await expect(watchlist(page).getByRole('button', { name: 'Remove NQ' })).toHaveAttribute('tabindex', '-1');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('separator', { name: 'Resize watchlist' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(nq).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('searchbox', { name: 'Search instruments' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(nq).toBeFocused();

  await page.keyboard.press('Delete');
  await expect(watchRow(page, 'NQ')).toHaveCount(0);
  // The selection moved on to a neighbour, which has focus: Delete again keeps pruning.
  const focused = page.locator('.wl-row:focus');
  await expect(focused).toHaveCount(1);
  await expect(focused).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('[data-workspace]')).toHaveAttribute('data-workspace', 'saved');
});

test('Ctrl+K finds an instrument on every connection and adds it to the watchlist and the chart', async ({
  terminal: page,
}) => {
  await watchlist(page).getByRole('button', { name: 'Remove AAPL' }).click();
  await expect(watchRow(page, 'AAPL')).toHaveCount(0);

  const opener = page.getByRole('searchbox', { name: 'Search instruments' });
  await opener.focus();
  await page.keyboard.press('Control+K');
  const search = page.getByRole('dialog', { name: 'Search instruments' });
  const box = search.getByRole('combobox', { name: 'Search instruments' });
  await expect(box).toBeFocused();
  // Empty: everything listed, with the connection and its mode on each row.
  await expect(search.getByRole('option').first()).toContainText('PAPER');
  await page.screenshot({ path: screenshotPath('search-1280x720.png') });

  await box.fill('apple');
  const first = search.getByRole('option').first();
  await expect(first).toContainText('AAPL');
  await expect(first).toContainText('Apple Inc.');
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(box).toHaveAttribute('aria-activedescendant', (await first.getAttribute('id')) ?? '');
  // Escape closes without adding; focus goes back to where the search was opened from.
  await page.keyboard.press('Escape');
  await expect(search).toHaveCount(0);
  await expect(opener).toBeFocused();
  await expect(watchRow(page, 'AAPL')).toHaveCount(0);

  // Typing in the watchlist's search box opens the same search with what was typed.
  await expect(opener).toBeFocused();
  await page.keyboard.type('ap');
  await expect(box).toHaveValue('ap');
  await box.fill('aapl');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(search).toHaveCount(0);
  await expect(watchRow(page, 'AAPL')).toHaveCount(1);
  await expect(page.locator('[data-testid=chart]')).toHaveAttribute('data-symbol', 'AAPL');
  await expect(page.locator('[data-workspace]')).toHaveAttribute('data-workspace', 'saved');

  // Something already listed says so; nothing matching says that in words.
  await page.keyboard.press('Control+K');
  await box.fill('es');
  await expect(search.getByRole('option').first()).toContainText('on watchlist');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: screenshotPath('search-1920x1080.png') });
  await box.fill('zzzz');
  await expect(search.getByRole('option')).toHaveCount(0);
  await expect(search).toContainText('Nothing matches “zzzz”.');
});
