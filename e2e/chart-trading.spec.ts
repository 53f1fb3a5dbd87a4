/**
 * Trading from the chart through the web host: an Alt+click places a limit (after its
 * confirmation), dragging its line moves it, a working order far from the market stays visible
 * as an edge marker; the legend follows the crosshair, scrolling back loads older bars, each
 * symbol keeps its own zoom, and the seconds / 4h / 1D timeframes load.
 */
import type { Locator, Page } from '@playwright/test';
import { roundToStep } from '../src/shared/money';
import {
  chartSymbol,
  chooseOption,
  expect,
  limitPriceField,
  orderTypeSelect,
  placeOrder,
  quantityField,
  screenshotPath,
  test,
  type WebHostHandle,
} from './fixtures';

interface DragLine {
  key: string;
  price: number;
  y: number | null;
}

interface Marker {
  key: string;
  edge: 'top' | 'bottom';
  label: string;
}

const json = async <T>(chart: Locator, name: string): Promise<T> =>
  JSON.parse((await chart.getAttribute(name)) ?? '[]') as T;

async function chartReady(page: Page): Promise<Locator> {
  const chart = page.locator('[data-testid=chart]');
  await expect(chart).toHaveAttribute('data-loading', 'false');
  await expect.poll(async () => Number(await chart.getAttribute('data-bars'))).toBeGreaterThan(100);
  return chart;
}

async function box(chart: Locator) {
  const b = await chart.boundingBox();
  if (b === null) throw new Error('chart not laid out');
  return b;
}

/** The working orders on `symbol`, from the engine. */
async function working(host: WebHostHandle, symbol: string) {
  return (await host.status()).orders.filter(
    (o) => o.symbol === symbol && (o.status === 'working' || o.status === 'pending'),
  );
}

/** Alt+click low on the chart (below every candle, so below the market) and send the buy limit. */
async function altClickBuyLimit(page: Page, chart: Locator): Promise<void> {
  const b = await box(chart);
  await page.keyboard.down('Alt');
  await page.mouse.click(b.x + b.width * 0.4, b.y + b.height * 0.82);
  await page.keyboard.up('Alt');
  const pop = page.getByTestId('chart-place');
  await expect(pop).toContainText(/Buy 2 \S+ limit @ [\d,]+\.\d+/);
  await page.screenshot({ path: screenshotPath('chart-place-1280x720.png') });
  await pop.getByRole('button', { name: /place buy limit/i }).click();
  await expect(pop).toHaveCount(0);
}

test('an Alt+click places a limit, dragging its line moves it, a far order is an edge marker', async ({
  terminal,
  host,
}) => {
  await terminal.setViewportSize({ width: 1280, height: 720 });
  const chart = await chartReady(terminal);
  const symbol = await chartSymbol(terminal);
  // The chart order takes the ticket's size.
  await quantityField(terminal).fill('2');
  await altClickBuyLimit(terminal, chart);
  await expect.poll(async () => (await working(host, symbol)).length).toBe(1);
  const [placed] = await working(host, symbol);
  if (placed?.price === null || placed === undefined) throw new Error('no limit placed');
  expect(placed).toMatchObject({ side: 'buy', type: 'limit', qty: 2 });
  const snap = await host.snapshot();
  const inst = snap.instruments.find((i) => i.symbol === symbol);
  const quote = snap.quotes.find((q) => q.symbol === symbol);
  if (inst === undefined || quote === undefined) throw new Error('no instrument');
  expect(placed.price).toBeLessThan(quote.ask);
  expect(roundToStep(placed.price, inst.tickSize)).toBe(placed.price);

  // Its line, as drawn, then dragged down 30 px like a trader would.
  let line: DragLine | undefined;
  await expect
    .poll(async () => {
      line = (await json<DragLine[]>(chart, 'data-drag-lines')).find((l) => l.key === `${placed.id}:lmt`);
      return line?.y ?? null;
    })
    .not.toBeNull();
  const b = await box(chart);
  const x = b.x + b.width / 2;
  const y = b.y + (line?.y ?? 0);
  await terminal.mouse.move(x, y);
  await terminal.mouse.down();
  await terminal.mouse.move(x, y + 15, { steps: 5 });
  await terminal.mouse.move(x, y + 30, { steps: 5 });
  await terminal.mouse.up();
  await expect
    .poll(async () => (await host.status()).orders.find((o) => o.id === placed.id)?.price ?? null)
    .toBeLessThan(placed.price);
  const moved = (await host.status()).orders.find((o) => o.id === placed.id);
  expect(moved?.status).toBe('working');
  expect(roundToStep(moved?.price ?? 0, inst.tickSize)).toBe(moved?.price);

  // A buy limit 8 % under the market is far below anything on screen: an edge marker shows it.
  const far = roundToStep(quote.bid * 0.92, inst.tickSize);
  await placeOrder(terminal, {
    side: 'Buy',
    qty: 1,
    type: /^limit$/i,
    limitPrice: far.toFixed(inst.pricePrecision),
  });
  await expect.poll(async () => (await working(host, symbol)).length).toBe(2);
  const farOrder = (await working(host, symbol)).find((o) => o.price === far);
  if (farOrder === undefined) throw new Error('far order not working');
  await expect
    .poll(async () =>
      (await json<Marker[]>(chart, 'data-edge-markers')).find((m) => m.key === `${farOrder.id}:lmt`),
    )
    .toMatchObject({ edge: 'bottom', label: expect.stringMatching(/^▼ BUY 1 LMT [\d,]+\.\d+$/) as unknown });
  const marker = chart.locator('.chart-edge-marker.bottom', { hasText: 'BUY 1 LMT' });
  await expect(marker).toBeVisible();
  await expect(marker).toContainText(
    far.toLocaleString('en-US', { minimumFractionDigits: inst.pricePrecision }),
  );

  // A market buy: the position line carries quantity and open P&L.
  await placeOrder(terminal, { side: 'Buy', qty: 2, type: /^market$/i });
  await expect
    .poll(async () => (await host.status()).positions.find((p) => p.symbol === symbol)?.qty)
    .toBe(2);

  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    await terminal.setViewportSize({ width: w, height: h });
    await expect
      .poll(async () =>
        (await json<Marker[]>(chart, 'data-edge-markers')).some((m) => m.key === `${farOrder.id}:lmt`),
      )
      .toBe(true);
    await terminal.screenshot({ path: screenshotPath(`chart-trading-${w}x${h}.png`) });
  }
});

