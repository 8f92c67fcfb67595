// ESM TypeScript tests in two tiers: `unit` needs no server (npm run test:unit), `integration` starts real
// PostgreSQL clusters and an S3 server (npm run test:integration); npm test runs both.
// Workspace packages resolve to their sources so tests never run stale builds.
const project = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: {
    '^@dbops/(core|github|cli)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/test/tsconfig.json', isolatedModules: true }],
  },
};

/** @type {import('jest').Config} */
export default {
  projects: [
    { ...project, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    { ...project, displayName: 'integration', roots: ['<rootDir>/test/integration'] },
  ],
  testTimeout: 120000,
  maxWorkers: 2,
};
