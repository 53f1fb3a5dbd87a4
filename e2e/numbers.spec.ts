/**
 * Every number on screen true and readable (issue 15, item 1), through the real web host: on the
 * paper broker every price the watchlist, positions and orders show sits on its instrument's tick
 * (or is a mid labelled as one) at the tick's decimals, quantities sit on their step, figures of
 * 1,000 and more are grouped, no status reaches the page as a raw enum (`partially_filled`), and
 * the watchlist's flash is short. With three accounts, the top bar's total is the sum of the
 * accounts and stays in view at 1280×720.
 */
import type { Locator, Page } from '@playwright/test';
import { DEMO_SESSION, PortfolioStreamSim } from '../sim/portfolio-stream/server';
import { decimalsOf, isOnTick, roundToStep } from '../src/shared/money';
import type { Instrument } from '../src/shared/domain';
import {
  cell,
  columns,
  expect,
  launchWebHost,
  openOrders,
  openPositions,
  parseDisplayed,
  placeOrder,
  screenshotPath,
  showTab,
  tableRows,
  test,
  type WebHostHandle,
} from './fixtures';

/** A number as the terminal must show it: digits grouped by three, then the decimals. */
const GROUPED = /^[-+]?\d{1,3}(,\d{3})*(\.\d+)?$/;

/** Checks one shown price against its listing: grouped, at the tick's decimals, on the tick. */
function expectPrice(text: string | undefined, inst: Instrument, where: string): void {
  const t = (text ?? '').trim();
  if (t === '—') return;
  expect(t, `${where}: grouped`).toMatch(GROUPED);
  const decimals = t.includes('.') ? (t.split('.')[1]?.length ?? 0) : 0;
  expect(decimals, `${where}: decimals of the tick`).toBe(
    Math.max(inst.pricePrecision, decimalsOf(inst.tickSize)),
  );
  const value = parseDisplayed(t);
  expect(isOnTick(value, inst.tickSize), `${where}: ${t} on the ${inst.tickSize} tick`).toBe(true);
}

function expectQty(text: string | undefined, inst: Instrument, where: string): void {
  const t = (text ?? '').trim();
  expect(t, `${where}: grouped`).toMatch(GROUPED);
  const decimals = t.includes('.') ? (t.split('.')[1]?.length ?? 0) : 0;
  expect(decimals, `${where}: decimals of the step`).toBe(decimalsOf(inst.qtyStep));
  expect(isOnTick(Math.abs(parseDisplayed(t)), inst.qtyStep), `${where}: ${t} on the step`).toBe(true);
}

async function instrumentsOf(host: WebHostHandle): Promise<Map<string, Instrument>> {
  const snap = await host.snapshot();
  return new Map(snap.instruments.map((i) => [`${i.connectionId}:${i.symbol}`, i]));
}

function watchlistRow(page: Page, symbol: string): Locator {
  return page
    .getByRole('table', { name: 'Watchlist' })
    .locator(`[role=row][data-symbol="${symbol}"]`)
    .first();
}

/** Puts `symbol` on the chart (and so in the ticket) by clicking its watchlist row. */
async function focusSymbol(page: Page, symbol: string): Promise<void> {
  await watchlistRow(page, symbol).click();
  await expect(page.locator('[data-testid=chart]')).toHaveAttribute('data-symbol', symbol);
}

/** A limit price `fraction` of the way below the bid, on the tick grid. */
async function priceBelow(host: WebHostHandle, inst: Instrument, fraction: number): Promise<number> {
  const quote = (await host.snapshot()).quotes.find(
    (q) => q.connectionId === inst.connectionId && q.symbol === inst.symbol,
  );
  if (quote === undefined) throw new Error(`no quote for ${inst.symbol}`);
  return roundToStep(quote.bid * (1 - fraction), inst.tickSize);
}

/** Every visible text of the page with a snake_case word in it (a raw enum such as `partially_filled`). */
async function snakeWords(page: Page): Promise<string[]> {
  return page.evaluate(() => document.body.innerText.match(/\b[a-z]+_[a-z_]+\b/g) ?? []);
}

