/**
 * Kill the gateway while the terminal is open: the connections panel shows backoff with a
 * countdown, the gateway comes back, the row turns live again, and nothing is duplicated
 * (connections, positions, orders) in the UI or in GET /status.
 *
 * The portfolio-stream simulator runs in this test process; the web host is the real built
 * host (`out/main/web.js`), told about the simulator through `PEREGRINE_CONNECTIONS`.
 */
import type { Locator, Page } from '@playwright/test';
import type { StatusReport } from '../src/shared/status';
import { DEMO_SESSION, PortfolioStreamSim } from '../sim/portfolio-stream/server';
import { expect, launchWebHost, openOrders, screenshotPath, showTab, tableRows, test } from './fixtures';
const CONNECTION_ID = 'pstream';

interface Host {
  url: string;
  status(): Promise<StatusReport>;
  stop(): Promise<number | null>;
}

/** The real web host with PEREGRINE_CONNECTIONS pointing at the simulator (secret in its own variable). */
async function startHostWith(gatewayUrl: string): Promise<Host> {
  const connections = [
    {
      kind: 'portfolio-stream',
      id: CONNECTION_ID,
      label: 'Gateway',
      url: gatewayUrl,
      sessionCookieEnv: 'PEREGRINE_E2E_SESSION',
      // Short waits so the test sees several countdowns without taking minutes.
      backoff: { baseMs: 1000, capMs: 4000 },
    },
  ];
  const { handle, stop } = await launchWebHost({
    env: { PEREGRINE_CONNECTIONS: JSON.stringify(connections), PEREGRINE_E2E_SESSION: DEMO_SESSION },
  });
  return { url: handle.url, status: handle.status, stop };
}

function pill(page: Page): Locator {
  return page.locator(`[role=listitem][data-connection=${CONNECTION_ID}]`);
}

async function gatewayRows(page: Page): Promise<Record<string, string>[]> {
  const rows = await tableRows(page.getByRole('table', { name: 'Connections' }));
  return rows.filter((r) => (r.Connection ?? '').includes('Gateway'));
}

function duplicates(keys: string[]): string[] {
  return keys.filter((k, i) => keys.indexOf(k) !== i);
}

/** No duplicate connection, position or order anywhere: in GET /status and in the UI tables. */
async function expectNoDuplicates(page: Page, host: Host): Promise<void> {
  const status = await host.status();
  expect(duplicates(status.connections.map((c) => c.id))).toEqual([]);
  expect(duplicates(status.positions.map((p) => `${p.connectionId}:${p.accountId}:${p.symbol}`))).toEqual([]);
  expect(duplicates(status.orders.map((o) => o.id))).toEqual([]);
  await showTab(page, 'Connections');
  expect(await gatewayRows(page)).toHaveLength(1);
  await showTab(page, 'Positions');
  const positions = await tableRows(page.getByRole('table', { name: 'Positions' }));
  expect(duplicates(positions.map((r) => `${r.Symbol ?? ''}|${r.Account ?? ''}`))).toEqual([]);
  // Order rows carry the store's key (`${connectionId}:${brokerId}`): each order is on screen once,
  // and the screen lists the orders GET /status lists (polled: the gateway keeps trading).
  const working = new Set<string>(['pending', 'working', 'partially_filled']);
  for (const view of ['Working', 'Done'] as const) {
    const table = await openOrders(page, view);
    await expect
      .poll(async () => {
        const keys = await table
          .locator('[role=row][data-key]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key') ?? ''));
        const listed = (await host.status()).orders
          .filter((o) => working.has(o.status) === (view === 'Working'))
          .map((o) => o.id);
        const ids = keys.map((k) => k.slice(k.indexOf(':') + 1));
        return {
          duplicates: duplicates(keys),
          missing: listed.filter((id) => !ids.includes(id)),
          extra: ids.filter((id) => !listed.includes(id)),
        };
      })
      .toEqual({ duplicates: [], missing: [], extra: [] });
  }
  await showTab(page, 'Connections');
}

/**
 * Records the text of every notice the page shows from now on (they fade after a few seconds, so
 * a check at the end alone could miss one).
 */
async function recordNotices(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __notices: string[] }).__notices = seen;
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes)
          if (n instanceof HTMLElement && n.classList.contains('notice')) seen.push(n.textContent ?? '');
    }).observe(document.body, { childList: true, subtree: true });
  });
  return () => page.evaluate(() => [...(window as unknown as { __notices: string[] }).__notices]);
}

test('gateway killed while the UI is open: backoff with a countdown, then live again, no duplicates', async ({
  page,
}) => {
  const sim = new PortfolioStreamSim();
  const gateway = await sim.start();
  const host = await startHostWith(gateway.url);
  try {
    await page.goto(host.url);
    await expect(pill(page), 'the web host must read PEREGRINE_CONNECTIONS').toHaveCount(1, {
      timeout: 15_000,
    });
    await expect(pill(page)).toHaveAttribute('data-state', 'live');
    await expect
      .poll(
        async () => (await host.status()).positions.filter((p) => p.connectionId === CONNECTION_ID).length,
      )
      .toBeGreaterThan(0);
    await expect
      .poll(
        async () => (await host.status()).accounts.find((a) => a.connectionId === CONNECTION_ID)?.verified,
      )
      .toBe(true);
    await expectNoDuplicates(page, host);
    const notices = await recordNotices(page);

    await sim.stop();
    await expect(pill(page)).toHaveAttribute('data-state', 'backoff');
    await expect
      .poll(
        async () => (await host.status()).accounts.find((a) => a.connectionId === CONNECTION_ID)?.verified,
      )
      .toBe(false);
    // The countdown: "in Ns" in the Next retry column while the gateway is down.
    await expect.poll(async () => (await gatewayRows(page))[0]?.['Next retry']).toMatch(/^in \d+s$/);
    const row = page
      .getByRole('table', { name: 'Connections' })
      .getByRole('row')
      .filter({ hasText: 'Gateway' });
    await expect(row).toContainText(/backoff/);
    await page.screenshot({ path: screenshotPath('connections-backoff.png') });

    await sim.start();
    await expect(pill(page)).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
    await expect
      .poll(
        async () => (await host.status()).accounts.find((a) => a.connectionId === CONNECTION_ID)?.verified,
      )
      .toBe(true);
    await expect.poll(async () => (await gatewayRows(page))[0]?.Reconnects).toBe('1');
    await expect.poll(async () => (await gatewayRows(page))[0]?.['Next retry']).toBe('—');
    await page.screenshot({ path: screenshotPath('connections-recovered.png') });
    await expectNoDuplicates(page, host);
    // The reconcile found every open order at the gateway: no "not reported by broker" alert.
    expect((await notices()).filter((t) => /not reported by broker/i.test(t))).toEqual([]);
  } finally {
    expect(await host.stop()).toBe(0);
    await sim.stop();
  }
});
