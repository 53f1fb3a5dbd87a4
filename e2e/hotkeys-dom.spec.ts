/**
 * Trading from the keyboard and the DOM ladder on the paper broker, through the web host: the `?`
 * overlay, cancel-all and flatten by hotkey (never while typing in a field), and a limit order
 * placed by clicking a ladder row, moved by dragging it, and cancelled from its row.
 */
import type { Locator, Page } from '@playwright/test';
import {
  bookSides,
  chartSymbol,
  chooseOption,
  expect,
  limitPriceField,
  orderTypeSelect,
  placeOrder,
  quantityField,
  restingBuyPrice,
  screenshotPath,
  showTab,
  test,
  type WebHostHandle,
} from './fixtures';

/** A neutral spot to give the page focus without a text field: the ticket's header. */
async function focusOutsideFields(page: Page): Promise<void> {
  await page.getByRole('region', { name: 'Order ticket' }).locator('.panel-head').click();
}

async function positionQty(host: WebHostHandle, symbol: string): Promise<number> {
  return (await host.status()).positions.find((p) => p.symbol === symbol)?.qty ?? 0;
}

test('hotkeys: help overlay, cancel all on the symbol, flatten; nothing fires while typing', async ({
  terminal,
  host,
}) => {
  const limit = await restingBuyPrice(terminal, host);
  const symbol = limit.symbol;
  await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: limit.text });
  await expect
    .poll(async () => (await host.status()).orders.filter((o) => o.status === 'working').length)
    .toBe(1);

  // The help overlay lists the keys and says live accounts are off.
  await focusOutsideFields(terminal);
  await terminal.keyboard.press('Shift+Slash');
  const help = terminal.getByRole('dialog', { name: 'Trading hotkeys' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Cancel all working orders on the symbol');
  await expect(help).toContainText(/Live accounts: hotkeys and one-click DOM orders OFF/);
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    await terminal.setViewportSize({ width: w, height: h });
    await terminal.screenshot({ path: screenshotPath(`hotkeys-help-${w}x${h}.png`) });
  }
  await terminal.setViewportSize({ width: 1600, height: 960 });

  // Settings refuse a combination another action already has, with the reason.
  await help.getByRole('button', { name: 'Edit hotkeys…' }).click();
  const edit = terminal.getByRole('dialog', { name: 'Edit hotkeys' });
  await edit.getByRole('button', { name: 'Record a key for Reverse the position' }).click();
  await terminal.keyboard.press('Alt+KeyB');
  await expect(edit.getByRole('alert')).toHaveText('Alt+B is already "Buy at market". Clear that one first.');
  // Escape stops recording; F9 is free and is saved for Reverse, in the workspace.
  await terminal.keyboard.press('Escape');
  await edit.getByRole('button', { name: 'Record a key for Reverse the position' }).click();
  await terminal.keyboard.press('F9');
  await edit.getByRole('button', { name: 'Save' }).click();
  const reverseRow = help.getByRole('row', { name: /Reverse the position/ });
  await expect(reverseRow.getByLabel('F9')).toBeVisible();
  await expect(help).toHaveAttribute('data-save', 'saved');
  await help.getByRole('button', { name: 'Close' }).click();
  await expect(help).toBeHidden();
  await terminal.reload();
  await expect(terminal.locator('[data-testid=chart]')).toBeVisible();
  await focusOutsideFields(terminal);
  await terminal.keyboard.press('Shift+Slash');
  await expect(help.getByRole('row', { name: /Reverse the position/ }).getByLabel('F9')).toBeVisible();
  await terminal.keyboard.press('Escape');
  await expect(help).toBeHidden();

  // Alt+B while typing in the quantity field is typing, not a market buy.
  await quantityField(terminal).click();
  await terminal.keyboard.press('Alt+KeyB');

  // Nor behind a modal dialog, even with focus on one of its buttons (a native <dialog> carries no
  // aria-modal attribute): the orders checked below show nothing was sent.
  await terminal.getByRole('tab', { name: 'Connections', exact: true }).click();
  await terminal.getByRole('button', { name: 'Add connection' }).click();
  const modal = terminal.getByRole('dialog', { name: 'Add connection' });
  await modal.getByRole('button', { name: 'Cancel' }).focus();
  await terminal.keyboard.press('Alt+KeyB');
  await terminal.keyboard.press('Escape');
  await expect(modal).toBeHidden();

  // Cancel all on the symbol: the working limit is cancelled by the engine.
  await focusOutsideFields(terminal);
  await terminal.keyboard.press('Alt+KeyC');
  await expect(
    terminal.getByRole('status').filter({ hasText: `1 ${symbol} order cancelled.` }),
  ).toBeVisible();
  const after = (await host.status()).orders;
  expect(after.map((o) => [o.type, o.status])).toEqual([['limit', 'cancelled']]);
  expect(await positionQty(host, symbol)).toBe(0);

  // Buy at market, then flatten the symbol, both by hotkey.
  await terminal.keyboard.press('Alt+KeyB');
  await expect.poll(() => positionQty(host, symbol)).toBe(1);
  await terminal.keyboard.press('Alt+KeyF');
  await expect.poll(() => positionQty(host, symbol)).toBe(0);
  await expect(terminal.getByRole('status').filter({ hasText: `${symbol} flattened` })).toBeVisible();
});