test('paper: prices on the tick, quantities on the step, grouped, statuses in words, a short flash', async ({
  terminal,
  host,
}) => {
  test.setTimeout(90_000);
  const listings = await instrumentsOf(host);
  const paper = (symbol: string): Instrument => {
    const i = listings.get(`paper:${symbol}`);
    if (i === undefined) throw new Error(`paper lists no ${symbol}`);
    return i;
  };
  const es = paper('ES');
  const btc = paper('BTC-USD');
  const nvda = paper('NVDA');
  expect(es.tickSize).toBe(0.25);
  expect(btc.qtyStep).toBe(0.0001);

  // A futures position, a fractional crypto position, and resting orders with prices and sizes ≥ 1,000.
  await focusSymbol(terminal, 'ES');
  await placeOrder(terminal, { side: 'Buy', qty: 2, type: /^market$/i });
  const esLimit = await priceBelow(host, es, 0.1);
  await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^limit$/i, limitPrice: String(esLimit) });
  await focusSymbol(terminal, 'BTC-USD');
  await placeOrder(terminal, { side: 'Buy', qty: 0.015, type: /^market$/i });
  await focusSymbol(terminal, 'NVDA');
  const nvdaLimit = await priceBelow(host, nvda, 0.5);
  await placeOrder(terminal, { side: 'Buy', qty: 1000, type: /^limit$/i, limitPrice: String(nvdaLimit) });
  await expect
    .poll(async () => {
      const s = await host.status();
      return {
        positions: s.positions
          .filter((p) => p.qty !== 0)
          .map((p) => p.symbol)
          .sort(),
        working: s.orders
          .filter((o) => o.status === 'working')
          .map((o) => o.symbol)
          .sort(),
      };
    })
    .toEqual({ positions: ['BTC-USD', 'ES'], working: ['ES', 'NVDA'] });

  // Watchlist: every last price on its tick, at the tick's decimals, grouped.
  const watch = await terminal
    .getByRole('table', { name: 'Watchlist' })
    .locator('[role=row][data-listing]')
    .evaluateAll((rows) =>
      rows.map((r) => ({
        listing: r.getAttribute('data-listing') ?? '',
        last: (r.querySelectorAll('[role=cell]')[1]?.textContent ?? '').trim(),
      })),
    );
  expect(watch.length).toBe(listings.size);
  for (const row of watch) {
    const inst = [...listings.values()].find((i) => row.listing.endsWith(i.symbol));
    if (inst === undefined) throw new Error(`no listing for ${row.listing}`);
    expectPrice(row.last, inst, `watchlist ${inst.symbol}`);
  }
  expect(watch.find((r) => r.listing.endsWith('BTC-USD'))?.last).toMatch(/^\d{2},\d{3}\.\d{2}$/);

  // Positions: quantity at the step, average on the tick, mark on the tick or labelled "mid".
  const positions = await openPositions(terminal);
  await expect(positions.getByRole('row').filter({ hasText: 'BTC-USD' })).toHaveCount(1);
  for (const row of await tableRows(positions)) {
    const symbol = cell(row, columns.symbol) ?? '';
    const inst = paper(symbol);
    expectQty(cell(row, columns.qty)?.replace(/^\+/, ''), inst, `position ${symbol} qty`);
    expectPrice(cell(row, columns.avg), inst, `position ${symbol} avg`);
    const mark = cell(row, columns.mark) ?? '';
    if (mark.endsWith('mid')) {
      const value = parseDisplayed(mark.replace(/\s*mid$/, ''));
      expect(isOnTick(value, inst.tickSize / 2), `${symbol} mid ${mark} on the half tick`).toBe(true);
    } else expectPrice(mark, inst, `position ${symbol} mark`);
    const ticks = cell(row, /^ticks$/i) ?? '';
    if (inst.assetClass === 'future') expect(ticks, `${symbol} P&L in ticks`).toMatch(/^[-+]?[\d,]+(\.5)?$/);
    else expect(ticks).toBe('—');
  }
  expect(
    cell(
      (await tableRows(positions)).find((r) => r.Symbol === 'BTC-USD'),
      columns.qty,
    ),
  ).toBe('+0.0150');

  // Working orders: limit prices on the tick and grouped, quantities grouped.
  const working = await openOrders(terminal, 'Working');
  const orderRows = await tableRows(working);
  expect(orderRows).toHaveLength(2);
  for (const row of orderRows) {
    const symbol = cell(row, columns.symbol) ?? '';
    const inst = paper(symbol);
    expectPrice(cell(row, /^limit$/i), inst, `order ${symbol} limit`);
    expectQty(cell(row, columns.qty), inst, `order ${symbol} qty`);
    expect(cell(row, columns.status)).toBe('Working');
  }
  expect(orderRows.find((r) => r.Symbol === 'NVDA')?.Qty).toBe('1,000');
  expect(orderRows.find((r) => r.Symbol === 'ES')?.Limit).toMatch(/^\d,\d{3}\.\d{2}$/);

  // No raw enum reaches the page, whichever table is in front.
  expect(await snakeWords(terminal)).toEqual([]);
  await openOrders(terminal, 'Done');
  expect(await snakeWords(terminal)).toEqual([]);
  for (const tab of ['Fills', 'Connections', 'Positions']) {
    await showTab(terminal, tab);
    expect(await snakeWords(terminal), tab).toEqual([]);
  }

  // A watchlist flash lasts a third of a second: it marks a change, it does not blur the next one.
  const flash = terminal.locator('.wl-row .flash-up, .wl-row .flash-down').first();
  await expect(flash).toBeAttached({ timeout: 20_000 });
  expect(await flash.evaluate((el) => getComputedStyle(el).animationDuration)).toBe('0.35s');
});

