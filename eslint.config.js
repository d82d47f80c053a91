import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'
import { chokepointRules } from './eslint.chokepoint.config.js'

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      '*.config.js',
      '*.config.d.ts',
      'scripts/*.mjs',
      'scripts/*.js',
      '.github/actions/**/*.mjs',
      '__tests__/fixtures/',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Only src/action/runner.ts writes to the runner: see eslint.chokepoint.config.js.
    files: ['src/action/**/*.ts', 'src/core/**/*.ts'],
    ignores: ['src/action/runner.ts'],
    rules: chokepointRules,
  },
  prettier,
)
