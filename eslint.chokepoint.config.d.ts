import type { Linter } from 'eslint'

/** The rules that keep every print inside src/action/runner.ts (see eslint.chokepoint.config.js). */
export declare const chokepointRules: Linter.RulesRecord
