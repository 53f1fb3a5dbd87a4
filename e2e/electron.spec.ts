/**
 * The desktop app, when an Electron binary exists on this machine. The binary is downloaded on
 * first use and cannot be here without internet access, so the test then skips and says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

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

test('the desktop window loads the terminal over app:// with the preload bridge', async () => {
  const binary = electronBinary();
  if ('why' in binary) {
    console.log(`electron.spec: skipped because ${binary.why}`);
    test.skip(true, binary.why);
    return;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    const why = 'no graphical display is available (DISPLAY and WAYLAND_DISPLAY are unset)';
    console.log(`electron.spec: skipped because ${why}`);
    test.skip(true, why);
    return;
  }
  const app = await electron.launch({ executablePath: binary.path, args: [ROOT], cwd: ROOT });
  try {
    const window = await app.firstWindow();
    expect(window.url()).toMatch(/^app:\/\/peregrine\//);
    await expect(window.locator('[data-testid=chart]')).toBeVisible();
    expect(
      await window.evaluate(
        () => (window as unknown as { terminal: { host: { kind: string } } }).terminal.host.kind,
      ),
    ).toBe('electron');
    // Node is out of reach of the page.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    );
  } finally {
    await app.close();
  }
});
