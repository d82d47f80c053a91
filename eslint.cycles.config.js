// No import cycles: a file may not import, directly or through others, a file that imports it.
// eslint-plugin-import-x's no-cycle follows every static import, re-export and dynamic import()
// (type-only imports are erased by TypeScript, and the rule skips them; __tests__/layout.test.ts
// refuses those cycles under src/). eslint.config.js applies this to every TypeScript file, and
// __tests__/import-cycles.test.ts lints a two-file and a three-file cycle to prove it is caught.
import { createNodeResolver, importX } from 'eslint-plugin-import-x'

export const cycleConfig = {
  plugins: { 'import-x': importX },
  settings: {
    // The project imports its own files by their real path (`./policy.ts`), as Node runs them.
    'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs'] })],
    'import-x/extensions': ['.ts', '.js', '.mjs'],
  },
  rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
}
