import type { Linter } from 'eslint'

/** The no-cycle rule with its plugin and resolver (see eslint.cycles.config.js). */
export declare const cycleConfig: Linter.Config