/** The ladder row at `price` (rows carry their price as a number in `data-price`). */
function ladderRow(ladder: Locator, price: number): Locator {
  return ladder.locator(`[role=row][data-price="${price}"]`);
}

/**
 * 'shown' when the best bid's and best ask's rows lie wholly inside the ladder's scroll box, below
 * the column header, with their middle within a row of the box's middle; else what is off.
 */
async function marketShown(ladder: Locator): Promise<string> {
  const box = await ladder.boundingBox();
  const head = await ladder.page().locator('.ladder-cols').boundingBox();
  const bid = await ladder.locator('.ladder-row.best-bid').boundingBox();
  const ask = await ladder.locator('.ladder-row.best-ask').boundingBox();
  if (box === null || head === null || bid === null || ask === null) return 'not laid out';
  const off: string[] = [];
  const top = Math.max(box.y, head.y + head.height);
  for (const [name, r] of [
    ['bid', bid],
    ['ask', ask],
  ] as const) {
    if (r.y < top - 0.5 || r.y + r.height > box.y + box.height + 0.5)
      off.push(`${name} row ${r.y}..${r.y + r.height} outside ${top}..${box.y + box.height}`);
  }
  const middle = (Math.min(bid.y, ask.y) + Math.max(bid.y + bid.height, ask.y + ask.height)) / 2;
  if (Math.abs(middle - (box.y + box.height / 2)) > bid.height)
    off.push(`market at ${middle}, view middle ${box.y + box.height / 2}`);
  return off.length === 0 ? 'shown' : off.join('; ');
}

