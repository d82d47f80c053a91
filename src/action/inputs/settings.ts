import type { Permissions } from '../../core/permissions.ts'
import type { Secret } from '../../core/secret.ts'
import type { MatrixPlace } from '../../core/vast/schedule.ts'

export type { MatrixPlace }

/**
 * `instances` and `instances-grace` (create mode): whether the post step destroys the GPU
 * instances the job labelled with its instance label, and how long it waits before it lists them
 * a second time (for creates Vast lists late). Read by main (a bad value fails main before any key
 * is made) and again by post, which decides from its own inputs (docs/instances.md). Parsed by
 * src/action/inputs/instances.ts.
 */
export interface InstancesSettings {
  readonly instances: 'keep' | 'destroy'
  /** The wait before the second listing, ms. */
  readonly graceMs: number
}

/** The typed, readonly values the inputs become: one per mode. */

export const MODES = ['create', 'delete', 'sweep', 'rotate'] as const
export type Mode = (typeof MODES)[number]

export interface GitHubContext {
  repository: string
  runId: string
  runAttempt: string
  job: string
}

export interface CommonSettings {
  /** Inputs given a value that this mode does not use: said as warnings, not errors. */
  readonly warnings: readonly string[]
  readonly adminKey: Secret
  readonly apiUrl: string
  readonly maxAttempts: number
  readonly requestTimeoutMs: number
  readonly context: GitHubContext
  /** Where this job stands in its matrix (`job-total`, `job-index`, `max-parallel`). */
  readonly matrix: MatrixPlace
}

export interface CreateSettings extends CommonSettings {
  readonly mode: 'create'
  readonly permissions: Permissions
  readonly label: string
  readonly ttlMs: number
  readonly revoke: 'post' | 'never'
  readonly cleanupFailure: 'warn' | 'fail'
  readonly exportEnv: boolean
  readonly exportConfig: boolean
  readonly createBudgetMs: number
  /** Check and report what would be minted (src/action/modes/dry-run.ts); mint nothing. */
  readonly dryRun: boolean
  /** With `broker-url`: the key comes from the key broker, not from a parent key (docs/broker.md). */
  readonly broker?: BrokerSettings
  /** `instances` and `instances-grace` (src/action/inputs/instances.ts, docs/instances.md). */
  readonly instances: InstancesSettings
}

/** Where the key broker is and which audience its OIDC token must carry (src/action/inputs/broker-client.ts). */
export interface BrokerSettings {
  readonly url: string
  readonly audience: string
  /** `ttl` was left empty: send none, and the broker gives the matching rule's max-ttl. */
  readonly ttlFromRule: boolean
}

export interface DeleteSettings extends CommonSettings {
  readonly mode: 'delete'
  readonly keyId: number
  /** Delete the key even when its name says this action did not make it. */
  readonly force: boolean
  /** Every check, then "Would delete key N"; nothing is deleted. */
  readonly dryRun: boolean
}

export interface SweepSettings extends CommonSettings {
  readonly mode: 'sweep'
  readonly scope: 'repository' | 'account'
  readonly graceMs: number
  readonly dryRun: boolean
  readonly budgetMs: number
  /** Run-aware sweep: a token that can read this repository's workflow runs (actions: read). */
  readonly githubToken?: Secret
  readonly githubApiUrl: string
  /** `destroy`: the sweep also destroys the action's instances past their deadline (docs/instances.md). */
  readonly instances: 'keep' | 'destroy'
}

export type SecretTarget =
  | { readonly scope: 'repository'; readonly repository: string }
  | { readonly scope: 'environment'; readonly repository: string; readonly environment: string }
  | {
      readonly scope: 'organization'
      readonly organization: string
      readonly visibility: 'all' | 'private' | 'selected'
      /** `owner/repo` names, for visibility: selected. */
      readonly selectedRepositories: readonly string[]
    }

