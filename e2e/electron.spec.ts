/**
 * The desktop app, when an Electron binary exists on this machine. The binary is downloaded on
 * first use and cannot be here without internet access, so the test then skips and says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';

const ROOT = resolve(import.meta.dirname, '..');

/** Where `require('electron')` would point, without triggering its download. */
function electronBinary(): { path: string } | { why: string } {
  const dir = join(ROOT, 'node_modules', 'electron');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      why: 'the Electron binary is not installed (node_modules/electron/path.txt is missing; it downloads on first launch and this machine has no internet access)',
    };
  }
  const relative = readFileSync(pathFile, 'utf8');
  const path = override === undefined ? join(dir, 'dist', relative) : join(override, relative);
  return existsSync(path) ? { path } : { why: `the Electron binary ${path} does not exist` };
}

/** Launches the built app, or skips the test saying why it cannot run here. */
async function launch(): Promise<ElectronApplication | null> {
  const binary = electronBinary();
  if ('why' in binary) {
    console.log(`electron.spec: skipped because ${binary.why}`);
    test.skip(true, binary.why);
    return null;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    const why = 'no graphical display is available (DISPLAY and WAYLAND_DISPLAY are unset)';
    console.log(`electron.spec: skipped because ${why}`);
    test.skip(true, why);
    return null;
  }
  return electron.launch({ executablePath: binary.path, args: [ROOT], cwd: ROOT });
}

type TerminalWindow = {
  terminal: { host: { kind: string }; stream: { snapshot(r: object): Promise<unknown> } };
};

test('the desktop window loads the terminal over app:// with the preload bridge', async () => {
  const app = await launch();
  if (app === null) return;
  try {
    const window = await app.firstWindow();
    expect(window.url()).toMatch(/^app:\/\/peregrine\//);
    await expect(window.locator('[data-testid=chart]')).toBeVisible();
    expect(await window.evaluate(() => (window as unknown as TerminalWindow).terminal.host.kind)).toBe(
      'electron',
    );
    // Node is out of reach of the page.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    );
  } finally {
    await app.close();
  }
});

// The same checklist items the unit tests in test/main/electron cover, here in the running app.
test('the running app blocks navigation and window.open, denies permissions and foreign IPC senders', async () => {
  const app = await launch();
  if (app === null) return;
  try {
    const page = await app.firstWindow();
    await expect(page.locator('[data-testid=chart]')).toBeVisible();

    await test.step('window.open opens nothing', async () => {
      expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
      expect(app.windows()).toHaveLength(1);
    });

    await test.step('navigation away from app:// is prevented', async () => {
      // Listen after the app's own hook, so this listener sees its decision.
      await app.evaluate(({ BrowserWindow }) => {
        const contents = BrowserWindow.getAllWindows()[0]?.webContents;
        (globalThis as { navigated?: Promise<boolean> }).navigated = new Promise((resolve) =>
          contents?.once('will-navigate', (event) => resolve(event.defaultPrevented)),
        );
      });
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      expect(await app.evaluate(() => (globalThis as { navigated?: Promise<boolean> }).navigated)).toBe(true);
      expect(page.url()).toMatch(/^app:\/\/peregrine\//);
    });

    await test.step('permission requests are denied', async () => {
      expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');
      expect(
        await page.evaluate(async () => (await navigator.permissions.query({ name: 'geolocation' })).state),
      ).toBe('denied');
    });

    await test.step('a second window with our preload is not a trusted IPC sender', async () => {
      const opened = app.waitForEvent('window');
      await app.evaluate(
        ({ BrowserWindow }, preload) => {
          const other = new BrowserWindow({
            show: false,
            webPreferences: { preload, sandbox: true, contextIsolation: true },
          });
          void other.loadURL('app://peregrine/index.html');
        },
        join(ROOT, 'out', 'preload', 'index.cjs'),
      );
      const other = await opened;
      await other.waitForFunction(() => 'terminal' in window);
      const outcome = await other.evaluate(() =>
        (window as unknown as TerminalWindow).terminal.stream.snapshot({}).then(
          () => 'served',
          (err: unknown) => String(err),
        ),
      );
      expect(outcome).toContain('only accepted from the Peregrine window');
      // The real window is still served.
      expect(
        await page.evaluate(() =>
          (window as unknown as TerminalWindow).terminal.stream.snapshot({}).then(() => 'served'),
        ),
      ).toBe('served');
    });
  } finally {
    await app.close();
  }
});
