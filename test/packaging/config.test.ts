/**
 * The electron-builder configuration and its env-driven parts, checked as data. What actually
 * lands in app.asar is checked by bundle.test.ts, which runs electron-builder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import config, { NATIVE_UNPACKED, RENDERER_ONLY_DEPENDENCIES } from '../../electron-builder.config';
import afterPack from '../../scripts/packaging/afterPack';
import { fuseConfig, fuseFlavourFromEnv, fuseStates, RELEASE_FUSES } from '../../scripts/packaging/fuses';
import { githubRepoFrom, publishChoice } from '../../scripts/packaging/publish';
import { signingPlan } from '../../scripts/packaging/signing';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};

type Target = { target: string; arch: string[] };
const targets = (platform: 'mac' | 'win' | 'linux'): Target[] => (config[platform]?.target ?? []) as Target[];

describe('installers', () => {
  it('names the app once', () => {
    expect(config.appId).toBe('app.peregrine.terminal');
    expect(config.productName).toBe('Peregrine');
  });

  it('builds NSIS per user on Windows, without administrator rights', () => {
    expect(targets('win')).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis).toMatchObject({ perMachine: false, allowElevation: false, oneClick: true });
    // A trader's settings and order journal must survive a reinstall.
    expect(config.nsis?.deleteAppDataOnUninstall).toBe(false);
  });

  it('builds dmg and zip for both Mac architectures (the zip is what the updater installs)', () => {
    expect(targets('mac')).toEqual([
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ]);
  });

  it('builds AppImage and deb on Linux', () => {
    expect(targets('linux').map((t) => t.target)).toEqual(['AppImage', 'deb']);
    expect(config.linux?.executableName).toBe('peregrine');
  });

  it('takes every installer icon from the one 1024 px drawing in resources/', () => {
    for (const platform of ['mac', 'win', 'linux'] as const)
      expect(config[platform]?.icon).toBe('resources/icon.png');
    const png = readFileSync(join(ROOT, 'resources', 'icon.png'));
    // IHDR width and height, big-endian, right after the 8-byte signature and the chunk header.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
  });

  it('packs into an asar with the keychain binding unpacked, and never rebuilds native modules', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(NATIVE_UNPACKED);
    expect(NATIVE_UNPACKED).toContain('node_modules/@napi-rs/keyring-*/**');
    expect(config.npmRebuild).toBe(false);
  });

  it('flips fuses in afterPack', () => {
    expect(config.afterPack).toBe(afterPack);
    // Our hook owns the fuses; electron-builder's own fuse step would flip them a second time.
    expect(config.electronFuses).toBeUndefined();
  });

  it('has `npm run dist` build the app first, then the installers for this OS without publishing', () => {
    expect(pkg.scripts.dist).toMatch(
      /^npm run build && electron-builder --config electron-builder.config.ts /,
    );
    expect(pkg.scripts.dist).toContain('--publish never');
  });
});

describe('renderer-only dependencies', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? sources(path) : /\.(ts|tsx|mts|cts)$/.test(name) ? [path] : [];
    });

  it('are never imported by the main process or the preload, so leaving them out of app.asar is safe', () => {
    const files = [...sources(join(ROOT, 'src', 'main')), ...sources(join(ROOT, 'src', 'preload'))];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const name of RENDERER_ONLY_DEPENDENCIES) {
        expect(text, `${file} imports ${name}`).not.toMatch(new RegExp(`from ['"]${name}(/[^'"]*)?['"]`));
      }
    }
  });

  it('cover the renderer libraries declared in package.json', () => {
    for (const name of ['react', 'react-dom', 'lightweight-charts', '@tanstack/react-virtual']) {
      expect(pkg.dependencies).toHaveProperty([name]);
      expect(RENDERER_ONLY_DEPENDENCIES).toContain(name);
    }
  });
});

describe('fuses', () => {
  it('turn off running as Node, NODE_OPTIONS and inspector arguments; load only a verified asar; encrypt cookies', () => {
    expect(RELEASE_FUSES).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    });
  });

  it('set every fuse @electron/fuses knows, by its wire index', () => {
    const wire = fuseConfig({ e2e: false }, 'linux') as unknown as Record<number, boolean>;
    expect(wire[FuseV1Options.RunAsNode]).toBe(false);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    const indices = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');
    for (const index of indices) expect(typeof wire[index], `fuse ${index}`).toBe('boolean');
  });

  it('keep the inspector fuse on only in an e2e build, which Playwright needs', () => {
    expect(fuseFlavourFromEnv({})).toEqual({ e2e: false });
    expect(fuseFlavourFromEnv({ PEREGRINE_E2E_BUILD: '1' })).toEqual({ e2e: true });
    const e2e = fuseStates({ e2e: true });
    expect(e2e.EnableNodeCliInspectArguments).toBe(true);
    expect({ ...e2e, EnableNodeCliInspectArguments: false }).toEqual(RELEASE_FUSES);
  });

  it('re-sign ad hoc after flipping on macOS only (arm64 refuses a broken signature)', () => {
    expect(fuseConfig({ e2e: false }, 'darwin').resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig({ e2e: false }, 'win32').resetAdHocDarwinSignature).toBe(false);
    expect(fuseConfig({ e2e: false }, 'linux').resetAdHocDarwinSignature).toBe(false);
  });
});

