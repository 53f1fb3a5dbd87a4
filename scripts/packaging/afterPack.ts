/**
 * electron-builder `afterPack` hook: flip the fuses in the packed Electron binary, then read the
 * wire back and fail the build if any fuse did not take. It runs after app.asar is written and
 * before signing (a signature made before flipping would be broken by it).
 */
import { join } from 'node:path';
import { FuseV1Options, flipFuses, getCurrentFuseWire } from '@electron/fuses';
import type { AfterPackContext } from 'electron-builder';
import { fuseConfig, fuseFlavourFromEnv, fuseStates } from './fuses';

/** Where the fuse wire lives for a packed app: the executable, or the .app bundle on macOS. */
export function electronBinaryPath(app: {
  platform: string;
  appOutDir: string;
  productFilename: string;
  executableName: string;
}): string {
  switch (app.platform) {
    case 'darwin':
    case 'mas':
      return join(app.appOutDir, `${app.productFilename}.app`);
    case 'win32':
      return join(app.appOutDir, `${app.productFilename}.exe`);
    default:
      return join(app.appOutDir, app.executableName);
  }
}

const ENABLED = '1'.charCodeAt(0);
const DISABLED = '0'.charCodeAt(0);

/** Names of fuses whose state in `wire` differs from `expected` (a missing fuse counts). */
export function fuseMismatches(
  wire: Readonly<Record<string, unknown>>,
  expected: Readonly<Record<keyof typeof FuseV1Options, boolean>>,
): string[] {
  return (Object.keys(expected) as Array<keyof typeof FuseV1Options>).filter(
    (name) => wire[FuseV1Options[name]] !== (expected[name] ? ENABLED : DISABLED),
  );
}

export async function flipAndVerifyFuses(
  binary: string,
  platform: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const flavour = fuseFlavourFromEnv(env);
  await flipFuses(binary, fuseConfig(flavour, platform as NodeJS.Platform));
  const wire = (await getCurrentFuseWire(binary)) as unknown as Record<string, unknown>;
  const wrong = fuseMismatches(wire, fuseStates(flavour));
  if (wrong.length > 0) throw new Error(`fuses did not take in ${binary}: ${wrong.join(', ')}`);
  console.log(
    `  • fuses flipped${flavour.e2e ? ' (e2e build: inspector arguments stay on for Playwright)' : ''}: ${binary}`,
  );
}

export default async function afterPack(context: AfterPackContext): Promise<void> {
  const packager = context.packager as AfterPackContext['packager'] & { executableName?: string };
  const binary = electronBinaryPath({
    platform: context.electronPlatformName,
    appOutDir: context.appOutDir,
    productFilename: packager.appInfo.productFilename,
    executableName: packager.executableName ?? packager.appInfo.productFilename,
  });
  await flipAndVerifyFuses(binary, context.electronPlatformName, process.env);
}
