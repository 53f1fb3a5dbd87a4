/**
 * Playwright fixtures: a real web host (`node out/main/web.js`) per test, on a random port with a
 * fresh data directory and a fixed market seed, plus helpers that read its state the way scripts
 * do (`GET /status`) or the way the page does (a snapshot over the authenticated WebSocket).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { roundToStep } from '../src/shared/money';
import type { StatusReport } from '../src/shared/status';
import type { Snapshot } from '../src/shared/stream';
import { TOKEN_PARAM, WEB_SOCKET_PATH, type ServerFrame } from '../src/shared/wire';

const ROOT = resolve(import.meta.dirname, '..');
const WEB_HOST = join(ROOT, 'out', 'main', 'web.js');
const URL_LINE = /^Peregrine web UI: (\S+)$/m;
const START_TIMEOUT_MS = 20_000;

/**
 * Where a spec writes its screenshot: `test-results/screenshots/` (ignored by git) on every run,
 * and the tracked `docs/screenshots/` only when UPDATE_SCREENSHOTS=1 asks for a refresh, so that
 * `npm test` never dirties the working tree.
 */
export function screenshotPath(name: string): string {
  const dir =
    process.env.UPDATE_SCREENSHOTS === '1'
      ? join(ROOT, 'docs', 'screenshots')
      : join(ROOT, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

export interface WebHostHandle {
  url: string;
  token: string;
  origin: string;
  port: number;
  /** Everything the host printed to stdout so far. */
  stdout(): string;
  /** Everything the host printed to stderr so far (warnings, what the quit guard left). */
  stderr(): string;
  /** GET /status with the bearer token. */
  status(): Promise<StatusReport>;
  /** A fresh snapshot over the WebSocket, as the page receives it. */
  snapshot(): Promise<Snapshot>;
}

export interface LaunchOptions {
  seed?: number;
  /** Reuse a data directory (a restart); by default a fresh one is made and removed on stop. */
  dataDir?: string;
  /** Extra environment, e.g. PEREGRINE_CONNECTIONS or a keyring session's bus address. */
  env?: Record<string, string>;
}

/** Starts the real built web host and resolves once it has printed its URL line. */
export async function launchWebHost(
  options: LaunchOptions = {},
): Promise<{ handle: WebHostHandle; stop: () => Promise<number | null> }> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'peregrine-e2e-'));
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [WEB_HOST, '--port', '0', '--seed', String(options.seed ?? 42), '--data-dir', dataDir],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  const url = await new Promise<string>((resolveUrl, rejectUrl) => {
    const timer = setTimeout(
      () => rejectUrl(new Error(`web host printed no URL within ${START_TIMEOUT_MS} ms:\n${stderr}`)),
      START_TIMEOUT_MS,
    );
    const onData = (): void => {
      const match = URL_LINE.exec(stdout);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolveUrl(match[1]);
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      rejectUrl(new Error(`web host exited (${code}) before printing its URL:\n${stderr}`));
    });
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get(TOKEN_PARAM) ?? '';
  const origin = parsed.origin;
  const handle: WebHostHandle = {
    url,
    token,
    origin,
    port: Number(parsed.port),
    stdout: () => stdout,
    stderr: () => stderr,
    status: async () => {
      const res = await fetch(`${origin}/status`, { headers: { Authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`GET /status → ${res.status}`);
      return (await res.json()) as StatusReport;
    },
    snapshot: () => readSnapshot(origin, token),
  };
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const code = await exited;
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    return code;
  };
  return { handle, stop };
}

/** Opens the page's WebSocket (own origin, right token) and returns the first frame: the snapshot. */
export function readSnapshot(origin: string, token: string): Promise<Snapshot> {
  const wsUrl = `${origin.replace(/^http/, 'ws')}${WEB_SOCKET_PATH}?${TOKEN_PARAM}=${token}`;
  return new Promise((resolveSnap, rejectSnap) => {
    const ws = new WebSocket(wsUrl, { origin });
    ws.once('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      ws.close();
      if (frame.t === 'stream' && (frame.message as { kind?: string }).kind === 'snapshot') {
        resolveSnap(frame.message as Snapshot);
      } else rejectSnap(new Error(`first frame was not a snapshot: ${String(data).slice(0, 200)}`));
    });
    ws.once('error', rejectSnap);
  });
}

