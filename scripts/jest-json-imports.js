/**
 * A Jest transform for @actions/workflow-parser's own modules only: they import their JSON schemas
 * without an import attribute (they are written for bundlers), which Jest 30 warns about and its
 * next major refuses. This adds `with { type: 'json' }` to those static JSON imports and changes
 * nothing else. (scripts/workflow-lint.ts does the same for plain Node with a load hook.)
 */
export default {
  process(source) {
    return {
      code: source.replace(
        /^(import\s+\w+\s+from\s+(["'])[^"']+\.json\2)\s*;/gm,
        "$1 with { type: 'json' };",
      ),
    }
  },
}
