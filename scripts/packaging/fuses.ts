/**
 * Electron fuses for the packaged app, flipped in the binary at package time (afterPack), before
 * signing. A trading terminal holds broker credentials, so the shipped binary must not be usable
 * as a general Node runtime, must not take code from NODE_OPTIONS or a debugger port, and must only
 * run the app.asar it was shipped with.
 */
import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

export interface FuseFlavour {
  /**
   * Playwright's `_electron.launch` drives the app over the inspector protocol and times out when
   * the inspect-arguments fuse is off, so an e2e build keeps that one fuse on. Releases never do.
   */
  e2e: boolean;
}

/** Every V1 fuse, by name, and the state a release build gives it. */
export const RELEASE_FUSES: Readonly<Record<keyof typeof FuseV1Options, boolean>> = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  // We ship no custom browser-process snapshot.
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The UI is served from app://, never file://, so file: needs no extra privileges.
  GrantFileProtocolExtraPrivileges: false,
};

/** The fuse states for a build flavour, by name. */
export function fuseStates(flavour: FuseFlavour): Record<keyof typeof FuseV1Options, boolean> {
  return { ...RELEASE_FUSES, EnableNodeCliInspectArguments: flavour.e2e };
}

/** The flavour the environment asks for: `PEREGRINE_E2E_BUILD=1` keeps the inspector fuse on. */
export function fuseFlavourFromEnv(env: NodeJS.ProcessEnv): FuseFlavour {
  return { e2e: env.PEREGRINE_E2E_BUILD === '1' };
}

/** The config `flipFuses` takes. */
export function fuseConfig(flavour: FuseFlavour, platform: NodeJS.Platform | 'mas'): FuseV1Config {
  const config: FuseV1Config = {
    version: FuseVersion.V1,
    // Flipping a fuse breaks the ad-hoc signature an arm64 macOS binary must carry to launch at all;
    // a real signature (when configured) is applied after this hook anyway.
    resetAdHocDarwinSignature: platform === 'darwin' || platform === 'mas',
  };
  const states = fuseStates(flavour);
  for (const name of Object.keys(states) as Array<keyof typeof FuseV1Options>) {
    config[FuseV1Options[name]] = states[name];
  }
  return config;
}
