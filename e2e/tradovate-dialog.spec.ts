/**
 * Issue 10 as a trader meets it: a Tradovate connection added in the connection manager's dialog
 * (form generated from the kind's fields) against the simulator, a futures position with exactly
 * one row, and an access token that comes due during the run renewed on its own — the connection
 * never leaves live, no reconnect is counted, and only the log says it happened.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TRADOVATE_APP_ID,
  TRADOVATE_CID,
  TRADOVATE_PASSWORD,
  TRADOVATE_SEC,
  TRADOVATE_USER,
  TradovateSim,
} from '../sim/tradovate';
import { expect, launchWebHost, openPositions, showTab, tableRows, test } from './fixtures';

test('Tradovate added in the dialog goes live, shows one row per position, and renews its token unnoticed', async ({
  page,
}) => {
  test.setTimeout(120_000);
  // A 6 s token: the adapter renews it at three quarters of its life, well inside this run.
  const sim = new TradovateSim({ stepMs: 200, tokenTtlMs: 6_000 });
  const a = await sim.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-e2e-tdv-'));
  const { handle, stop } = await launchWebHost({ dataDir, env: { PEREGRINE_CONNECTIONS: '' } });
  try {
    await page.goto(handle.url);
    await expect(page.locator('[data-testid=chart]')).toBeVisible();
    await showTab(page, 'Connections');
    await page.getByRole('button', { name: 'Add connection' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add connection' });
    await dialog.getByLabel('Kind').selectOption('tradovate');
    await dialog.getByLabel('Name', { exact: true }).fill('Tradovate sim');
    await dialog.getByLabel('Environment').selectOption('demo');
    const fields: Record<string, string> = {
      'REST base': `${a.httpUrl}/v1`,
      'Trading socket': a.urls[0] ?? '',
      'Market-data socket': a.urls[1] ?? '',
      Username: TRADOVATE_USER,
      'App id': TRADOVATE_APP_ID,
      'API key id (cid)': TRADOVATE_CID,
      Password: TRADOVATE_PASSWORD,
      'API secret': TRADOVATE_SEC,
    };
    for (const [label, value] of Object.entries(fields))
      await dialog.getByRole('textbox', { name: label, exact: true }).fill(value);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect(dialog.getByTestId('test-result')).toHaveAttribute('data-success', 'true', {
      timeout: 20_000,
    });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();

    const id = (await handle.status()).connections.find((c) => c.kind === 'tradovate')?.id ?? '';
    expect(id).not.toBe('');
    const pill = page.locator(`[role=listitem][data-connection=${id}]`);
    await expect(pill).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
    const mes = async () =>
      (await handle.status()).positions.filter((p) => p.connectionId === id && p.symbol === 'MESZ6');
    await expect.poll(async () => (await mes()).length, { timeout: 15_000 }).toBe(1);
    const rows = async () =>
      (await tableRows(await openPositions(page))).filter((r) => (r.Symbol ?? '').includes('MESZ6'));
    await expect.poll(async () => (await rows()).length).toBe(1);

    // The token comes due: renewed in the background, the trader sees nothing but a log line.
    const log = (): string => readFileSync(join(dataDir, 'web-host.log'), 'utf8');
    await expect.poll(() => log().includes('access token renewed'), { timeout: 20_000 }).toBe(true);
    const after = await handle.status();
    expect(after.connections.find((c) => c.id === id)).toMatchObject({ state: 'live', reconnects: 0 });
    await expect(pill).toHaveAttribute('data-state', 'live');
    await expect.poll(async () => (await rows()).length).toBe(1);
    expect(log()).not.toContain(TRADOVATE_PASSWORD);
  } finally {
    expect(await stop()).toBe(0);
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
