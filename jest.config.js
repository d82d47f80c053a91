// Coverage is collected on a run of the whole suite only: `npm test` with no test paths or filters,
// the command CI runs. A run of some files (`npm test -- __tests__/x.test.ts`, `-t name`) collects
// none, so it neither pays for it nor fails the floor; `--coverage` or `--coverage=false` on the
// command line still decide. A value given as a separate word (`--outputFile x`) reads as a path
// here and only turns coverage off.
const args = process.argv.slice(2)
const FILTERS =
  /^(-t|-o|--testNamePattern|--testPathPatterns?|--testPathIgnorePatterns|--findRelatedTests|--onlyChanged|--changedSince|--lastCommit|--shard|--selectProjects|--listTests|--watch|--watchAll)(=|$)/
const wholeSuite = !args.some((arg) => !arg.startsWith('-') || FILTERS.test(arg))

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  // src/ is a root so that coverage counts its files no test loads (no tests live there)
  roots: ['<rootDir>/__tests__', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
    // GitHub's workflow parser imports its JSON schemas without an import attribute
    '/node_modules/@actions/workflow-parser/dist/.+\\.js$':
      '<rootDir>/scripts/jest-json-imports.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@actions/workflow-parser/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // A bound against hangs only, never a speed target: generous, so a loaded machine cannot fail a test
  testTimeout: 120_000,
  maxConcurrency: 4,
  // Two test files at a time, whatever the cores: most files wait on child processes and loopback
  // servers, so Jest's default on 2 cores (one worker) left a core idle. The whole suite took 13 min
  // with one worker and 6 with two (docs/development.md, "Tests that never fail by chance").
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/scripts/jest-totals.js'],
  // V8's own counters over src/, the code that runs in Jest's process. The e2e tests run dist/ in
  // child processes, which these counters do not see (docs/development.md, "Coverage").
  collectCoverage: wholeSuite,
  coverageProvider: 'v8',
  collectCoverageFrom: ['<rootDir>/src/**/*.ts'],
  coverageReporters: ['text-summary', 'json-summary'],
  // The floor: just under the figures measured the day it was set (docs/development.md, "Coverage").
  coverageThreshold: {
    global: { statements: 67, branches: 85, functions: 80, lines: 67 },
  },
}
