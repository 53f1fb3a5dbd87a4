import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { roundToStep } from '../src/shared/money';
import {
  cell,
  chartSymbol,
  columns,
  expect,
  numbersIn,
  openOrders,
  openPositions,
  placeOrder,
  rowsWithPrice,
  priceText,
  tableRows,
  test,
  type WebHostHandle,
} from './fixtures';

const SCREENSHOT = resolve(import.meta.dirname, '..', 'docs', 'screenshots', 'terminal.png');

/** The chart's symbol, its instrument and a buy-limit price well below the market on its tick grid. */
async function restingBuyPrice(page: Page, host: WebHostHandle) {
  const chart = page.locator('[data-testid=chart]');
  await expect.poll(async () => Number(await chart.getAttribute('data-bars'))).toBeGreaterThan(0);
  const symbol = await chartSymbol(page);
  const snapshot = await host.snapshot();
  const instrument = snapshot.instruments.find((i) => i.symbol === symbol);
  const quote = snapshot.quotes.find((q) => q.symbol === symbol);
  if (instrument === undefined || quote === undefined)
    throw new Error(`no instrument or quote for ${symbol}`);
  const price = roundToStep(quote.bid * 0.99, instrument.tickSize);
  const decimals = instrument.pricePrecision;
  return { symbol, instrument, price, text: price.toFixed(decimals), pattern: priceText(price, decimals) };
}

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
  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await terminal.screenshot({ path: SCREENSHOT, fullPage: true });
});
