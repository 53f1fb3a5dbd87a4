/**
 * What the trader arranges survives a restart: the watchlist's symbols and order, the chart's
 * symbol and timeframe, the bottom tab. Two launches of the real web host on one data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { addFromSearch, expect, launchWebHost, showTab, test } from './fixtures';

/** Symbols of the watchlist rows, top to bottom. */
async function watchlistSymbols(page: Page): Promise<string[]> {
  return page
    .getByRole('table', { name: 'Watchlist' })
    .locator('[role=row][data-symbol]')
    .evaluateAll((rows) =>
      rows
        .map((r) => ({
          symbol: r.getAttribute('data-symbol') ?? '',
          index: Number(r.getAttribute('aria-rowindex')),
        }))
        .sort((a, b) => a.index - b.index)
        .map((r) => r.symbol),
    );
}

async function openTerminal(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('[data-workspace]')).not.toHaveAttribute('data-workspace', 'loading');
  await expect(
    page.getByRole('table', { name: 'Watchlist' }).locator('[role=row][data-symbol]').first(),
  ).toBeVisible();
}

test('watchlist, chart and bottom tab are the same after a restart', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-e2e-workspace-'));
  let host = await launchWebHost({ dataDir });
  try {
    await openTerminal(page, host.handle.url);
    const chart = page.locator('[data-testid=chart]');
    const app = page.locator('[data-workspace]');
    // A fresh data dir: every paper instrument, nothing saved yet.
    const initial = await watchlistSymbols(page);
    expect(initial).toEqual(expect.arrayContaining(['ES', 'NQ', 'AAPL']));
    await expect(app).toHaveAttribute('data-workspace', 'idle');

    const removed = 'AAPL';
    await page.getByRole('button', { name: `Remove ${removed}` }).click();
    await expect(
      page.getByRole('table', { name: 'Watchlist' }).locator(`[data-symbol="${removed}"]`),
    ).toHaveCount(0);
    const expected = initial.filter((s) => s !== removed);
    expect(await watchlistSymbols(page)).toEqual(expected);

    await page.getByRole('table', { name: 'Watchlist' }).locator('[data-symbol="NQ"]').click();
    await page
      .getByRole('group', { name: 'Timeframe' })
      .getByRole('button', { name: '5m', exact: true })
      .click();
    await expect(chart).toHaveAttribute('data-symbol', 'NQ');
    await expect(chart).toHaveAttribute('data-timeframe', '5m');
    await showTab(page, 'Fills');
    // Written through the debounce to the settings file before the host goes away.
    await expect(app).toHaveAttribute('data-workspace', 'saved');

    expect(await host.stop()).toBe(0);
    host = await launchWebHost({ dataDir });
    await openTerminal(page, host.handle.url);

    await expect.poll(() => watchlistSymbols(page)).toEqual(expected);
    await expect(chart).toHaveAttribute('data-symbol', 'NQ');
    await expect(chart).toHaveAttribute('data-timeframe', '5m');
    await expect(chart).toHaveAttribute('data-loading', 'false');
    await expect(
      page.getByRole('group', { name: 'Timeframe' }).getByRole('button', { name: '5m', exact: true }),
    ).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('tab', { name: 'Fills', exact: true })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    // Restoring is not a change: nothing is written on load.
    await expect(app).toHaveAttribute('data-workspace', 'idle');

    // Adding a symbol back puts it at the end, and that is saved too.
    await addFromSearch(page, removed);
    await expect.poll(() => watchlistSymbols(page)).toEqual([...expected, removed]);
    await expect(app).toHaveAttribute('data-workspace', 'saved');
    expect(errors, 'page errors').toEqual([]);
  } finally {
    await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
