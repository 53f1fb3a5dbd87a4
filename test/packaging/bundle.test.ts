/**
 * Runs the real electron-builder with our config (`--linux dir`, what `npm run dist:dir` does) and
 * checks the app bundle it produces: what app.asar holds and must never hold, the keychain binary
 * unpacked beside it, and the fuses our afterPack hook flipped.
 *
 * The Electron binary cannot be downloaded here, so electron-builder is given a stand-in Electron
 * distribution (`electronDist`): a small file carrying Electron's fuse wire with its default
 * states. Everything else — config loading and schema validation, file selection, dependency
 * collection, asar packing and unpacking, the afterPack hook — is electron-builder's own code.
 * The installers themselves are built and their fuses read by the release workflow.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import asar from '@electron/asar';
import { getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuseStates } from '../../scripts/packaging/fuses';
import { fuseMismatches } from '../../scripts/packaging/afterPack';

const ROOT = resolve(import.meta.dirname, '../..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's own defaults, fuse by fuse (V1 wire, 9 fuses as in Electron 45). */
const ELECTRON_DEFAULT_WIRE = '101100011';

const why =
  process.platform === 'linux'
    ? null
    : 'the stand-in Electron is a Linux executable; on macOS and Windows the release workflow checks the real app';
if (why !== null) console.log(`bundle.test: skipped because ${why}`);

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe.skipIf(why !== null)('the packed app (electron-builder --linux dir)', () => {
  let work = '';
  let appDir = '';
  let archive = '';
  let files: string[] = [];
  let log = '';
  let plantedEnv = false;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) {
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
        {
          cwd: ROOT,
          stdio: 'ignore',
        },
      );
    }
    work = mkdtempSync(join(tmpdir(), 'peregrine-bundle-'));
    const dist = join(work, 'electron-dist');
    execFileSync('mkdir', ['-p', join(dist, 'resources')]);
    writeFileSync(
      join(dist, 'electron'),
      Buffer.concat([
        Buffer.from('#!/bin/sh\nexit 0\n'),
        Buffer.alloc(256),
        Buffer.from(SENTINEL),
        Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]),
        Buffer.from(ELECTRON_DEFAULT_WIRE),
        Buffer.alloc(256),
      ]),
      { mode: 0o755 },
    );
    writeFileSync(
      join(dist, 'version'),
      JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version,
    );
    writeFileSync(join(dist, 'LICENSE'), 'stand-in');
    // A developer's .env must never be packed: plant one if there is none.
    if (!existsSync(join(ROOT, '.env'))) {
      writeFileSync(join(ROOT, '.env'), 'PEREGRINE_BUNDLE_TEST_SECRET=1\n');
      plantedEnv = true;
    }
    const env = { ...process.env };
    delete env.PEREGRINE_E2E_BUILD;
    delete env.PEREGRINE_SOURCEMAPS;
    // A known feed, so the build must carry app-update.yml for the updater.
    env.PEREGRINE_UPDATE_PROVIDER = 'github';
    env.PEREGRINE_UPDATE_GITHUB_REPO = 'acme/peregrine-feed';
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'electron-builder', 'cli.js'),
          '--config',
          'electron-builder.config.ts',
          '--linux',
          'dir',
          '--publish',
          'never',
          `-c.electronDist=${dist}`,
          `-c.directories.output=${join(work, 'out')}`,
        ],
        { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 },
      );
      log = stdout + stderr;
    } finally {
      if (plantedEnv) rmSync(join(ROOT, '.env'));
    }
    appDir = join(work, 'out', 'linux-unpacked');
    archive = join(appDir, 'resources', 'app.asar');
    files = asar.listPackage(archive, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
  }, 240_000);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('holds what the desktop app runs', () => {
    for (const file of [
      '/package.json',
      '/out/main/index.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
    ])
      expect(files).toContain(file);
    // Every runtime icon (window, tray states), whatever gets added later.
    const icons = readdirSync(join(ROOT, 'resources')).filter((f) => f.endsWith('.png') && f !== 'icon.png');
    expect(icons).toEqual(expect.arrayContaining(['icon-16.png', 'icon-32.png', 'icon-256.png']));
    for (const icon of icons) expect(files).toContain(`/resources/${icon}`);
    expect(files.some((f) => /^\/out\/renderer\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
  });

  it('holds every package the main process imports', () => {
    const outMain = join(ROOT, 'out', 'main');
    const sources = readdirSync(outMain, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js') && f !== 'web.js')
      .map((f) => readFileSync(join(outMain, f), 'utf8'));
    const imported = new Set<string>();
    for (const text of sources)
      for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"'./][^"']*)["']/g)) {
        if (spec === undefined || spec.startsWith('node:') || spec === 'electron') continue;
        imported.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
      }
    // The engine's runtime libraries, so this cannot pass on an empty import list.
    for (const name of ['ws', 'zod', 'pino', 'electron-store', '@napi-rs/keyring', 'electron-updater'])
      expect(imported).toContain(name);
    for (const name of imported)
      expect(files, `${name} is imported by out/main`).toContain(`/node_modules/${name}/package.json`);
  });

  it('never holds tests, simulators, benchmarks, sources, docs, .env or the web host', () => {
    const forbidden = [
      /^\/(test|tests|e2e|sim|bench|src|scripts|docs|build|dist|reports|\.github|\.ci)\//,
      /^\/\.env/,
      /^\/out\/main\/web\.js$/,
      /^\/resources\/icon\.png$/,
      /^\/(electron-builder\.config|electron\.vite\.config|vitest\.config|playwright\.config)\.ts$/,
      /^\/(tsconfig[\w.]*\.json|eslint\.config\.js|package-lock\.json|README\.md)$/,
    ];
    for (const pattern of forbidden)
      expect(
        files.filter((f) => pattern.test(f)),
        String(pattern),
      ).toEqual([]);
  });

  it('ships no source maps', () => {
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('holds no dev dependency and no renderer-only library', () => {
    // npm ls exits non-zero over unrelated problems (an extraneous package in a shared
    // node_modules); its JSON is still the production tree.
    const ls = spawnSync('npm', ['ls', '--omit=dev', '--all', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const prodTree = new Set(
      Object.keys((JSON.parse(ls.stdout) as { dependencies?: object }).dependencies ?? {}),
    );
    expect(prodTree).toContain('electron-updater');
    const devOnly = Object.keys(pkg.devDependencies).filter((name) => !prodTree.has(name));
    expect(devOnly).toEqual(
      expect.arrayContaining(['electron', 'electron-builder', 'vite', 'vitest', 'typescript']),
    );
    for (const name of [...devOnly, 'react', 'react-dom', 'lightweight-charts', '@tanstack/react-virtual'])
      expect(
        files.filter((f) => f.startsWith(`/node_modules/${name}/`)),
        name,
      ).toEqual([]);
  });

  it('unpacks the keychain binding’s native binary next to the asar', () => {
    const natives = files.filter((f) => /^\/node_modules\/@napi-rs\/keyring-[\w-]+\/[^/]+\.node$/.test(f));
    expect(natives.length).toBeGreaterThan(0);
    for (const file of natives) {
      // The asar header marks it unpacked, and the file really is outside the archive.
      expect(asar.statFile(archive, file.slice(1), false)).toMatchObject({ unpacked: true });
      expect(existsSync(join(appDir, 'resources', 'app.asar.unpacked', file))).toBe(true);
    }
    // Its JavaScript loader stays inside the archive (Electron redirects the .node load).
    expect(files).toContain('/node_modules/@napi-rs/keyring/index.js');
  });

  it('says what it signed and where updates come from', () => {
    expect(log).toContain('signing: Linux: AppImage and deb are not signed');
    expect(log).toContain('updates: GitHub Releases of acme/peregrine-feed');
  });

  it('carries the update feed the updater reads', () => {
    const feed = readFileSync(join(appDir, 'resources', 'app-update.yml'), 'utf8');
    expect(feed).toMatch(/^provider: github$/m);
    expect(feed).toMatch(/^owner: acme$/m);
    expect(feed).toMatch(/^repo: peregrine-feed$/m);
  });

  it('flips the release fuses in the packed binary, leaving fuses we do not know as they were', async () => {
    expect(log).toContain('fuses flipped');
    const wire = (await getCurrentFuseWire(join(appDir, 'peregrine'))) as unknown as Record<string, unknown>;
    expect(fuseMismatches(wire, fuseStates({ e2e: false }))).toEqual([]);
    // Fuse 8 (WasmTrapHandlers in Electron 45) is newer than @electron/fuses 1.x: untouched.
    expect(wire[8]).toBe(ELECTRON_DEFAULT_WIRE.charCodeAt(8));
  });
});