test('DOM ladder: click to place, drag to move, cancel from the row', async ({ terminal, host }) => {
  const symbol = await chartSymbol(terminal);
  await showTab(terminal, 'DOM');
  const ladder = terminal.getByRole('grid', { name: 'Price ladder' });
  await expect(ladder.locator('.ladder-row.best-bid')).toHaveCount(1);
  const snapshot = await host.snapshot();
  const instrument = snapshot.instruments.find((i) => i.symbol === symbol);
  if (instrument === undefined) throw new Error(`no instrument ${symbol}`);
  const tick = instrument.tickSize;
  const bid = Number(await ladder.locator('.ladder-row.best-bid').getAttribute('data-price'));
  const at = (ticks: number) => Number((bid + ticks * tick).toFixed(instrument.pricePrecision));

  // The paper broker streams its book while the ladder is open: sizes on many rows of each side,
  // every bid size at or under the best bid and every ask size at or over the best ask.
  await expect(terminal.locator('.ladder-hint')).toContainText('book depth');
  await expect
    .poll(() => bookSides(ladder), { message: 'book sizes on both sides' })
    .toEqual({
      bids: true,
      asks: true,
      ordered: true,
    });

  // Click the bid side ten ticks under the market: a buy limit there, in /status.
  const first = at(-10);
  await ladderRow(ladder, first)
    .getByRole('button', { name: /^Buy limit at / })
    .click();
  await expect
    .poll(async () => (await host.status()).orders.map((o) => [o.side, o.type, o.price, o.status]))
    .toEqual([['buy', 'limit', first, 'working']]);
  const id = (await host.status()).orders[0]?.id ?? '';
  const chip = ladderRow(ladder, first).getByLabel(new RegExp(`, order ${id}$`));
  await expect(chip).toBeVisible();

  // The market sits in the middle of what the trader sees: after a resize (the click above
  // scrolled the order's row into view), and after "Centre" once scrolled away.
  const centre = terminal.getByRole('button', { name: 'Centre', exact: true });
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    await terminal.setViewportSize({ width: w, height: h });
    await expect.poll(() => marketShown(ladder), { message: `bid/ask in view at ${w}x${h}` }).toBe('shown');
    await terminal.mouse.move(0, 0); // no crosshair left over from the last click
    await terminal.screenshot({ path: screenshotPath(`dom-ladder-${w}x${h}.png`) });
    await ladder.evaluate((el) => (el.scrollTop = 0));
    await expect.poll(() => marketShown(ladder)).not.toBe('shown');
    await centre.click();
    await expect.poll(() => marketShown(ladder), { message: `Centre at ${w}x${h}` }).toBe('shown');
  }
  await terminal.setViewportSize({ width: 1600, height: 960 });

  // Drag the order two rows down: the same order, modified to the new price.
  const moved = at(-12);
  await chip.scrollIntoViewIfNeeded();
  await chip.hover();
  await terminal.mouse.down();
  await ladderRow(ladder, moved).locator('.price').hover();
  await terminal.mouse.up();
  await expect
    .poll(async () => (await host.status()).orders.map((o) => [o.id, o.price, o.status]))
    .toEqual([[id, moved, 'working']]);
  const movedChip = ladderRow(ladder, moved).getByLabel(new RegExp(`, order ${id}$`));
  await expect(movedChip).toBeVisible();

  // Cancel from the row.
  await ladderRow(ladder, moved)
    .getByRole('button', { name: `Cancel order ${id}` })
    .click();
  await expect
    .poll(async () => (await host.status()).orders.map((o) => [o.id, o.status]))
    .toEqual([[id, 'cancelled']]);
  await expect(movedChip).toBeHidden();
});

test('ticket keys: arrows step the price by ticks, presets set the quantity, Enter submits once valid', async ({
  terminal,
  host,
}) => {
  const limit = await restingBuyPrice(terminal, host);
  const { tickSize, pricePrecision } = limit.instrument;
  await chooseOption(orderTypeSelect(terminal), /^limit$/i);
  const price = limitPriceField(terminal);
  await price.fill(limit.text);
  await price.press('ArrowDown');
  await price.press('Shift+ArrowDown');
  const stepped = Number((limit.price - 11 * tickSize).toFixed(pricePrecision));
  await expect(price).toHaveValue(stepped.toFixed(pricePrecision));
  await terminal.getByRole('button', { name: `Limit price up one tick` }).click();
  const final = Number((stepped + tickSize).toFixed(pricePrecision));
  await expect(price).toHaveValue(final.toFixed(pricePrecision));

  // An invalid ticket shows why and sends nothing; a preset fixes the quantity; Enter then buys.
  await quantityField(terminal).fill('');
  await price.press('Enter');
  await expect(terminal.getByRole('alert').filter({ hasText: 'Enter a quantity.' })).toBeVisible();
  await terminal.getByRole('group', { name: 'Quantity presets' }).getByRole('button', { name: '2' }).click();
  await expect(quantityField(terminal)).toHaveValue('2');
  await price.press('Enter');
  await expect
    .poll(async () => (await host.status()).orders.map((o) => [o.side, o.type, o.qty, o.price, o.status]))
    .toEqual([['buy', 'limit', 2, final, 'working']]);
});

test('DOM ladder: a working order far from the market is announced at the edge and shown on a click', async ({
  terminal,
  host,
}) => {
  const limit = await restingBuyPrice(terminal, host);
  await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: limit.text });
  await expect
    .poll(async () => (await host.status()).orders.map((o) => [o.price, o.status]))
    .toEqual([[limit.price, 'working']]);
  await showTab(terminal, 'DOM');
  const edge = terminal.getByRole('button', { name: /1 working order below the ladder, nearest at/ });
  // The price as shown, with or without thousands separators (priceText without its anchors).
  await expect(edge).toContainText(new RegExp(`nearest at ${limit.pattern.source.slice(1, -1)} `));
  await edge.click();
  const ladder = terminal.getByRole('grid', { name: 'Price ladder' });
  await expect(ladderRow(ladder, limit.price).getByLabel(/, order /)).toBeVisible();
  await expect(edge).toBeHidden();
});
