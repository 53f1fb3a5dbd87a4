/**
 * Launching the real desktop app from a spec: the built app (`out/`) under the Electron binary in
 * node_modules, or a skip that says why (no binary, which is the case without internet access; no
 * display). CI installs the binary and fails the job if desktop specs skipped
 * (scripts/ci/electron-ran.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { _electron as electron, test, type ElectronApplication } from '@playwright/test';

const ROOT = resolve(import.meta.dirname, '..');

/** Where `require('electron')` would point, without triggering its download. */
function electronBinary(): { path: string } | { why: string } {
  const dir = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      why: 'the Electron binary is not installed (node_modules/electron/path.txt is missing; it downloads on first launch and this machine has no internet access)',
    };
  }
  const relative = readFileSync(pathFile, 'utf8');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override === undefined ? join(dir, 'dist', relative) : join(override, relative);
  return existsSync(path) ? { path } : { why: `the Electron binary ${path} does not exist` };
}

/** Launches the built desktop app, or skips the calling test with its one-line reason. */
export async function launchDesktop(spec: string): Promise<ElectronApplication | null> {
  const skip = (why: string): null => {
    console.log(`${spec}: skipped because ${why}`);
    test.skip(true, why);
    return null;
  };
  const binary = electronBinary();
  if ('why' in binary) return skip(binary.why);
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return skip('no graphical display is available (DISPLAY and WAYLAND_DISPLAY are unset)');
  return electron.launch({ executablePath: binary.path, args: [ROOT], cwd: ROOT });
}
