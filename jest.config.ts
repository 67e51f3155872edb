import type { Config } from 'jest';

const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Examples import the package by its name, as its users do; in the repository that is src/.
    '^rxjs-kinesis$': '<rootDir>/src/index.ts',
    '^rxjs-kinesis/(local|nestjs|testing|browser)$': '<rootDir>/src/$1/index.ts',
  },
};

const config: Config = {
  // Integration tests start servers and processes and wait on real time: sized for a loaded
  // 2-core machine (a child process alone can take seconds to start there). A global option: jest
  // ignores it inside a project.
  testTimeout: 120_000,
  // A worker leaves once its event loop is empty; jest kills one that has not left 500 ms after
  // being told to, printing "A worker process has failed to exit gracefully". On a loaded 2-core
  // machine a worker can take longer than that to leave with nothing left open.
  // A handle left open would keep a worker alive however long this is: the line still shows then.
  workerGracefulExitTimeout: 5_000,
  // The longest files first, also on a machine where jest has not measured them yet (CI).
  testSequencer: '<rootDir>/scripts/testSequencer.cjs',
  projects: [
    {
      ...common,
      displayName: 'test',
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/examples/**/*.test.ts'],
    },
    { ...common, displayName: 'marble', testMatch: ['<rootDir>/marble-tests/**/*.spec.ts'] },
    {
      // The processors' tests again, on the browser build's platform modules (Uint8Array bytes,
      // plain-TypeScript MD5, TextDecoder UTF-8 checks) instead of Node's Buffer and node:crypto.
      ...common,
      displayName: 'browser-platform',
      testMatch: ['<rootDir>/test/processors/**/*.test.ts'],
      moduleNameMapper: {
        '^(.*/platform/(?:buffer|crypto|isUtf8|util|environment|requestHandler))\\.js$': '$1.browser',
        ...common.moduleNameMapper,
      },
    },
  ],
};

// A CommonJS export (the package is CommonJS): Node versions that strip types load this file
// natively then. With `export default` they fail to (printing a warning) and jest falls back to
// compiling it with ts-node, which costs each jest start seconds of CPU.
module.exports = config;
