/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
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
  reporters: ['default', '<rootDir>/scripts/jest-totals.js'],
}