test('three accounts: the top bar totals equity and day P&L, in view at 1280×720', async ({ page }) => {
  test.setTimeout(90_000);
  const sim = new PortfolioStreamSim({
    sessions: { [DEMO_SESSION]: 'user-one', 'numbers-session-0002': 'user-two' },
    batchIntervalMs: 250,
  });
  const gateway = await sim.start();
  const connections = ['one', 'two'].map((n, i) => ({
    kind: 'portfolio-stream',
    id: `gw-${n}`,
    label: `Gateway ${n}`,
    url: gateway.url,
    sessionCookieEnv: `PEREGRINE_E2E_SESSION_${i}`,
  }));
  const { handle: host, stop } = await launchWebHost({
    env: {
      PEREGRINE_CONNECTIONS: JSON.stringify(connections),
      PEREGRINE_E2E_SESSION_0: DEMO_SESSION,
      PEREGRINE_E2E_SESSION_1: 'numbers-session-0002',
    },
  });
  try {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(host.url);
    await expect(page.locator('[data-testid=chart]')).toHaveAttribute('data-bars', /[1-9]/);
    const accounts = page.locator('.accounts .acct');
    await expect(accounts).toHaveCount(3, { timeout: 30_000 });

    // Something to look at in the screenshots: an ES position and a resting order far below.
    await focusSymbol(page, 'ES');
    await placeOrder(page, { side: 'Buy', qty: 1, type: /^market$/i });
    const es = (await instrumentsOf(host)).get('paper:ES');
    if (es === undefined) throw new Error('paper lists no ES');
    await placeOrder(page, {
      side: 'Sell',
      qty: 2,
      type: /^limit$/i,
      limitPrice: String(await priceBelow(host, es, -0.05)),
    });
    await openPositions(page);
    await expect(
      page.getByRole('table', { name: 'Positions' }).getByRole('row').filter({ hasText: 'ES' }),
    ).not.toHaveCount(0);

    // One instant of the page: the shown total is the sum of the shown accounts (each rounded to
    // the cent, so within half a cent per account).
    const read = () =>
      page.evaluate(() => {
        const figure = (root: Element, name: string) =>
          root.querySelector(`[data-figure=${name}]`)?.textContent ?? '';
        const rows = [...document.querySelectorAll('.accounts .acct')].map((a) => ({
          equity: figure(a, 'equity'),
          day: figure(a, 'day-pnl'),
        }));
        const totals = [...document.querySelectorAll('[data-total-currency]')].map((t) => ({
          currency: t.getAttribute('data-total-currency'),
          equity: figure(t, 'equity'),
          day: figure(t, 'day-pnl'),
        }));
        return { rows, totals };
      });
    const shown = await read();
    expect(shown.totals.map((t) => t.currency)).toEqual(['USD']);
    const total = shown.totals[0];
    const sum = (k: 'equity' | 'day') => shown.rows.reduce((s, r) => s + parseDisplayed(r[k]), 0);
    const slack = 0.005 * shown.rows.length + 1e-9;
    expect(Math.abs(parseDisplayed(total?.equity ?? '') - sum('equity'))).toBeLessThanOrEqual(slack);
    expect(Math.abs(parseDisplayed(total?.day ?? '') - sum('day'))).toBeLessThanOrEqual(slack);
    for (const r of [...shown.rows, ...shown.totals])
      expect(r.equity.replace(/^[-+]?\$/, '')).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);

    // At 1280×720 and 1920×1080 the total is whole and on screen. Accounts that do not fit beside
    // it scroll in their strip (the hidden edge fades) or, on a narrow screen, live in the
    // "3 accounts" drop-down, where every figure is whole.
    for (const viewport of [
      { width: 1280, height: 720 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(viewport);
      for (const fig of await page.locator('.acct-totals [data-figure]').all()) {
        expect(await fig.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
        await expect(fig).toBeInViewport({ ratio: 1 });
      }
      const strip = page.locator('.topbar .accounts');
      if (await strip.isVisible()) {
        const overflows = await strip.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
        if (overflows) await expect(strip).toHaveAttribute('data-more', 'end');
        else await expect(strip).not.toHaveAttribute('data-more', /./);
      } else expect(viewport.width).toBeLessThan(1500);
      await page.screenshot({ path: screenshotPath(`numbers-${viewport.width}.png`) });

      await page.getByRole('button', { name: '3 accounts' }).click();
      const menu = page.getByRole('region', { name: 'Accounts' });
      await expect(menu.locator('.acct')).toHaveCount(3);
      for (const fig of await menu.locator('[data-figure]').all())
        await expect(fig).toBeInViewport({ ratio: 1 });
      if (viewport.width === 1280)
        await page.screenshot({ path: screenshotPath('numbers-1280-accounts.png') });
      await page.keyboard.press('Escape');
      await expect(menu).toHaveCount(0);
    }
  } finally {
    expect(await stop()).toBe(0);
    await sim.stop();
  }
});
