/**
 * Kill the gateway while the terminal is open: the connections panel shows backoff with a
 * countdown, the gateway comes back, the row turns live again, and nothing is duplicated
 * (connections, positions, orders) in the UI or in GET /status.
 *
 * The portfolio-stream simulator runs in this test process; the web host is the real built
 * host (`out/main/web.js`), told about the simulator through `PEREGRINE_CONNECTIONS`.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { StatusReport } from '../src/shared/status';
import { DEMO_SESSION, PortfolioStreamSim } from '../sim/portfolio-stream/server';
import { expect, launchWebHost, showTab, tableRows, test } from './fixtures';

const ROOT = resolve(import.meta.dirname, '..');
const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
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
  await showTab(page, 'Connections');
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
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'connections-backoff.png') });

    await sim.start();
    await expect(pill(page)).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
    await expect
      .poll(
        async () => (await host.status()).accounts.find((a) => a.connectionId === CONNECTION_ID)?.verified,
      )
      .toBe(true);
    await expect.poll(async () => (await gatewayRows(page))[0]?.Reconnects).toBe('1');
    await expect.poll(async () => (await gatewayRows(page))[0]?.['Next retry']).toBe('—');
    await page.screenshot({ path: join(SCREENSHOTS, 'connections-recovered.png') });
    await expectNoDuplicates(page, host);
  } finally {
    expect(await host.stop()).toBe(0);
    await sim.stop();
  }
});
