import type { Config } from 'jest';

const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

const config: Config = {
  projects: [
    { ...common, displayName: 'test', testMatch: ['<rootDir>/test/**/*.test.ts'] },
    { ...common, displayName: 'marble', testMatch: ['<rootDir>/marble-tests/**/*.spec.ts'] },
  ],
};

export default config;
