/**
 * The GitHub Actions workflows cannot run here; what can be checked is that actionlint accepts
 * them (the same check `npm run lint` makes), that actionlint would notice a broken one, that
 * they do what docs/packaging.md says, and the guard that stops a skipped desktop test passing CI.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { electronOutcome } from '../../scripts/ci/electron-ran';

const ROOT = resolve(import.meta.dirname, '../..');
const ACTIONLINT = join(ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');
const workflow = (name: string): string => readFileSync(join(ROOT, '.github', 'workflows', name), 'utf8');

async function actionlint(cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [ACTIONLINT], { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('workflow lint', () => {
  it('passes actionlint', async () => {
    const { code, output } = await actionlint(ROOT);
    expect(output).toContain('Checking 2 workflow file(s)');
    expect(output).toContain('All workflow files passed');
    expect(code).toBe(0);
  }, 60_000);

  it('would catch a broken workflow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peregrine-actionlint-'));
    try {
      mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
      writeFileSync(
        join(dir, '.github', 'workflows', 'broken.yml'),
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ matrix.nope }}\n',
      );
      const { code, output } = await actionlint(dir);
      expect(code).toBe(1);
      expect(output).toMatch(/broken\.yml:6:\d+ property "nope" is not defined/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('ci.yml', () => {
  const ci = workflow('ci.yml');

  it('runs the README test command on Linux, macOS and Windows', () => {
    expect(ci).toMatch(/os: \[ubuntu-[\d.]+, macos-\d+, windows-\d+\]/);
    expect(ci).toContain('run: npm ci --no-audit --no-fund');
    expect(ci).toMatch(/run: xvfb-run .* npm test\n/);
    expect(ci).toMatch(/run: npm test\n/);
  });

  it('installs the real Electron binary and fails if the desktop tests skipped', () => {
    expect(ci).toContain('run: node node_modules/electron/install.js');
    expect(ci).toContain('run: npx tsx scripts/ci/electron-ran.ts reports/e2e.json');
    expect(ci).toContain('PEREGRINE_CHROMIUM: playwright');
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');

  it('builds each OS with our config on a version tag and checks the fuses of what it built', () => {
    expect(release).toMatch(/tags: \['v\*'\]/);
    expect(release).toContain(
      'npx electron-builder --config electron-builder.config.ts --${{ matrix.platform }} --publish always',
    );
    for (const platform of ['linux', 'mac', 'win']) expect(release).toContain(`platform: ${platform}\n`);
    expect(release).toContain('run: npx tsx scripts/packaging/check-fuses.ts ${{ matrix.app }}');
  });

  it('hands each platform only its own certificate', () => {
    expect(release).toContain("CSC_LINK: ${{ matrix.platform == 'mac' && secrets.MAC_CSC_LINK || '' }}");
    expect(release).toContain("WIN_CSC_LINK: ${{ matrix.platform == 'win' && secrets.WIN_CSC_LINK || '' }}");
  });
});

describe('the desktop-tests guard', () => {
  const report = (tests: Array<{ status: string; results: string[] }>, file = 'electron.spec.ts') => ({
    suites: [
      {
        file,
        specs: tests.map((t, i) => ({
          title: `t${i}`,
          file,
          tests: [{ status: t.status, results: t.results.map((status) => ({ status })) }],
        })),
      },
    ],
  });

  it('passes when every desktop test ran and passed', () => {
    expect(electronOutcome(report([{ status: 'expected', results: ['passed'] }]))).toEqual({
      ran: 1,
      notPassed: [],
    });
  });

  it('fails a skipped, failed or flaky desktop test', () => {
    const outcome = electronOutcome(
      report([
        { status: 'skipped', results: ['skipped'] },
        { status: 'unexpected', results: ['failed'] },
        { status: 'flaky', results: ['failed', 'passed'] },
        { status: 'expected', results: ['passed'] },
      ]),
    );
    expect(outcome).toEqual({ ran: 4, notPassed: ['t0 (skipped)', 't1 (unexpected)', 't2 (flaky)'] });
  });

  it('counts every desktop spec file and nothing else', () => {
    const passed = [{ status: 'expected', results: ['passed'] }];
    expect(electronOutcome(report(passed, 'electron.stream.spec.ts')).ran).toBe(1);
    expect(electronOutcome(report(passed, 'orders.spec.ts')).ran).toBe(0);
    expect(electronOutcome(report(passed, 'not-electron.spec.ts')).ran).toBe(0);
  });
});
