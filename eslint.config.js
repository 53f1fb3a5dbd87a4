// Flat config. The layer rules at the bottom are the architecture: src/shared is pure,
// src/main/core never imports electron, the renderer never reaches Node or main code.
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
      ['electron', 'electron/*', '**/electron/**', '**/web/**', '**/renderer/**', '**/preload/**'],
      'The engine runs in plain Node: never import electron or a host.',
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
      ['electron', 'electron/*', '**/main/electron/**', '**/renderer/**'],
      'The web host runs in plain Node.',
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
