import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'build-bench/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Browser scripts: classic scripts served as they are (src/web/assets.ts); type-checked by tsconfig.browser.json.
    files: ['src/web/browser/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, SimpleWebAuthnBrowser: 'readonly' } },
  },
  {
    // The store implements, features own: store/ holds the SQL and imports nothing from feature folders. Its
    // kernel is src/crypto (the field cipher that encrypts columns), src/errors (the one error type a uniqueness
    // or existence check throws) and src/threads (where a worker thread finds its module); packages: kysely, pg,
    // better-sqlite3 and node built-ins.
    files: ['src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Out of src/store: only to the kernel (`../crypto/`, `../errors/`, `../threads/`); migrations stay inside.
              regex: '^(\\.\\./){2,}|^\\.\\./(?!crypto/|errors/|threads/)[^/]*/',
              message: 'store/ imports nothing from features: declare the row shape here; features keep their own types.',
            },
            {
              regex: '^(?!\\.|node:|kysely$|pg$|better-sqlite3$)',
              message: 'store/ uses kysely, pg, better-sqlite3 and node built-ins only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read loosely typed JSON answers; `any` there keeps assertions readable.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
