import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain Node programs run from a fresh project by scripts/smoke-tarball.sh.
    files: ['test/packaging/fixtures/**/*.{cjs,mjs}'],
    languageOptions: { globals: { require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Code the browser build (rxjs-kinesis/browser) bundles: Node's globals come from the
    // platform modules, which the browser build swaps for its stand-ins.
    files: [
      'src/producer/**/*.ts',
      'src/processors/**/*.ts',
      'src/operators/toKinesis.ts',
      'src/browser/**/*.ts',
      'src/kinesis/**/*.ts',
      'src/errors/**/*.ts',
      'src/logging/**/*.ts',
      'src/platform/*.browser.ts',
      'src/platform/md5.ts',
      'src/platform/page.ts',
    ],
    rules: {
      'no-restricted-globals': [
        'error',
        {
          name: 'Buffer',
          message: 'import { Buffer } from src/platform/buffer.js (the browser build swaps it)',
        },
        { name: 'process', message: 'use src/platform/environment.js (the browser build has no process)' },
      ],
    },
  },
  {
    // CommonJS helpers of the build scripts, loaded by .mjs scripts and by TypeScript tests.
    files: ['scripts/**/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