export interface RotateSettings extends CommonSettings {
  readonly mode: 'rotate'
  readonly permissions: Permissions
  /** The rotation identity: the human part of the key name, matched exactly. */
  readonly label: string
  readonly ttlMs: number
  readonly createBudgetMs: number
  readonly githubToken: Secret
  readonly githubApiUrl: string
  readonly secretName: string
  readonly target: SecretTarget
  /** `rotationTargetId` of the target and secret name: written into the key name (`t=`). */
  readonly targetId: string
  readonly keepPrevious: number
  readonly outputKey: boolean
  /** Check and report what would be minted, written and retired; change nothing. */
  readonly dryRun: boolean
}

export type Settings = CreateSettings | DeleteSettings | SweepSettings | RotateSettings

export const DEFAULTS = {
  mode: 'create',
  ttl: '6h',
  rotateTtl: '30d',
  secretScope: 'repository',
  visibility: 'private',
  keepPrevious: '0',
  githubApiUrl: 'https://api.github.com',
  revoke: 'post',
  apiUrl: 'https://console.vast.ai',
  cleanupFailure: 'warn',
  maxAttempts: '5',
  requestTimeout: '30s',
  sweepScope: 'repository',
  grace: '0s',
  sweepBudget: '10m',
  /** The longest default create-budget; a shorter ttl makes it half the ttl. */
  createBudget: '15m',
} as const

/**
 * The shortest `admin-api-key` and `github-token` accepted. The runner masks a secret wherever it
 * appears in the job's log, so a value of a few characters hides ordinary words in every line and
 * shows the secret by the holes it leaves; it is also no real credential. Real ones are far
 * longer: a Vast key is 64 hex characters (vast-api.md), GitHub tokens 40 (`ghp_`, `ghs_`, a
 * classic hex token) to 93 (`github_pat_`). 20 characters leave room for any other format and are
 * well above the 12-character runs the action scrubs from its own messages (src/action/runner.ts).
 */
export const MIN_SECRET_LENGTH = 20
/** A refused secret this long or longer is still masked: it may be a real key cut short. */
export const MASKED_SECRET_LENGTH = 8

export const TTL_RANGE_MS = { min: 30_000, max: 365 * 86_400_000 }
/**
 * The longest request-timeout whose late-apply window post can still wait out: post's budget
 * (POST_BUDGET_MS, 50 s) less the 2 s it keeps for its last look (create-post.ts) is 48 s, and
 * the window is request-timeout plus a margin of half of it, at least 10 s (lateApplyMarginMs,
 * step-keys.ts): 32 s + 16 s = 48 s. A longer one gets a warning in create mode.
 */
export const POST_COVERED_REQUEST_TIMEOUT_MS = 32_000
/** What post can wait for a late apply: its 50 s budget less the 2 s kept for its last look. */
export const POST_LATE_APPLY_WAIT_MS = 48_000

export const REQUEST_TIMEOUT_RANGE_MS = { min: 100, max: 300_000 }
export const GRACE_RANGE_MS = { min: 0, max: 365 * 86_400_000 }
export const SWEEP_BUDGET_RANGE_MS = { min: 1000, max: 6 * 3_600_000 }
export const CREATE_BUDGET_RANGE_MS = { min: 1000, max: 6 * 3_600_000 }
export const KEEP_PREVIOUS_RANGE = { min: 0, max: 10 }
export const MAX_ATTEMPTS_RANGE = { min: 1, max: 100 }
/** GitHub runs at most 256 jobs per matrix; a wider range leaves room for anything else. */
export const JOB_TOTAL_RANGE = { min: 1, max: 100_000 }

export class InputError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? (problems[0] ?? '')
        : `${problems.length} inputs are wrong:\n- ${problems.join('\n- ')}`,
    )
    this.problems = problems
  }
}

export interface InputSource {
  getInput(name: string): string
  env: NodeJS.ProcessEnv
}

export interface ParseOptions {
  /** Called with each secret input (the parent key first) the moment it is read. */
  onSecret(value: string): void
  /** Loads the YAML parser only when the permissions input needs it. */
  loadYaml(): Promise<(text: string) => unknown>
}