export const test = base.extend<{ hostEnv: Record<string, string>; host: WebHostHandle; terminal: Page }>({
  /** Extra environment for the web host (`test.use({ hostEnv: … })`), e.g. paper broker faults. */
  hostEnv: [{}, { option: true }],
  host: async ({ hostEnv }, use) => {
    const { handle, stop } = await launchWebHost({ env: hostEnv });
    await use(handle);
    // A clean SIGTERM shutdown is part of the contract.
    expect(await stop()).toBe(0);
  },
  /** The terminal page, opened and showing a chart with history. */
  terminal: async ({ page, host }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      // Chromium asks for /favicon.ico on its own; the renderer does not ship one.
      if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico')) errors.push(msg.text());
    });
    await page.goto(host.url);
    await expect(page.locator('[data-testid=chart]')).toBeVisible();
    await use(page);
    // CSP violations and uncaught errors show up here; a clean page has none.
    expect(errors, 'page errors').toEqual([]);
  },
});
export { expect };

// ---- UI helpers: role-based, shared by the specs ----

/** Row objects keyed by header text, for asserting on a whole row at once. */
export async function tableRows(table: Locator): Promise<Record<string, string>[]> {
  return table.evaluate((el) => {
    const headers = [...el.querySelectorAll('th, [role=columnheader]')].map((h) =>
      (h.textContent ?? '').trim(),
    );
    const rows = [...el.querySelectorAll('tr, [role=row]')].filter(
      (r) => r.querySelector('th, [role=columnheader]') === null,
    );
    return rows.map((r) => {
      const cells = [...r.querySelectorAll('td, [role=cell], [role=gridcell], [role=rowheader]')];
      return Object.fromEntries(headers.map((h, i) => [h, (cells[i]?.textContent ?? '').trim()]));
    });
  });
}

/** Parses a displayed number such as "+$1,234.50", "−12.5" or "(3)". */
export function parseDisplayed(text: string): number {
  const negative = /^[-−(]/.test(text.trim()) || /-\$/.test(text);
  const digits = text.replace(/[^0-9.]/g, '');
  const value = Number(digits);
  return negative ? -value : value;
}

/** Every number in an attribute like data-price-lines (JSON array, CSV, or space separated). */
export function numbersIn(attribute: string | null): number[] {
  return (attribute ?? '').match(/-?\d+(?:\.\d+)?/g)?.map(Number) ?? [];
}

export async function chooseOption(select: Locator, label: RegExp): Promise<void> {
  const value = await select.evaluate(
    (el, source) => {
      const re = new RegExp(source.pattern, source.flags);
      const options = [...(el as HTMLSelectElement).options];
      return options.find((o) => re.test(o.textContent ?? '') || re.test(o.value))?.value ?? null;
    },
    { pattern: label.source, flags: label.flags },
  );
  if (value === null) throw new Error(`no option matching ${label}`);
  await select.selectOption(value);
}

/** The order ticket's quantity field, whether rendered as a textbox or a spinbutton. */
export function quantityField(page: Page): Locator {
  return page
    .getByRole('spinbutton', { name: 'Quantity' })
    .or(page.getByRole('textbox', { name: 'Quantity' }))
    .first();
}

export function limitPriceField(page: Page): Locator {
  return page
    .getByRole('spinbutton', { name: 'Limit price' })
    .or(page.getByRole('textbox', { name: 'Limit price' }))
    .first();
}

/** Matches a table cell that shows exactly `price`, with or without thousands separators. */
export function priceText(price: number, decimals: number): RegExp {
  const [int = '', frac] = price.toFixed(decimals).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',?');
  return new RegExp(`^${grouped}${frac === undefined ? '' : `\\.${frac}`}$`);
}

/** Rows of `table` with a cell showing exactly `price` (see `priceText`). */
export function rowsWithPrice(table: Locator, price: RegExp): Locator {
  return table.getByRole('row').filter({ has: table.page().getByRole('cell', { name: price }) });
}