test('the legend follows the crosshair, scrolling back loads older bars, zoom is per symbol, timeframes load', async ({
  terminal,
}) => {
  const chart = await chartReady(terminal);
  const legend = terminal.locator('.chart-legend');
  const b = await box(chart);

  // Off the chart the legend shows the last bar; over an older bar, that bar.
  await terminal.mouse.move(b.x + b.width * 0.3, b.y + b.height / 2);
  await expect
    .poll(async () => Number(await chart.getAttribute('data-legend-time')))
    .toBeLessThan(Number(await chart.getAttribute('data-last-time')));
  await expect(legend).toContainText(/O [\d,]+\.\d+/);
  await expect(legend).toContainText(/V [\d,.]+$/);
  await terminal.mouse.move(b.x + b.width / 2, b.y - 40);
  await expect
    .poll(
      async () =>
        (await chart.getAttribute('data-legend-time')) === (await chart.getAttribute('data-last-time')),
    )
    .toBe(true);

  // Zoomed out, then dragged back past the first page: the chart asks for older bars and grows.
  const first = Number(await chart.getAttribute('data-bars'));
  await terminal.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  for (let i = 0; i < 10; i++) await terminal.mouse.wheel(0, 400);
  for (let i = 0; i < 10 && Number(await chart.getAttribute('data-bars')) <= first; i++) {
    await terminal.mouse.move(b.x + b.width * 0.1, b.y + b.height / 2);
    await terminal.mouse.down();
    await terminal.mouse.move(b.x + b.width * 0.9, b.y + b.height / 2, { steps: 8 });
    await terminal.mouse.up();
  }
  await expect.poll(async () => Number(await chart.getAttribute('data-bars'))).toBeGreaterThan(first);
  const zoomed = Number(await chart.getAttribute('data-bar-spacing'));
  expect(zoomed).toBeLessThan(6);

  // Another symbol opens fitted; coming back restores this one's zoom.
  const symbol = await chartSymbol(terminal);
  const watchlist = terminal.getByRole('table', { name: 'Watchlist' });
  const other = watchlist.locator(`[role=row][data-symbol]:not([data-symbol="${symbol}"])`).first();
  const otherSymbol = (await other.getAttribute('data-symbol')) ?? '';
  expect(otherSymbol).not.toBe(symbol);
  await other.click();
  await expect(chart).toHaveAttribute('data-symbol', otherSymbol);
  await expect(chart).toHaveAttribute('data-loading', 'false');
  await expect(chart).toHaveAttribute('data-bar-spacing', '6');
  await watchlist.locator(`[role=row][data-symbol="${symbol}"]`).click();
  await expect(chart).toHaveAttribute('data-symbol', symbol);
  await expect(chart).toHaveAttribute('data-loading', 'false');
  await expect.poll(async () => Number(await chart.getAttribute('data-bar-spacing'))).toBeCloseTo(zoomed, 3);

  const timeframe = terminal.getByRole('group', { name: 'Timeframe' });
  for (const tf of ['4h', '1D'] as const) {
    await timeframe.getByRole('button', { name: tf, exact: true }).click();
    await expect(chart).toHaveAttribute('data-timeframe', tf);
    await expect(chart).toHaveAttribute('data-loading', 'false');
    await expect.poll(async () => Number(await chart.getAttribute('data-bars'))).toBeGreaterThan(0);
  }
  // Five generated days are a handful of daily bars: scrolling back says there is nothing older.
  await expect(chart).toHaveAttribute('data-older', 'none');
  await expect(chart.locator('.chart-older-note')).toContainText(/no older/i);
  await timeframe.getByRole('button', { name: '5s', exact: true }).click();
  await expect(chart).toHaveAttribute('data-timeframe', '5s');
  await expect(chart).toHaveAttribute('data-loading', 'false');
  await expect.poll(async () => Number(await chart.getAttribute('data-bars'))).toBeGreaterThan(0);
  await expect(terminal.locator('.chart-error')).toHaveCount(0);
});

