/**
 * The connection manager end to end: add a portfolio-stream connection in the UI against a
 * simulator started here, test it, save it; restart the host with the same data directory and
 * the connection comes back up; its secret is in no file under the data directory.
 *
 * Both host runs share one private Secret Service (scripts/with-keyring.sh, kept alive for the
 * test), so the secret survives the restart in a real keychain, as on a desktop.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { PortfolioStreamSim } from '../sim/portfolio-stream/server';
import { expect, launchWebHost, screenshotPath, showTab, test } from './fixtures';

const ROOT = resolve(import.meta.dirname, '..');
const SECRET = `S3cr3t-e2e-${Math.random().toString(36).slice(2)}`;

/** A D-Bus session with an unlocked gnome-keyring, alive until `stop()`. */
async function startKeyring(): Promise<{ env: Record<string, string>; stop(): Promise<void> } | null> {
  const script =
    'process.stdout.write(JSON.stringify({bus:process.env.DBUS_SESSION_BUS_ADDRESS??"",kind:process.env.PEREGRINE_KEYRING??""})+"\\n");process.stdin.resume();process.stdin.on("end",()=>process.exit(0));';
  const child = spawn('bash', [join(ROOT, 'scripts', 'with-keyring.sh'), process.execPath, '-e', script], {
    cwd: ROOT,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const line = await new Promise<string>((resolveLine, rejectLine) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolveLine(out.split('\n')[0] ?? '');
    });
    void exited.then(() => rejectLine(new Error('keyring session ended early')));
  });
  const info = JSON.parse(line) as { bus: string; kind: string };
  const stop = async () => {
    child.stdin.end();
    await exited;
  };
  if (info.kind !== 'gnome-keyring' || info.bus === '') {
    await stop();
    return null;
  }
  return { env: { DBUS_SESSION_BUS_ADDRESS: info.bus }, stop };
}

interface Host {
  url: string;
  stop(): Promise<number | null>;
}

async function startHost(dataDir: string, env: Record<string, string>): Promise<Host> {
  const { handle, stop } = await launchWebHost({ dataDir, env: { PEREGRINE_CONNECTIONS: '', ...env } });
  return { url: handle.url, stop };
}

function pill(page: Page) {
  return page.locator('[role=listitem][data-connection=gateway-1]');
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

test('add a connection in the UI, test it, save it; after a restart it is back and live, its secret on no file', async ({
  page,
}) => {
  const keyring = await startKeyring();
  test.skip(keyring === null, 'gnome-keyring/dbus-run-session are not installed here');
  if (keyring === null) return;
  const sim = new PortfolioStreamSim({ sessions: { [SECRET]: 'user-e2e' }, batchIntervalMs: 200 });
  const gateway = await sim.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-e2e-connections-'));
  let host = await startHost(dataDir, keyring.env);
  try {
    await page.goto(host.url);
    await expect(page.locator('[data-testid=chart]')).toBeVisible();
    await expect(page).toHaveTitle('PAPER — Peregrine');
    await showTab(page, 'Connections');
    await expect(page.getByTestId('vault-backend')).toHaveAttribute('data-backend', 'keychain');
    await page.getByRole('button', { name: 'Add connection' }).click();

    const dialog = page.getByRole('dialog', { name: 'Add connection' });
    await expect(dialog).toBeVisible();
    // Kinds without an adapter are listed, but cannot be chosen.
    await expect(dialog.getByRole('option', { name: /Alpaca — not yet available/ })).toBeDisabled();
    await dialog.getByLabel('Kind').selectOption('portfolio-stream');
    await dialog.getByLabel('Name').fill('Gateway 1');
    await expect(dialog.getByLabel('Connection id')).toHaveValue('gateway-1');
    await dialog.getByLabel('Environment').selectOption('live');
    await expect(dialog.getByRole('note').filter({ hasText: 'real money' })).toBeVisible();
    await dialog.getByLabel('Gateway URL').fill(gateway.url);
    const secretInput = dialog.getByLabel('Session cookie');
    await expect(secretInput).toHaveAttribute('type', 'password');
    await expect(dialog.getByTestId('secret-status-sessionCookie')).toHaveText(
      /Will be stored in the OS keychain/,
    );

    // A wrong cookie: the gateway's own words come back.
    await secretInput.fill('not-the-cookie');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect(dialog.getByTestId('test-result')).toHaveAttribute('data-success', 'false');
    await expect(dialog.getByTestId('test-result')).toContainText('Authentication required');

    await secretInput.fill(SECRET);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect(dialog.getByTestId('test-result')).toHaveAttribute('data-success', 'true');
    await expect(dialog.getByTestId('test-result')).toContainText('Test succeeded');
    await page.screenshot({ path: screenshotPath('connection-manager.png') });

    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
    await expect(pill(page)).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
    await expect(page).toHaveTitle('LIVE — Peregrine');
    await expect(page.getByTestId('mode-band')).toHaveAttribute('data-mode', 'live');
    const row = page
      .getByRole('table', { name: 'Connection settings' })
      .getByRole('row', { name: 'Gateway 1' });
    await expect(row).toContainText('secrets stored');

    // Restart with the same data directory (and the same keychain).
    expect(await host.stop()).toBe(0);
    for (const file of filesUnder(dataDir)) expect(readFileSync(file, 'utf8'), file).not.toContain(SECRET);
    host = await startHost(dataDir, keyring.env);
    await page.goto(host.url);
    await expect(pill(page), 'the saved connection comes back without a click').toHaveAttribute(
      'data-state',
      'live',
      { timeout: 15_000 },
    );
    await expect(page).toHaveTitle('LIVE — Peregrine');
    await showTab(page, 'Connections');
    await expect(
      page.getByRole('table', { name: 'Connection settings' }).getByRole('row', { name: 'Gateway 1' }),
    ).toBeVisible();

    // Disable it from the row's switch: it stops and the window is back to paper.
    const toggle = page.getByRole('switch', { name: 'Enabled: Gateway 1' });
    await toggle.click();
    await expect(toggle).not.toBeChecked();
    await expect(pill(page)).toHaveAttribute('data-state', 'stopped');
    await expect(page).toHaveTitle('PAPER — Peregrine');
  } finally {
    await host.stop();
    for (const file of filesUnder(dataDir)) expect(readFileSync(file, 'utf8'), file).not.toContain(SECRET);
    rmSync(dataDir, { recursive: true, force: true });
    await sim.stop();
    await keyring.stop();
  }
});
