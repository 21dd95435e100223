import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import regexp from 'eslint-plugin-regexp';
import svelteConfig from './svelte.config.js';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-cli/',
      'dev-dist/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      // Incident fixtures are inputs as a user would paste them, not project code.
      'tests/incidents/*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte', 'src/**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'], svelteConfig },
    },
    rules: {
      // The page reaches the engine only through the worker API and the model types.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+workers/engine/(?!model(\\.ts)?$)',
              message: 'Use the worker API (src/engine-client.ts) and model.ts types only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workers/**/*.ts'],
    languageOptions: { globals: { ...globals.worker } },
  },
  {
    // Every regular expression that reads user input must run in linear time: a pasted line
    // of `a===b ` × 22 once hung the CLI (exponential backtracking in a detection regex).
    files: ['workers/**/*.ts', 'src/**/*.ts', 'src/**/*.svelte', 'bin/**/*.ts'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
  },
);
