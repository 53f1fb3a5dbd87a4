import type { Page } from '@playwright/test';
import {
  cell,
  chartSymbol,
  columns,
  expect,
  numbersIn,
  openOrders,
  openPositions,
  parseDisplayed,
  placeOrder,
  rowsWithPrice,
  restingBuyPrice,
  screenshotPath,
  tableRows,
  test,
} from './fixtures';

/** The symbol's row in the positions table (which must be showing: see `openPositions`). */
async function positionRow(page: Page, symbol: string) {
  const rows = await tableRows(page.getByRole('table', { name: 'Positions' }));
  return rows.find((r) => Object.values(r).some((v) => v === symbol || v.startsWith(`${symbol} `)));
}

test('a market buy becomes a position whose unrealized P&L follows the price', async ({ terminal, host }) => {
  const symbol = await chartSymbol(terminal);
  await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^market$/i });

  await expect
    .poll(async () => (await host.status()).positions.find((p) => p.symbol === symbol)?.qty)
    .toBe(1);
  await expect
    .poll(async () => Number(cell(await positionRow(terminal, symbol), columns.qty)?.replace(/[^\d.-]/g, '')))
    .toBe(1);

  const first = cell(await positionRow(terminal, symbol), columns.unrealized);
  expect(first).toMatch(/\d/);
  await expect
    .poll(async () => cell(await positionRow(terminal, symbol), columns.unrealized), { timeout: 30_000 })
    .not.toBe(first);
});

test('position P&L adds up: unrealized from the mark, day P&L net of fees, equity = cash + unrealized', async ({
  terminal,
  host,
}) => {
  const symbol = await chartSymbol(terminal);
  await placeOrder(terminal, { side: 'Buy', qty: 2, type: /^market$/i });
  await expect
    .poll(async () => (await host.status()).positions.find((p) => p.symbol === symbol)?.qty)
    .toBe(2);
  const snap = await host.snapshot();
  const instrument = snap.instruments.find((i) => i.symbol === symbol);
  if (instrument === undefined) throw new Error(`no instrument ${symbol}`);
  if (symbol === 'ES') expect(instrument.multiplier).toBe(50);
  const held = snap.positions.find((p) => p.symbol === symbol);
  expect(held?.fees, 'a fill books its commission on the position').toBeGreaterThan(0);
  const fees = snap.positions.reduce((sum, p) => sum + p.fees, 0);

  // GET /status: `last` is the mark. One response is one instant, so the figures must agree exactly.
  await expect
    .poll(async () => {
      const status = await host.status();
      const p = status.positions.find((x) => x.symbol === symbol);
      const account = status.accounts.find((a) => a.connectionId === p?.connectionId);
      if (p === undefined || p.last === null || account === undefined) return null;
      const mine = status.positions.filter(
        (x) => x.connectionId === account.connectionId && x.accountId === account.accountId,
      );
      const expectedUnrealized = p.qty * (p.last - p.avgPrice) * instrument.multiplier;
      // /status rounds the mark to the instrument's precision (a mid can sit between ticks): allow
      // that rounding, times quantity and multiplier, plus a cent for the rounded P&L.
      const markRounding = 0.5 * 10 ** -instrument.pricePrecision;
      const tolerance = Math.abs(p.qty) * instrument.multiplier * markRounding + 0.01;
      const expectedDay = mine.reduce((sum, x) => sum + x.realizedPnl + x.unrealizedPnl, 0) - fees;
      return {
        unrealized: Math.abs(p.unrealizedPnl - expectedUnrealized) <= tolerance,
        // Every figure is rounded to the cent in /status (half a cent each at most): the day P&L,
        // each position's realized and unrealized, and the fees.
        dayPnl: Math.abs(account.dayPnl - expectedDay) <= 0.005 * (2 * mine.length + 2) + 1e-9,
      };
    })
    .toEqual({ unrealized: true, dayPnl: true });

  // The snapshot keeps the mark at full precision: there the product is exact to the cent.
  const exact = await host.snapshot();
  const full = exact.positions.find((p) => p.symbol === symbol);
  expect(full?.last).not.toBeNull();
  if (full !== undefined && full.last !== null)
    expect(
      Math.abs(full.unrealizedPnl - full.qty * (full.last - full.avgPrice) * full.multiplier),
    ).toBeLessThan(0.01);
  expect(full?.multiplier).toBe(instrument.multiplier);

  // The snapshot carries cash and unrealized: a paper account's equity is their sum.
  const account = exact.accounts.find((a) => a.connectionId === held?.connectionId);
  expect(account).toBeDefined();
  if (account !== undefined)
    expect(Math.abs(account.equity - (account.cash + account.unrealizedPnl))).toBeLessThan(0.01);

  // The table shows the same decomposition: a Mark column (not "Last") and the fees.
  const positions = await openPositions(terminal);
  const mark = positions.getByRole('columnheader', { name: 'Mark', exact: true });
  await expect(mark).toHaveAttribute('title', /mid of bid and ask/);
  await expect(positions.getByRole('columnheader', { name: 'Last', exact: true })).toHaveCount(0);
  await expect
    .poll(async () => parseDisplayed(cell(await positionRow(terminal, symbol), columns.fees) ?? 'x'))
    .toBeCloseTo(-(held?.fees ?? 0), 2);
  const row = await positionRow(terminal, symbol);
  const shownMark = cell(row, columns.mark) ?? '';
  // On the tick at its decimals, or a mid between ticks to the half tick and labelled "mid".
  expect(shownMark).toMatch(new RegExp(`^[\\d,]+\\.\\d{${instrument.pricePrecision}}(\\d?\\s?mid)?$`));
  // Day P&L's tooltip says what it is made of.
  await expect(terminal.locator('.acct .kv').filter({ hasText: 'Day P&L' }).first()).toHaveAttribute(
    'title',
    /net of fees/,
  );
  await expect(terminal.locator('.acct .kv').filter({ hasText: 'Equity' }).first()).toContainText('$');
});