test('a stop-limit is one line with both prices, and dragging it moves stop and limit together', async ({
  terminal,
  host,
}) => {
  const chart = await chartReady(terminal);
  const symbol = await chartSymbol(terminal);
  const snap = await host.snapshot();
  const inst = snap.instruments.find((i) => i.symbol === symbol);
  const quote = snap.quotes.find((q) => q.symbol === symbol);
  if (inst === undefined || quote === undefined) throw new Error('no instrument');
  // A sell stop a little under the market, its limit two ticks below the stop: on screen.
  const stop = roundToStep(quote.bid * 0.999, inst.tickSize);
  const limit = roundToStep(stop - 2 * inst.tickSize, inst.tickSize);
  await chooseOption(orderTypeSelect(terminal), /^stop limit$/i);
  await quantityField(terminal).fill('1');
  await limitPriceField(terminal).fill(limit.toFixed(inst.pricePrecision));
  await terminal.getByRole('textbox', { name: 'Stop price' }).fill(stop.toFixed(inst.pricePrecision));
  await terminal.getByRole('button', { name: 'Sell', exact: true }).click();
  await expect.poll(async () => (await working(host, symbol)).length).toBe(1);
  const [placed] = await working(host, symbol);
  if (placed === undefined) throw new Error('not placed');

  let lines: DragLine[] = [];
  await expect
    .poll(async () => {
      lines = (await json<DragLine[]>(chart, 'data-drag-lines')).filter((l) => l.key.startsWith(placed.id));
      return lines.map((l) => l.key);
    })
    .toEqual([`${placed.id}:stp`]);
  const grouped = (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: inst.pricePrecision });
  expect((lines[0] as DragLine & { title: string }).title).toBe(`SELL 1 STP LMT ${grouped(limit)}`);
  const line = lines[0];
  if (line?.y === null || line === undefined) throw new Error('line not drawn');
  const b = await box(chart);
  const x = b.x + b.width / 2;
  await terminal.mouse.move(x, b.y + line.y);
  await terminal.mouse.down();
  await terminal.mouse.move(x, b.y + line.y + 12, { steps: 4 });
  await terminal.mouse.move(x, b.y + line.y + 24, { steps: 4 });
  await terminal.mouse.up();
  await expect
    .poll(async () => (await host.status()).orders.find((o) => o.id === placed.id)?.stopPrice ?? stop)
    .toBeLessThan(stop);
  const moved = (await host.status()).orders.find((o) => o.id === placed.id);
  // The limit kept its two ticks below the stop.
  expect(roundToStep((moved?.stopPrice ?? 0) - (moved?.price ?? 0), inst.tickSize)).toBe(
    roundToStep(2 * inst.tickSize, inst.tickSize),
  );
});

test('an Alt+Shift+click above the market places a buy stop; Escape dismisses without sending', async ({
  terminal,
  host,
}) => {
  const chart = await chartReady(terminal);
  const symbol = await chartSymbol(terminal);
  const b = await box(chart);
  const pop = terminal.getByTestId('chart-place');
  // A plain Alt+click up there is a sell limit (it rests above the market); Escape sends nothing.
  await terminal.keyboard.down('Alt');
  await terminal.mouse.click(b.x + b.width * 0.3, b.y + b.height * 0.05);
  await terminal.keyboard.up('Alt');
  await expect(pop).toContainText(/Sell 1 \S+ limit/);
  await terminal.keyboard.press('Escape');
  await expect(pop).toHaveCount(0);
  // Above every candle, with Shift: a buy stop, sent with Enter from the focused Place button.
  await terminal.keyboard.down('Alt');
  await terminal.keyboard.down('Shift');
  await terminal.mouse.click(b.x + b.width * 0.3, b.y + b.height * 0.05);
  await terminal.keyboard.up('Shift');
  await terminal.keyboard.up('Alt');
  await expect(pop).toContainText(/Buy 1 \S+ stop @ [\d,]+\.\d+/);
  await expect(pop.getByRole('button', { name: /place buy stop/i })).toBeFocused();
  await terminal.keyboard.press('Enter');
  await expect(pop).toHaveCount(0);
  await expect.poll(async () => (await working(host, symbol)).length).toBe(1);
  const [stop] = await working(host, symbol);
  const quote = (await host.snapshot()).quotes.find((q) => q.symbol === symbol);
  expect(stop).toMatchObject({ side: 'buy', type: 'stop', qty: 1 });
  expect(stop?.stopPrice ?? 0).toBeGreaterThan(quote?.ask ?? Infinity);
});