/** The value in `row` (from `tableRows`) of the first column whose header matches `header`. */
export function cell(row: Record<string, string> | undefined, header: RegExp): string | undefined {
  if (row === undefined) return undefined;
  const key = Object.keys(row).find((k) => header.test(k));
  return key === undefined ? undefined : row[key];
}

export const columns = {
  symbol: /^(symbol|instrument|sym)/i,
  qty: /^(qty|quantity|size|position|net qty|pos)$/i,
  avg: /^(avg|average|avg\.? ?price|entry|avg cost)/i,
  /** The price a position is marked at (mid or last): not the watchlist's last trade. */
  mark: /^mark$/i,
  unrealized: /unreal|open p&?l|u\.?p&?l/i,
  realized: /^realized$/i,
  fees: /^fees?$/i,
  account: /^account$/i,
  status: /^status$/i,
};

/** Brings a bottom-panel tab (Positions, Orders, Fills, Connections) to the front. */
export async function showTab(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('tab', { name, exact: true });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

/**
 * Whether at least five rows show a bid size and five an ask size, and all bid sizes sit at or
 * below every ask size's row (the book is not crossed).
 */
export async function bookSides(
  ladder: Locator,
): Promise<{ bids: boolean; asks: boolean; ordered: boolean }> {
  return ladder.evaluate((el) => {
    const prices = (side: string) =>
      [...el.querySelectorAll<HTMLElement>('.ladder-row')]
        .filter((r) => (r.querySelector(`.cell.${side}`)?.textContent ?? '').trim() !== '')
        .map((r) => Number(r.dataset.price));
    const bids = prices('bid');
    const asks = prices('ask');
    return {
      bids: bids.length >= 5,
      asks: asks.length >= 5,
      ordered: bids.length > 0 && asks.length > 0 && Math.max(...bids) < Math.min(...asks),
    };
  });
}

/** The positions table, brought into view. */
export async function openPositions(page: Page): Promise<Locator> {
  await showTab(page, 'Positions');
  return page.getByRole('table', { name: 'Positions' });
}

/** The working or done orders table, brought into view. */
export async function openOrders(page: Page, view: 'Working' | 'Done'): Promise<Locator> {
  await showTab(page, 'Orders');
  const toggle = page
    .getByRole('group', { name: 'Order view' })
    .getByRole('button', { name: new RegExp(`^${view}`) });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  return page.getByRole('table', { name: `${view} orders` });
}

/** The symbol the chart (and so the ticket) shows, once the chart has one. */
export async function chartSymbol(page: Page): Promise<string> {
  const chart = page.locator('[data-testid=chart]');
  await expect(chart).toHaveAttribute('data-symbol', /\S/);
  return (await chart.getAttribute('data-symbol')) ?? '';
}

export function orderTypeSelect(page: Page): Locator {
  return page.getByRole('combobox', { name: 'Order type' });
}

/** The chart's symbol, its instrument and a buy-limit price well below the market on its tick grid. */
export async function restingBuyPrice(page: Page, host: WebHostHandle) {
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

/** Places an order through the ticket exactly as a trader would. */
export async function placeOrder(
  page: Page,
  order: { side: 'Buy' | 'Sell'; qty: number; type: RegExp; limitPrice?: string },
): Promise<void> {
  await chooseOption(orderTypeSelect(page), order.type);
  await quantityField(page).fill(String(order.qty));
  if (order.limitPrice !== undefined) await limitPriceField(page).fill(order.limitPrice);
  await page.getByRole('button', { name: order.side, exact: true }).click();
}

/**
 * Puts a symbol on the watchlist (and on the chart) through the instrument search (Ctrl+K), its
 * listing on `connectionId` when given, else the first listing of exactly that symbol.
 */
export async function addFromSearch(page: Page, symbol: string, connectionId?: string): Promise<void> {
  await page.keyboard.press('Control+K');
  const search = page.getByRole('dialog', { name: 'Search instruments' });
  await search.getByRole('combobox', { name: 'Search instruments' }).fill(symbol);
  const option =
    connectionId === undefined
      ? search
          .getByRole('option')
          .filter({ has: page.locator('.search-symbol').getByText(symbol, { exact: true }) })
      : search.locator(`[role=option][data-listing="${connectionId}:${symbol}"]`);
  await option.first().click();
  await expect(search).toHaveCount(0);
}
