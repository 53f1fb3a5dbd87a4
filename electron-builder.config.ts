/**
 * Installers for Windows (NSIS, per user), macOS (dmg + zip, x64 and arm64) and Linux (AppImage
 * and deb), built by `npm run dist` from the electron-vite output in out/. Read by electron-builder
 * (through its TypeScript config loader) and by test/packaging, which checks what gets packed.
 */
import { readFileSync } from 'node:fs';
import type { AfterPackContext, Configuration } from 'electron-builder';
import afterPack from './scripts/packaging/afterPack';
import { publishChoice } from './scripts/packaging/publish';
import { signingPlan, type PackagePlatform } from './scripts/packaging/signing';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  repository?: unknown;
};

/**
 * Dependencies that vite bundles into out/renderer: the packed app never loads them from
 * node_modules, so they stay out of app.asar.
 */
export const RENDERER_ONLY_DEPENDENCIES = [
  'react',
  'react-dom',
  'scheduler',
  'lightweight-charts',
  'fancy-canvas',
  '@tanstack/react-virtual',
  '@tanstack/virtual-core',
] as const;

/** The keychain binding's native binary: a .node file cannot be loaded from inside an asar. */
export const NATIVE_UNPACKED = ['node_modules/@napi-rs/keyring-*/**'];

/** What the desktop app runs, and nothing else (node_modules adds the production dependencies). */
export const APP_FILES = [
  'package.json',
  'out/main/**/*.js',
  // The loopback web host's entry point: the desktop app never starts it.
  '!out/main/web.js',
  'out/preload/**/*.cjs',
  'out/renderer/**',
  // Window and tray icons, read at run time from app.getAppPath()/resources; icon.png is only the
  // installers' source.
  'resources/*.png',
  '!resources/icon.png',
  // Source maps would ship our sources; set PEREGRINE_SOURCEMAPS=1 to keep them for a debug build.
  ...(process.env.PEREGRINE_SOURCEMAPS === '1' ? [] : ['!**/*.map']),
  ...RENDERER_ONLY_DEPENDENCIES.map((name) => `!node_modules/${name}/**`),
  // Packages' TypeScript sources and typings, tests and docs: nothing the runtime loads.
  '!**/node_modules/**/*.{ts,mts,cts,tsx}',
  '!**/node_modules/**/{test,tests,__tests__,benchmark,benchmarks,example,examples,docs}/**',
];

const signing = signingPlan(process.env);
const publish = publishChoice(process.env, pkg.repository);

const platformOf = (electronPlatformName: string): PackagePlatform =>
  electronPlatformName === 'darwin' || electronPlatformName === 'mas'
    ? 'mac'
    : electronPlatformName === 'win32'
      ? 'win'
      : 'linux';

const config: Configuration = {
  appId: 'app.peregrine.terminal',
  productName: 'Peregrine',
  copyright: 'Copyright © Peregrine contributors',
  directories: { output: 'dist', buildResources: 'build' },
  files: APP_FILES,
  asar: true,
  asarUnpack: NATIVE_UNPACKED,
  // @napi-rs/keyring ships N-API prebuilds, which do not depend on Electron's ABI: nothing to rebuild.
  npmRebuild: false,
  nodeGypRebuild: false,
  artifactName: '${productName}-${version}-${os}-${arch}.${ext}',
  publish: publish.config,
  // electron-builder's before- and after-pack contexts are the same type; it exports only this name.
  beforePack: (context: AfterPackContext) => {
    console.log(`  • signing: ${signing.messages[platformOf(context.electronPlatformName)]}`);
    console.log(`  • ${publish.message}`);
  },
  afterPack,

  mac: {
    category: 'public.app-category.finance',
    icon: 'resources/icon.png',
    target: [
      { target: 'dmg', arch: ['x64', 'arm64'] },
      // Squirrel.Mac (electron-updater on macOS) installs updates from the zip, not the dmg.
      { target: 'zip', arch: ['x64', 'arm64'] },
    ],
    identity: signing.mac.identity,
    // The hardened runtime is what notarization requires; an ad-hoc build would need extra
    // entitlements to launch with it, so it is on only when we really sign.
    hardenedRuntime: signing.mac.sign,
    notarize: signing.mac.notarize,
  },
  dmg: { writeUpdateInfo: false },

  win: {
    icon: 'resources/icon.png',
    target: [{ target: 'nsis', arch: ['x64'] }],
    ...(signing.win.azure === null ? {} : { azureSignOptions: signing.win.azure }),
  },
  nsis: {
    // Per user, under %LOCALAPPDATA%\Programs: no administrator rights, and updates install silently.
    oneClick: true,
    perMachine: false,
    allowElevation: false,
    // Settings, logs and the order journal outlive an uninstall unless the user deletes them.
    deleteAppDataOnUninstall: false,
    shortcutName: 'Peregrine',
  },

  linux: {
    icon: 'resources/icon.png',
    target: [
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ],
    category: 'Finance',
    executableName: 'peregrine',
    synopsis: 'Multi-broker desktop trading terminal',
    maintainer: 'Peregrine contributors <peregrine@users.noreply.github.com>',
  },
  deb: {
    // Credentials live in the Secret Service; without one they are kept for the session only.
    recommends: ['gnome-keyring'],
  },
};

export default config;
