// Lint with type information. The import-direction rules encode DESIGN.md §2:
// client → domain → shared, server → domain → shared; shared and domain stay
// pure (no React, Dexie, fetch, window, node:*); only client/storage touches Dexie.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const pureLayerImports = [
  {
    group: [
      'react',
      'react-*',
      'react/*',
      'dexie',
      'dexie/*',
      'node:*',
      'fs',
      'path',
      'http',
      'https',
      'pg',
      '@electric-sql/*',
      'fastify',
      '@fastify/*',
    ],
    message: 'src/shared and src/domain must stay pure (DESIGN.md §2).',
  },
  {
    group: ['**/client/**', '**/server/**', '@client/*', '@server/*'],
    message: 'src/shared and src/domain never import client or server code.',
  },
];
// Node's crypto module by its exact name (a pattern would also catch src/shared/crypto/*): WebCrypto is global.
const pureLayerPaths = [{ name: 'crypto', message: 'src/shared and src/domain must stay pure (DESIGN.md §2): use the global WebCrypto.' }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '.tmp/**', 'dev-dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
  {
    files: ['src/shared/**', 'src/domain/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: pureLayerPaths, patterns: pureLayerImports }],
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'shared/domain run in Node too.' },
        { name: 'document', message: 'shared/domain run in Node too.' },
        { name: 'fetch', message: 'shared/domain do no I/O.' },
        { name: 'localStorage', message: 'shared/domain do no I/O.' },
        { name: 'indexedDB', message: 'shared/domain do no I/O.' },
        { name: 'process', message: 'shared/domain run in the browser too.' },
      ],
    },
  },
  {
    files: ['src/client/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '@server/*', 'node:*', 'pg', '@electric-sql/*', 'fastify', '@fastify/*'],
              message: 'The client never imports server code (DESIGN.md §2).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/client/**'],
    ignores: ['src/client/storage/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '@server/*', 'node:*', 'pg', '@electric-sql/*', 'fastify', '@fastify/*'],
              message: 'The client never imports server code (DESIGN.md §2).',
            },
            { group: ['dexie', 'dexie/*'], message: 'Only src/client/storage imports Dexie (CONVENTIONS.md 3).' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/server/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/client/**', '@client/*', 'react', 'react-*', 'dexie'],
              message: 'The server never imports client code (DESIGN.md §2).',
            },
          ],
        },
      ],
    },
  },
  {
    // Services are called by routes, jobs and the seed alike: they throw ServiceError, never lean on http/.
    files: ['src/server/services/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/client/**', '@client/*', 'react', 'react-*', 'dexie'],
              message: 'The server never imports client code (DESIGN.md §2).',
            },
            {
              group: ['../http', '../http/*', '**/server/http/**', '@server/http/*'],
              message: 'Services never import from http/ (throw ServiceError from ./service-error).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**', 'scripts/**', '*.config.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { 'no-console': 'off' },
  },
);
