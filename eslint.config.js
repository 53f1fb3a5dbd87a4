// Flat config. The layer rules at the bottom are the architecture: src/shared is pure,
// src/main/core never imports electron, the renderer never reaches Node or main code, the two
// hosts share src/main/host and never import each other, adapters stay apart from the engine.
// test/lint/layers.test.ts checks that every top-level source folder has a block here.
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'worker_threads',
];
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

const ROOT = dirname(fileURLToPath(import.meta.url));
const CORE = resolve(ROOT, 'src/main/core');
const BROKERS = resolve(CORE, 'brokers');
/** Shared building blocks every adapter may use. */
const ADAPTER_KIT = 'kit';

function isFolder(path) {
  return existsSync(path) && statSync(path).isDirectory();
}

/** First path segment of `path` under `dir`, or null when `path` is not inside it. */
function segmentUnder(dir, path) {
  const rel = relative(dir, path);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return null;
  return rel.split(sep)[0];
}

/**
 * Adapters (src/main/core/brokers/<kind>/) never import the engine, the ledger or another
 * adapter: the engine reaches adapters only through the registry, and an adapter reaches the
 * engine only through the Connection interface. Import specifiers are resolved against the
 * importing file, so `../../engine` and `../tradovate/x` are caught however they are spelt.
 */
const adapterBoundaries = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      engine: 'An adapter never imports the engine: it talks to it through the Connection interface.',
      ledger: 'An adapter never imports the ledger: it emits normalized events and keeps no order state.',
      sibling: 'An adapter never imports another adapter ({{other}}); shared code goes in brokers/kit/.',
    },
  },
  create(context) {
    const file = context.filename;
    const own = segmentUnder(BROKERS, file);
    // Only files inside an adapter folder (not brokers/registry.ts, not the kit).
    if (own === null || own === ADAPTER_KIT || relative(BROKERS, file) === own) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(file), source);
      const inCore = segmentUnder(CORE, target) ?? '';
      if (/^engine(\.[jt]s)?$/.test(inCore)) return context.report({ node, messageId: 'engine' });
      if (/^ledger(\.[jt]s)?$/.test(inCore)) return context.report({ node, messageId: 'ledger' });
      const other = segmentUnder(BROKERS, target);
      // Files directly in brokers/ (the registry) are not adapters; every folder but the kit is.
      if (other === null || other === own || other === ADAPTER_KIT || !isFolder(resolve(BROKERS, other)))
        return;
      context.report({ node, messageId: 'sibling', data: { other } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'playwright-report/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict(
        ['electron', 'ws', ...nodeBuiltins, '**/main/**', '**/preload/**', '**/sim/**'],
        'The renderer reaches the engine only through window.terminal (src/shared types only).',
      ),
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict(
      [
        'electron',
        'ws',
        'react',
        ...nodeBuiltins,
        '**/main/**',
        '**/renderer/**',
        '**/preload/**',
        '**/sim/**',
      ],
      'src/shared is pure: domain types, the contract and math only.',
    ),
  },
  {
    // The simulated venue (matcher, price process) shared by the paper broker and the simulators.
    files: ['src/exchange/**/*.ts'],
    rules: restrict(
      [
        'electron',
        'ws',
        'react',
        ...nodeBuiltins,
        '**/main/**',
        '**/renderer/**',
        '**/preload/**',
        '**/sim/**',
      ],
      'src/exchange is pure: it imports only src/shared (core/paper and sim/ import it).',
    ),
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: restrict(
      [
        'electron',
        'electron/*',
        '**/electron/**',
        '**/web/**',
        '**/host/**',
        '**/renderer/**',
        '**/preload/**',
        '**/sim/**',
      ],
      'The engine runs in plain Node: never import electron, a host or a simulator.',
    ),
  },
  {
    files: ['src/main/core/brokers/**/*.ts'],
    plugins: { peregrine: { rules: { 'adapter-boundaries': adapterBoundaries } } },
    rules: { 'peregrine/adapter-boundaries': 'error' },
  },
  {
    // Code both hosts share: serving the renderer, the CSP, rate limits, the data-directory lock.
    files: ['src/main/host/**/*.ts'],
    rules: restrict(
      [
        'electron',
        'electron/*',
        '**/electron/**',
        '**/web/**',
        '**/renderer/**',
        '**/preload/**',
        '**/sim/**',
      ],
      'src/main/host is shared by both hosts: plain Node, core and shared only.',
    ),
  },
  {
    files: ['src/main/updates/**/*.ts'],
    rules: restrict(
      [
        'electron',
        'electron/*',
        'electron-updater',
        '**/main/electron/**',
        '**/web/**',
        '**/renderer/**',
        '**/preload/**',
      ],
      'Update decisions are pure and tested in plain Node; src/main/electron/updates.ts binds them.',
    ),
  },
  {
    files: ['src/main/web/**/*.ts'],
    rules: restrict(
      ['electron', 'electron/*', '**/electron/**', '**/renderer/**', '**/preload/**', '**/sim/**'],
      'The web host runs in plain Node; what it shares with the Electron host lives in src/main/host.',
    ),
  },
  {
    files: ['src/main/electron/**/*.ts'],
    rules: restrict(
      ['**/web/**', '**/renderer/**', '**/preload/**', '**/sim/**'],
      'The Electron host imports core, shared, host and electron only; what it shares with the web host lives in src/main/host.',
    ),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: restrict(
      [
        'ws',
        'zod',
        ...nodeBuiltins,
        '**/main/**',
        '**/renderer/**',
        '**/shared/contract',
        '**/shared/domain',
      ],
      'The preload imports only electron and our channel names / types (it runs sandboxed, as CommonJS).',
    ),
  },
  {
    files: ['sim/**/*.ts'],
    rules: restrict(
      ['electron', '**/src/main/**', '**/src/renderer/**'],
      'Simulators depend only on src/shared and src/exchange.',
    ),
  },
);
