/**
 * The architecture is enforced by lint, so the lint config itself is tested: every top-level
 * source folder has an import block, and the layer rules catch the imports they exist for.
 * Real ESLint with the repository's own config, linting snippets as if they sat in each folder.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

const folders = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${dir}/${e.name}`);

/** `src/*`, with `src/main` standing for its parts (core, web, electron, host), and `sim`. */
const sourceFolders = [...folders('src').flatMap((f) => (f === 'src/main' ? folders(f) : [f])), 'sim'];

/** The rule ids (with messages) that fire when `code` sits at `file`. */
async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'peregrine/adapter-boundaries')
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const importing = (specifier: string): string => `import * as x from '${specifier}';\nexport const y = x;\n`;

describe('lint layers', () => {
  it('found the source folders', () => {
    expect(sourceFolders).toEqual(
      expect.arrayContaining(['src/shared', 'src/main/core', 'src/main/host', 'sim']),
    );
  });

  it.each(sourceFolders)('%s has an import-restriction block', async (folder) => {
    const config = (await eslint.calculateConfigForFile(join(ROOT, folder, 'any.ts'))) as {
      rules?: Record<string, unknown>;
    };
    const rule = config.rules?.['no-restricted-imports'];
    expect(rule, `eslint.config.js has no no-restricted-imports block for ${folder}/**`).toBeDefined();
    const severity: unknown = Array.isArray(rule) ? rule[0] : rule;
    expect(['error', 2]).toContain(severity);
  });

  it.each([
    ['src/main/electron/x.ts', '../web/server'],
    ['src/main/electron/x.ts', '../../renderer/main'],
    ['src/main/host/x.ts', 'electron'],
    ['src/main/host/x.ts', '../web/server'],
    ['src/main/web/x.ts', '../electron/ipc'],
    ['src/main/core/x.ts', '../../../sim/market'],
    ['src/main/core/x.ts', '../host/staticFiles'],
    ['src/main/core/brokers/some-adapter/x.ts', '../../engine'],
    ['src/main/core/brokers/some-adapter/x.ts', '../../ledger/index'],
    ['src/main/core/brokers/some-adapter/deep/x.ts', '../../../ledger'],
    ['src/main/core/brokers/some-adapter/x.ts', '../portfolio-stream/adapter'],
  ])('%s may not import %s', async (file, specifier) => {
    expect(await violations(file, importing(specifier))).not.toEqual([]);
  });

  it.each([
    ['src/main/electron/x.ts', '../host/staticFiles'],
    ['src/main/electron/x.ts', '../core/engine'],
    ['src/main/web/x.ts', '../host/contentSecurity'],
    ['src/main/core/brokers/some-adapter/x.ts', '../kit/backoff'],
    ['src/main/core/brokers/some-adapter/x.ts', '../../supervisor/link'],
    ['src/main/core/brokers/some-adapter/x.ts', './messages'],
    ['src/main/core/brokers/registry.ts', './portfolio-stream/adapter'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await violations(file, importing(specifier))).toEqual([]);
  });
});
