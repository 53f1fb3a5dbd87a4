/**
 * Stale data looks stale: disconnect the paper broker with a position open and the watchlist row
 * and the position's P&L dim by age (aging after 5 s, stale after 30 s), the account reads
 * UNVERIFIED; reconnect and all of it clears.
 *
 * The 5 s step is waited for in real time. The 30 s step moves the page's clock forward
 * (Playwright's clock), then puts it back before the reconnect, so the test stays short and
 * the ages the renderer computes against the host's quote times are real again afterwards.
 */
import type { Locator, Page } from '@playwright/test';
import { chartSymbol, expect, openPositions, placeOrder, showTab, test } from './fixtures';

const WAIT = { timeout: 15_000 };

function paperRow(page: Page): Locator {
  return page.getByRole('table', { name: 'Connections' }).getByRole('row').filter({ hasText: 'Paper' });
}

function positionRow(positions: Locator, symbol: string): Locator {
  return positions
    .getByRole('row')
    .filter({ has: positions.page().getByRole('cell', { name: symbol, exact: true }) });
}

function watchlistRow(page: Page, symbol: string): Locator {
  return page.getByRole('table', { name: 'Watchlist' }).locator(`[role=row][data-symbol="${symbol}"]`);
}

/** The position row's Mark, Unrealized, Ticks and P&L % figures: the cells dimmed by the mark's age. */
function pnlFigures(positions: Locator, symbol: string): Locator {
  return positionRow(positions, symbol).locator('[class*="mark-"]');
}

async function expectPnlFreshness(positions: Locator, symbol: string, f: 'fresh' | 'aging' | 'stale') {
  await expect
    .poll(
      () =>
        pnlFigures(positions, symbol).evaluateAll((els) =>
          els.map((e) => /\bmark-(fresh|aging|stale)\b/.exec(e.className)?.[1] ?? '?'),
        ),
      WAIT,
    )
    // Mark, Unrealized, Ticks and P&L %.
    .toEqual([f, f, f, f]);
}

test('disconnect: watchlist and P&L age to stale, account UNVERIFIED; reconnect clears it all', async ({
  terminal: page,
}) => {
  await page.clock.install();
  const symbol = await chartSymbol(page);
  await placeOrder(page, { side: 'Buy', qty: 1, type: /^market$/i });
  let positions = await openPositions(page);
  await expect(positionRow(positions, symbol)).toHaveCount(1, WAIT);
  await expectPnlFreshness(positions, symbol, 'fresh');
  await expect(watchlistRow(page, symbol)).toHaveClass(/\bfresh\b/);
  const accounts = page.getByRole('group', { name: /^Account / });
  await expect(accounts.filter({ hasText: 'UNVERIFIED' })).toHaveCount(0);

  await showTab(page, 'Connections');
  // In-process: RTT and lag say so instead of showing a "0.0ms" that reads like a measurement.
  await expect(paperRow(page).getByText('in-process', { exact: true })).toHaveCount(2);
  await expect(paperRow(page)).not.toContainText(/\dms/);
  const pill = page.locator('[role=listitem][data-connection=paper]');
  await expect(pill).toContainText('in-process');
  await expect(pill).not.toContainText(/\dms/);
  await paperRow(page).getByRole('button', { name: 'Disconnect' }).click();
  await expect(paperRow(page).locator('[data-state]')).toHaveAttribute('data-state', 'stopped');
  await expect(accounts.filter({ hasText: 'UNVERIFIED' }).first()).toBeVisible();

  // No quotes arrive any more: past 5 s everything priced by them is dimmed.
  await expect(watchlistRow(page, symbol)).toHaveClass(/\baging\b/, WAIT);
  positions = await openPositions(page);
  await expectPnlFreshness(positions, symbol, 'aging');

  // Past 30 s: strongly dimmed and tagged.
  await page.clock.fastForward(31_000);
  await expect(watchlistRow(page, symbol)).toHaveClass(/\bstale\b/, WAIT);
  await expect(watchlistRow(page, symbol).getByText('stale', { exact: true })).toBeVisible();
  await expectPnlFreshness(positions, symbol, 'stale');
  await expect(accounts.filter({ hasText: 'UNVERIFIED' }).first()).toBeVisible();

  // Back to the host's time, so ages after the reconnect are measured against real quote times.
  await page.clock.setSystemTime(Date.now());
  await showTab(page, 'Connections');
  await paperRow(page).getByRole('button', { name: 'Reconnect now' }).click();
  await expect(paperRow(page).locator('[data-state]')).toHaveAttribute('data-state', 'live', WAIT);
  await expect(accounts.filter({ hasText: 'UNVERIFIED' })).toHaveCount(0, WAIT);
  await expect(watchlistRow(page, symbol)).toHaveClass(/\bfresh\b/, WAIT);
  await expect(watchlistRow(page, symbol).getByText('stale', { exact: true })).toHaveCount(0);
  positions = await openPositions(page);
  await expectPnlFreshness(positions, symbol, 'fresh');
});