describe('signing', () => {
  it('skips signing and says so when no certificate is configured', () => {
    const plan = signingPlan({});
    expect(plan.mac).toEqual({ sign: false, identity: '-', notarize: false });
    expect(plan.win).toEqual({ sign: false, azure: null });
    expect(plan.messages.mac).toMatch(/^macOS: not signed \(CSC_LINK or CSC_NAME is not set\)/);
    expect(plan.messages.win).toMatch(/^Windows: not signed \(WIN_CSC_LINK or CSC_LINK is not set\)/);
    expect(plan.messages.linux).toMatch(/not signed/);
  });

  it('treats blank variables (unset GitHub secrets) as absent', () => {
    expect(signingPlan({ CSC_LINK: '', WIN_CSC_LINK: '  ' }).win.sign).toBe(false);
    expect(signingPlan({ CSC_LINK: '' }).mac.sign).toBe(false);
  });

  it('signs on macOS with a certificate, and notarizes only with complete Apple credentials', () => {
    expect(signingPlan({ CSC_LINK: 'cert.p12' }).mac).toEqual({
      sign: true,
      identity: undefined,
      notarize: false,
    });
    expect(signingPlan({ CSC_LINK: 'cert.p12' }).messages.mac).toMatch(/not notarized/);
    const apiKey = { CSC_LINK: 'c', APPLE_API_KEY: 'k.p8', APPLE_API_KEY_ID: 'id', APPLE_API_ISSUER: 'iss' };
    expect(signingPlan(apiKey).mac.notarize).toBe(true);
    expect(signingPlan(apiKey).messages.mac).toMatch(/notarized with an App Store Connect API key/);
    const appleId = {
      CSC_NAME: 'Dev',
      APPLE_ID: 'a@b',
      APPLE_APP_SPECIFIC_PASSWORD: 'p',
      APPLE_TEAM_ID: 't',
    };
    expect(signingPlan(appleId).mac.notarize).toBe(true);
    expect(signingPlan({ CSC_NAME: 'Dev', APPLE_ID: 'a@b', APPLE_TEAM_ID: 't' }).mac.notarize).toBe(false);
    // Notarization needs a real signature.
    expect(
      signingPlan({ APPLE_API_KEY: 'k', APPLE_API_KEY_ID: 'i', APPLE_API_ISSUER: 's' }).mac.notarize,
    ).toBe(false);
  });

  it('signs on Windows with a certificate file or with Azure Trusted Signing', () => {
    expect(signingPlan({ WIN_CSC_LINK: 'c.pfx' }).win).toEqual({ sign: true, azure: null });
    const azure = signingPlan({
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      AZURE_CLIENT_SECRET: 's',
      AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://eus.codesigning.azure.net',
      AZURE_TRUSTED_SIGNING_PROFILE: 'prof',
      AZURE_TRUSTED_SIGNING_ACCOUNT: 'acct',
      AZURE_TRUSTED_SIGNING_PUBLISHER_NAME: 'Peregrine Ltd',
    });
    expect(azure.win.azure).toEqual({
      publisherName: 'Peregrine Ltd',
      endpoint: 'https://eus.codesigning.azure.net',
      certificateProfileName: 'prof',
      codeSigningAccountName: 'acct',
    });
    expect(azure.messages.win).toBe('Windows: signed with Azure Trusted Signing');
  });
});

describe('update feed', () => {
  it('defaults to GitHub Releases of the repository the release workflow runs in, as drafts', () => {
    expect(publishChoice({ GITHUB_REPOSITORY: 'acme/peregrine' }, undefined).config).toEqual({
      provider: 'github',
      owner: 'acme',
      repo: 'peregrine',
      releaseType: 'draft',
    });
  });

  it('takes the repository from an explicit variable, then package.json', () => {
    expect(
      publishChoice(
        { PEREGRINE_UPDATE_GITHUB_REPO: 'me/fork', GITHUB_REPOSITORY: 'acme/peregrine' },
        undefined,
      ).config,
    ).toMatchObject({ owner: 'me', repo: 'fork' });
    expect(publishChoice({}, 'https://github.com/acme/peregrine.git').config).toMatchObject({
      owner: 'acme',
      repo: 'peregrine',
    });
    expect(githubRepoFrom({ type: 'git', url: 'git+https://github.com/acme/peregrine.git' })).toEqual({
      owner: 'acme',
      repo: 'peregrine',
    });
    expect(githubRepoFrom('github:acme/peregrine')).toEqual({ owner: 'acme', repo: 'peregrine' });
    expect(githubRepoFrom('https://gitlab.com/acme/peregrine')).toBeNull();
  });

  it('builds without a feed, and says so, when no repository is known', () => {
    const choice = publishChoice({}, undefined);
    expect(choice.config).toBeNull();
    expect(choice.message).toMatch(/^updates: off in this build/);
  });

  it('switches to a generic HTTPS server or an S3 bucket', () => {
    expect(
      publishChoice(
        { PEREGRINE_UPDATE_PROVIDER: 'generic', PEREGRINE_UPDATE_URL: 'https://dl.example/p' },
        undefined,
      ).config,
    ).toEqual({ provider: 'generic', url: 'https://dl.example/p', channel: 'latest' });
    expect(() =>
      publishChoice({ PEREGRINE_UPDATE_PROVIDER: 'generic', PEREGRINE_UPDATE_URL: 'http://x' }, null),
    ).toThrow(/must be https/);
    expect(() => publishChoice({ PEREGRINE_UPDATE_PROVIDER: 'generic' }, null)).toThrow(
      /needs PEREGRINE_UPDATE_URL/,
    );
    expect(
      publishChoice(
        {
          PEREGRINE_UPDATE_PROVIDER: 's3',
          PEREGRINE_UPDATE_S3_BUCKET: 'b',
          PEREGRINE_UPDATE_S3_REGION: 'eu-west-1',
        },
        null,
      ).config,
    ).toEqual({ provider: 's3', bucket: 'b', region: 'eu-west-1' });
    expect(() => publishChoice({ PEREGRINE_UPDATE_PROVIDER: 'ftp' }, null)).toThrow(/github, generic or s3/);
  });
});
