/**
 * Issue 15 items 5 and 6 through the web host: a buy and a sell become a round trip in the Journal
 * tab, which survives a restart on the same data directory and whose CSV export matches the fills;
 * a rejected order stays in the orders history with its reason; Close offers to cancel the
 * symbol's working orders and says what it did.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { roundToStep } from '../src/shared/money';
import {
  chartSymbol,
  chooseOption,
  expect,
  launchWebHost,
  openPositions,
  orderTypeSelect,
  placeOrder,
  quantityField,
  screenshotPath,
  showTab,
  tableRows,
  test,
  type WebHostHandle,
} from './fixtures';

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Header → value objects. */
function records(csv: string): Record<string, string>[] {
  const [header = [], ...rows] = parseCsv(csv);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

async function openPage(page: Page, host: WebHostHandle): Promise<void> {
  await page.goto(host.url);
  await expect(page.locator('[data-testid=chart]')).toBeVisible();
}

async function journalTable(page: Page): Promise<Locator> {
  await showTab(page, 'Journal');
  return page.getByRole('table', { name: 'Round trips' });
}

/** The table's rows for `symbol` (a cell showing exactly it; the header row has none). */
function tripRows(table: Locator, symbol: string): Locator {
  return table
    .getByRole('row')
    .filter({ has: table.page().getByRole('cell', { name: symbol, exact: true }) });
}

async function downloadCsv(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

test('a buy and a sell make a round trip that survives a restart, and its CSV matches the fills', async ({
  page,
}) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-journal-e2e-'));
  try {
    let { handle: host, stop } = await launchWebHost({ dataDir });
    await openPage(page, host);
    const symbol = await chartSymbol(page);
    await placeOrder(page, { side: 'Buy', qty: 2, type: /^market$/i });
    await expect
      .poll(async () => (await host.status()).positions.find((p) => p.symbol === symbol)?.qty)
      .toBe(2);
    await placeOrder(page, { side: 'Sell', qty: 2, type: /^market$/i });
    await expect
      .poll(async () => (await host.status()).positions.find((p) => p.symbol === symbol)?.qty)
      .toBe(0);
    const status = await host.status();
    const fills = (status.fills ?? []).filter((f) => f.symbol === symbol);
    expect(fills.length).toBeGreaterThanOrEqual(2);

    const table = await journalTable(page);
    await expect(tripRows(table, symbol)).toHaveCount(1);
    const [trip] = await tableRows(table);
    expect(trip).toMatchObject({ Symbol: symbol, Side: 'Long', Qty: '2' });
    expect(trip?.Closed).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(trip?.['P&L']).toMatch(/^[+-]?\$[\d,]+\.\d\d$|^\$0\.00$/);
    await expect(page.getByTestId('journal-totals-USD')).toContainText('Trips 1');

    for (const [w, h] of [
      [1280, 720],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await expect(tripRows(table, symbol)).toBeVisible();
      await page.screenshot({ path: screenshotPath(`journal-${w}x${h}.png`) });
    }

    // The fills CSV is the fills, figure for figure; the trades CSV pairs them.
    const fillsCsv = await downloadCsv(page, 'Export fills CSV');
    expect(fillsCsv.name).toMatch(/^peregrine-fills-\d{4}-\d\d-\d\d\.csv$/);
    expect(fillsCsv.text.split('\r\n')[0]).toBe(
      'time,fill_id,order_id,connection,account,symbol,side,qty,price,commission,currency',
    );
    const exported = records(fillsCsv.text);
    expect(exported.map((r) => r.fill_id).sort()).toEqual(status.fills?.map((f) => f.id).sort());
    for (const f of status.fills ?? []) {
      const r = exported.find((x) => x.fill_id === f.id);
      expect(r).toEqual({
        time: new Date(f.ts).toISOString(),
        fill_id: f.id,
        order_id: f.orderId,
        connection: f.connectionId,
        account: f.accountId,
        symbol: f.symbol,
        side: f.side,
        qty: String(f.qty),
        price: String(f.price),
        commission: String(f.commission),
        currency: 'USD',
      });
    }
    const trades = records((await downloadCsv(page, 'Export trades CSV')).text);
    expect(trades).toHaveLength(1);
    const t = trades[0] ?? {};
    const snap = await host.snapshot();
    const multiplier = snap.instruments.find((i) => i.symbol === symbol)?.multiplier ?? 1;
    const notional = (side: string) =>
      fills.filter((f) => f.side === side).reduce((s, f) => s + f.qty * f.price, 0);
    expect(Number(t.pnl)).toBeCloseTo((notional('sell') - notional('buy')) * multiplier, 6);
    expect(Number(t.fees)).toBeCloseTo(
      fills.reduce((s, f) => s + f.commission, 0),
      6,
    );
    expect(t).toMatchObject({ symbol, direction: 'long', status: 'closed', qty: '2', connection: 'paper' });
    expect(t.fill_ids?.split(' ').sort()).toEqual(fills.map((f) => f.id).sort());

    // Restart on the same data directory: the trip is read back from the journal.
    expect(await stop()).toBe(0);
    ({ handle: host, stop } = await launchWebHost({ dataDir }));
    await openPage(page, host);
    const after = await journalTable(page);
    await expect(tripRows(after, symbol)).toHaveCount(1);
    expect((await tableRows(after))[0]).toEqual(trip);
    expect(await stop()).toBe(0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a rejected order stays in the orders history with its reason, and an edit clears the ticket message', async ({
  terminal,
  host,
}) => {
  const symbol = await chartSymbol(terminal);
  const snap = await host.snapshot();
  const inst = snap.instruments.find((i) => i.symbol === symbol);
  const quote = snap.quotes.find((q) => q.symbol === symbol);
  if (inst === undefined || quote === undefined) throw new Error(`no listing for ${symbol}`);
  // A buy stop below the market is already through it: the paper broker refuses it.
  const stop = roundToStep(quote.last * 0.98, inst.tickSize);
  await chooseOption(orderTypeSelect(terminal), /^stop$/i);
  await quantityField(terminal).fill('1');
  await terminal.getByRole('textbox', { name: 'Stop price' }).fill(stop.toFixed(inst.pricePrecision));
  await terminal.getByRole('button', { name: 'Buy', exact: true }).click();
  const message = terminal.locator('.ticket-result');
  await expect(message).toContainText(/^Rejected: /);
  const reason = ((await message.textContent()) ?? '').replace(/^Rejected: /, '');

  await expect
    .poll(async () => (await host.status()).orders.find((o) => o.status === 'rejected')?.rejectReason)
    .toBe(reason);
  await showTab(terminal, 'Orders');
  const toggle = terminal
    .getByRole('group', { name: 'Order view' })
    .getByRole('button', { name: /^Rejected/ });
  await toggle.click();
  const rejected = terminal.getByRole('table', { name: 'Rejected orders' });
  const [row] = await tableRows(rejected);
  expect(row?.Symbol).toBe(symbol);
  expect(row?.Reason).toBe(reason);
  expect(row?.Time).toMatch(/^\d\d:\d\d:\d\d$/);
  await terminal.setViewportSize({ width: 1280, height: 720 });
  await terminal.screenshot({ path: screenshotPath('orders-rejected-1280x720.png') });

  // The message answered that order: changing the quantity makes it stale, so it goes.
  await expect(message).toBeVisible();
  await quantityField(terminal).fill('2');
  await expect(message).toHaveCount(0);
});

test('Close offers to cancel the symbol’s working orders and says what stayed', async ({
  terminal,
  host,
}) => {
  const symbol = await chartSymbol(terminal);
  const snap = await host.snapshot();
  const inst = snap.instruments.find((i) => i.symbol === symbol);
  const quote = snap.quotes.find((q) => q.symbol === symbol);
  if (inst === undefined || quote === undefined) throw new Error(`no listing for ${symbol}`);
  const stopPrice = roundToStep(quote.bid * 0.97, inst.tickSize);

  const buyAndProtect = async () => {
    await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^market$/i });
    await expect
      .poll(async () => (await host.status()).positions.find((p) => p.symbol === symbol)?.qty)
      .toBe(1);
    await chooseOption(orderTypeSelect(terminal), /^stop$/i);
    await terminal.getByRole('textbox', { name: 'Stop price' }).fill(stopPrice.toFixed(inst.pricePrecision));
    await terminal.getByRole('button', { name: 'Sell', exact: true }).click();
    await expect
      .poll(async () =>
        (await host.status()).orders.filter((o) => o.symbol === symbol && o.status === 'working'),
      )
      .toHaveLength(1);
  };

  // Default: the stop is cancelled with the close.
  await buyAndProtect();
  const positions = await openPositions(terminal);
  await positions.getByRole('button', { name: 'Close' }).click();
  const dialog = terminal.getByRole('dialog', { name: `Close ${symbol}?` });
  await expect(dialog).toBeVisible();
  const box = dialog.getByRole('checkbox', { name: /Also cancel it/ });
  await expect(box).toBeChecked();
  await expect(box).toBeFocused();
  await terminal.setViewportSize({ width: 1280, height: 720 });
  await terminal.screenshot({ path: screenshotPath('close-position-1280x720.png') });
  await dialog.getByRole('button', { name: 'Close position' }).click();
  await expect(terminal.getByRole('status').filter({ hasText: `and cancelled 1 order` })).toBeVisible();
  await expect
    .poll(async () => {
      const s = await host.status();
      return [
        s.positions.find((p) => p.symbol === symbol)?.qty,
        s.orders.filter((o) => o.symbol === symbol && o.status === 'working').length,
      ];
    })
    .toEqual([0, 0]);

  // Unticked: the stop stays working, and the message says so.
  await buyAndProtect();
  await positions.getByRole('button', { name: 'Close' }).click();
  await dialog.getByRole('checkbox', { name: /Also cancel it/ }).uncheck();
  await dialog.getByRole('button', { name: 'Close position' }).click();
  await expect(
    terminal.getByRole('status').filter({ hasText: new RegExp(`${symbol}.*; 1 stop at .* left working`) }),
  ).toBeVisible();
  await expect
    .poll(async () =>
      (await host.status()).orders.filter((o) => o.symbol === symbol && o.status === 'working'),
    )
    .toHaveLength(1);
  // Escape leaves the dialog without closing anything.
  await buyAndProtectAgain(terminal, host, symbol);
});

/** After the second case the position is flat with one stop working: Escape on a new close keeps all. */
async function buyAndProtectAgain(page: Page, host: WebHostHandle, symbol: string): Promise<void> {
  await placeOrder(page, { side: 'Buy', qty: 1, type: /^market$/i });
  await expect
    .poll(async () => (await host.status()).positions.find((p) => p.symbol === symbol)?.qty)
    .toBe(1);
  await page.getByRole('table', { name: 'Positions' }).getByRole('button', { name: 'Close' }).click();
  const dialog = page.getByRole('dialog', { name: `Close ${symbol}?` });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect((await host.status()).positions.find((p) => p.symbol === symbol)?.qty).toBe(1);
}