test('a limit order away from the market rests, is drawn on the chart, and cancels', async ({
  terminal,
  host,
}) => {
  const chart = terminal.locator('[data-testid=chart]');
  const limit = await restingBuyPrice(terminal, host);
  await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: limit.text });

  const orders = await openOrders(terminal, 'Working');
  const row = rowsWithPrice(orders, limit.pattern);
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(/working/i);
  await expect
    .poll(async () => numbersIn(await chart.getAttribute('data-price-lines')))
    .toContain(limit.price);
  const placed = (await host.status()).orders.find((o) => o.price === limit.price);
  expect(placed?.status).toBe('working');
  // The ticket asked the main process for one client order id for this click (at most 36
  // characters every broker accepts) and the engine kept it.
  expect(placed?.clientOrderId).toMatch(/^pg[0-9a-f]{4}-[0-9a-z]{8,}$/);
  expect(placed?.clientOrderId.length).toBeLessThanOrEqual(36);

  await row.getByRole('button', { name: /cancel/i }).click();

  await expect
    .poll(async () => (await host.status()).orders.find((o) => o.id === placed?.id)?.status)
    .toBe('cancelled');
  await expect(rowsWithPrice(orders, limit.pattern)).toHaveCount(0);
  await expect(rowsWithPrice(await openOrders(terminal, 'Done'), limit.pattern)).toContainText(/cancel+ed/i);
  await expect
    .poll(async () => numbersIn(await chart.getAttribute('data-price-lines')))
    .not.toContain(limit.price);
});

test('a reload recovers positions and working orders from a snapshot', async ({ terminal, host }) => {
  const limit = await restingBuyPrice(terminal, host);
  await placeOrder(terminal, { side: 'Buy', qty: 2, type: /^market$/i });
  await expect
    .poll(async () => (await host.status()).positions.find((p) => p.symbol === limit.symbol)?.qty)
    .toBe(2);
  await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: limit.text });
  const working = async () =>
    rowsWithPrice(await openOrders(terminal, 'Working'), limit.pattern).filter({ hasText: /working/i });
  await expect(await working()).toHaveCount(1);
  await openPositions(terminal);
  await expect.poll(async () => cell(await positionRow(terminal, limit.symbol), columns.qty)).toMatch(/2/);
  const before = await positionRow(terminal, limit.symbol);

  await terminal.reload();

  await expect(terminal.locator('[data-testid=chart]')).toBeVisible();
  await expect(await working()).toHaveCount(1);
  await openPositions(terminal);
  await expect
    .poll(async () => cell(await positionRow(terminal, limit.symbol), columns.qty))
    .toBe(cell(before, columns.qty));
  expect(cell(await positionRow(terminal, limit.symbol), columns.avg)).toBe(cell(before, columns.avg));
});

test('screenshot of the terminal after a trade (README)', async ({ terminal, host }) => {
  const chart = terminal.locator('[data-testid=chart]');
  await expect.poll(async () => Number(await chart.getAttribute('data-bars'))).toBeGreaterThan(100);
  const limit = await restingBuyPrice(terminal, host);
  await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: limit.text });
  await expect(rowsWithPrice(await openOrders(terminal, 'Working'), limit.pattern)).toContainText(/working/i);
  await expect
    .poll(async () => numbersIn(await chart.getAttribute('data-price-lines')))
    .toContain(limit.price);
  await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^market$/i });
  await openPositions(terminal);
  await expect.poll(async () => cell(await positionRow(terminal, limit.symbol), columns.qty)).toMatch(/1/);
  await terminal.screenshot({ path: screenshotPath('terminal.png'), fullPage: true });
});

test('Flatten cancels the working orders on the symbol and closes the position; Close offers to cancel them', async ({
  terminal,
  host,
}) => {
  const limit = await restingBuyPrice(terminal, host);
  await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: limit.text });
  await expect(rowsWithPrice(await openOrders(terminal, 'Working'), limit.pattern)).toContainText(/working/i);
  await placeOrder(terminal, { side: 'Buy', qty: 2, type: /^market$/i });
  await expect
    .poll(async () => (await host.status()).positions.find((p) => p.symbol === limit.symbol)?.qty)
    .toBe(2);
  const resting = (await host.status()).orders.find((o) => o.price === limit.price && o.status === 'working');
  expect(resting).toBeDefined();

  const positions = await openPositions(terminal);
  // By the symbol cell: a header such as "Fees" would match the text "ES".
  const symbolRows = () =>
    positions
      .getByRole('row')
      .filter({ has: terminal.getByRole('cell', { name: limit.symbol, exact: true }) });
  const row = symbolRows();
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('button', { name: 'Close', exact: true })).toHaveAttribute(
    'title',
    /offers to cancel them in the same action/,
  );
  await row.getByRole('button', { name: 'Flatten', exact: true }).click();

  await expect
    .poll(async () => (await host.status()).orders.find((o) => o.id === resting?.id)?.status)
    .toBe('cancelled');
  await expect
    .poll(async () => (await host.status()).positions.find((p) => p.symbol === limit.symbol)?.qty ?? 0)
    .toBe(0);
  await expect(symbolRows()).toHaveCount(0);
  await expect(rowsWithPrice(await openOrders(terminal, 'Working'), limit.pattern)).toHaveCount(0);
});
