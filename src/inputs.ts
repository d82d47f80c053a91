import { checkApiUrl } from './api-url.ts'
import { parseDuration, formatDuration } from './duration.ts'
import { MAX_LABEL_LENGTH } from './key-name.ts'
import {
  parsePermissions,
  PermissionsError,
  sensitiveCategories,
  type Permissions,
} from './permissions.ts'
import { Secret } from './secret.ts'

/**
 * Every input of action.yml is read and validated here, into one readonly value per mode. Every
 * message a user sees about a bad input is written in this file. It sends nothing anywhere.
 */

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
}

export interface DeleteSettings extends CommonSettings {
  readonly mode: 'delete'
  readonly keyId: number
}

export interface SweepSettings extends CommonSettings {
  readonly mode: 'sweep'
  readonly scope: 'repository' | 'account'
  readonly graceMs: number
  readonly dryRun: boolean
  readonly budgetMs: number
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
  readonly keepPrevious: number
  readonly outputKey: boolean
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
  createBudget: '15m',
} as const

export const TTL_RANGE_MS = { min: 30_000, max: 365 * 86_400_000 }
export const REQUEST_TIMEOUT_RANGE_MS = { min: 100, max: 300_000 }
export const GRACE_RANGE_MS = { min: 0, max: 365 * 86_400_000 }
export const SWEEP_BUDGET_RANGE_MS = { min: 1000, max: 6 * 3_600_000 }
export const CREATE_BUDGET_RANGE_MS = { min: 1000, max: 6 * 3_600_000 }
export const KEEP_PREVIOUS_RANGE = { min: 0, max: 10 }
export const MAX_ATTEMPTS_RANGE = { min: 1, max: 100 }

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

/** Inputs that only some modes read, with action.yml's default (a value equal to it is not "set"). */
const MODE_INPUTS: Record<string, { modes: readonly Mode[]; default: string }> = {
  permissions: { modes: ['create', 'rotate'], default: '' },
  'key-name': { modes: ['create', 'rotate'], default: '' },
  ttl: { modes: ['create', 'rotate'], default: '' },
  'allow-sensitive-permissions': { modes: ['create', 'rotate'], default: 'false' },
  'create-budget': { modes: ['create', 'rotate'], default: '15m' },
  revoke: { modes: ['create'], default: 'post' },
  'cleanup-failure': { modes: ['create'], default: 'warn' },
  'export-env': { modes: ['create'], default: 'false' },
  'export-config': { modes: ['create'], default: 'false' },
  'key-id': { modes: ['delete'], default: '' },
  'sweep-scope': { modes: ['sweep'], default: 'repository' },
  grace: { modes: ['sweep'], default: '0s' },
  'dry-run': { modes: ['sweep'], default: 'false' },
  'sweep-budget': { modes: ['sweep'], default: '10m' },
  'github-token': { modes: ['rotate'], default: '' },
  'github-api-url': { modes: ['rotate'], default: '' },
  'secret-name': { modes: ['rotate'], default: '' },
  'secret-scope': { modes: ['rotate'], default: 'repository' },
  repository: { modes: ['rotate'], default: '' },
  environment: { modes: ['rotate'], default: '' },
  organization: { modes: ['rotate'], default: '' },
  visibility: { modes: ['rotate'], default: 'private' },
  'selected-repositories': { modes: ['rotate'], default: '' },
  'keep-previous': { modes: ['rotate'], default: '0' },
  'output-key': { modes: ['rotate'], default: 'false' },
}

function unusedInputs(source: InputSource, mode: Mode): string[] {
  return Object.entries(MODE_INPUTS)
    .filter(([name, use]) => {
      const value = source.getInput(name)
      return value !== '' && value !== use.default && !use.modes.includes(mode)
    })
    .map(
      ([name, use]) =>
        `Input '${name}' is ignored in ${mode} mode (it is read in ${use.modes.join(' and ')} mode); did you mean another mode?`,
    )
}

const BOOLEAN_TRUE = ['true', 'True', 'TRUE']
const BOOLEAN_FALSE = ['false', 'False', 'FALSE']

type Range = { min: number; max: number }

/** Reads raw inputs into typed values, collecting a message per bad input. */
class Reader {
  readonly problems: string[] = []
  readonly #source: InputSource

  constructor(source: InputSource) {
    this.#source = source
  }

  raw(name: string): string {
    return this.#source.getInput(name)
  }

  problem(input: string, text: string): void {
    this.problems.push(`Input '${input}': ${text}`)
  }

  text(name: string, fallback: string): string {
    return this.raw(name) || fallback
  }

  choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.text(name, fallback)
    if ((allowed as readonly string[]).includes(value)) return value as T
    this.problem(name, `'${value}' is not allowed; use one of: ${allowed.join(', ')}`)
    return fallback
  }

  boolean(name: string): boolean {
    const value = this.raw(name)
    if (!value || BOOLEAN_FALSE.includes(value)) return false
    if (BOOLEAN_TRUE.includes(value)) return true
    this.problem(name, `'${value}' is not a boolean; use true or false`)
    return false
  }

  duration(name: string, fallback: string, range: Range): number {
    const value = this.text(name, fallback)
    const ms = parseDuration(value)
    if (ms === undefined) {
      this.problem(name, `'${value}' is not a duration; write it like 30s, 15m, 6h or 2d`)
    } else if (ms < range.min || ms > range.max) {
      this.problem(
        name,
        `'${value}' is out of range; use from ${formatDuration(range.min)} to ${formatDuration(range.max)}`,
      )
    } else {
      return ms
    }
    return parseDuration(fallback) ?? 0
  }

  integer(name: string, fallback: string, range: Range): number {
    const value = this.text(name, fallback)
    const number = /^\d+$/.test(value) ? Number(value) : NaN
    if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
      this.problem(name, `'${value}' must be a whole number from ${range.min} to ${range.max}`)
      return Number(fallback) || range.min
    }
    return number
  }
}

/** Reads the inputs; throws InputError naming every bad input at once. */
export async function parseInputs(source: InputSource, options: ParseOptions): Promise<Settings> {
  const rawKey = source.getInput('admin-api-key')
  if (rawKey) options.onSecret(rawKey)
  const read = new Reader(source)

  if (!rawKey) {
    read.problem(
      'admin-api-key',
      'it is empty. Pass the parent Vast.ai key from a secret, e.g. `admin-api-key: ${{ secrets.VAST_ADMIN_API_KEY }}`. ' +
        'Secrets are empty in workflows triggered from a fork (pull_request from a fork, or Dependabot), ' +
        'and when the secret is not defined in this repository, environment or organisation.',
    )
  } else if (/[\s\p{Cc}]/u.test(rawKey)) {
    read.problem('admin-api-key', 'it contains whitespace or control characters; check the secret')
  }

  const modeValue = read.text('mode', DEFAULTS.mode)
  const mode = (MODES as readonly string[]).includes(modeValue) ? (modeValue as Mode) : undefined
  if (!mode) read.problem('mode', `'${modeValue}' is not a mode; use one of: ${MODES.join(', ')}`)

  const apiUrl = checkApiUrl(read.text('api-url', DEFAULTS.apiUrl), DEFAULTS.apiUrl)
  if ('problem' in apiUrl) read.problem('api-url', apiUrl.problem)

  const common = {
    warnings: mode ? unusedInputs(source, mode) : [],
    adminKey: new Secret(rawKey),
    apiUrl: 'url' in apiUrl ? apiUrl.url : '',
    maxAttempts: read.integer('max-attempts', DEFAULTS.maxAttempts, MAX_ATTEMPTS_RANGE),
    requestTimeoutMs: read.duration(
      'request-timeout',
      DEFAULTS.requestTimeout,
      REQUEST_TIMEOUT_RANGE_MS,
    ),
    context: readContext(source.env),
  }

  let settings: Settings | undefined
  if (mode === 'create') settings = await createSettings(read, common, options)
  else if (mode === 'delete') settings = deleteSettings(read, common)
  else if (mode === 'sweep') settings = sweepSettings(read, common)
  else if (mode === 'rotate') settings = await rotateSettings(read, common, source, options)

  if (read.problems.length > 0 || !settings) {
    // A message quotes the value it refuses: never the parent key pasted into the wrong input.
    throw new InputError(
      read.problems.map((p) => (rawKey.length >= 4 ? p.split(rawKey).join('***') : p)),
    )
  }
  return settings
}

async function createSettings(
  read: Reader,
  common: CommonSettings,
  options: ParseOptions,
): Promise<CreateSettings> {
  const ttlMs = read.duration('ttl', DEFAULTS.ttl, TTL_RANGE_MS)
  const revoke = read.choice('revoke', ['post', 'never'] as const, DEFAULTS.revoke)
  const cleanupFailure = read.choice(
    'cleanup-failure',
    ['warn', 'fail'] as const,
    DEFAULTS.cleanupFailure,
  )
  const exportEnv = read.boolean('export-env')
  const exportConfig = read.boolean('export-config')
  const createBudgetMs = read.duration(
    'create-budget',
    DEFAULTS.createBudget,
    CREATE_BUDGET_RANGE_MS,
  )
  const allowSensitive = read.boolean('allow-sensitive-permissions')

  const label = readLabel(read, read.raw('key-name') || `gha-${common.context.job}`)
  const permissions = await readPermissions(read, options, allowSensitive)

  return {
    ...common,
    mode: 'create',
    permissions,
    label,
    ttlMs,
    revoke,
    cleanupFailure,
    exportEnv,
    exportConfig,
    createBudgetMs,
  }
}

function deleteSettings(read: Reader, common: CommonSettings): DeleteSettings {
  const text = read.raw('key-id')
  let keyId = 0
  if (!text) {
    read.problem(
      'key-id',
      'it is required in delete mode: the id of the key to delete, e.g. ${{ needs.setup.outputs.key-id }}',
    )
  } else if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
    read.problem('key-id', `'${text}' is not a key id; use the whole number from the key-id output`)
  } else {
    keyId = Number(text)
  }
  return { ...common, mode: 'delete', keyId }
}

function sweepSettings(read: Reader, common: CommonSettings): SweepSettings {
  return {
    ...common,
    mode: 'sweep',
    scope: read.choice('sweep-scope', ['repository', 'account'] as const, DEFAULTS.sweepScope),
    graceMs: read.duration('grace', DEFAULTS.grace, GRACE_RANGE_MS),
    dryRun: read.boolean('dry-run'),
    budgetMs: read.duration('sweep-budget', DEFAULTS.sweepBudget, SWEEP_BUDGET_RANGE_MS),
  }
}

async function readPermissions(
  read: Reader,
  options: ParseOptions,
  allowSensitive: boolean,
): Promise<Permissions> {
  let permissions: Permissions = { api: {} }
  const text = read.raw('permissions')
  if (!text) {
    read.problem(
      'permissions',
      'it is required: a new key never silently inherits the parent key\'s rights. Use a preset such as `instance-manager`, a list such as `instance_read, instance_write`, or JSON such as {"api":{"instance_read":{}}}',
    )
  } else {
    try {
      const needsYaml = !text.startsWith('{') && /[:\n]/.test(text)
      permissions = parsePermissions(text, needsYaml ? await options.loadYaml() : undefined)
      const sensitive = sensitiveCategories(permissions)
      if (sensitive.length > 0 && !allowSensitive) {
        read.problem(
          'permissions',
          `${sensitive.join(', ')} would let a CI key ${describeSensitive(sensitive)}; remove it, or set allow-sensitive-permissions: true if this job really needs it`,
        )
      }
    } catch (error) {
      if (!(error instanceof PermissionsError)) throw error
      read.problem('permissions', error.message)
    }
  }

  return permissions
}

function readLabel(read: Reader, label: string): string {
  if (label.length > MAX_LABEL_LENGTH) {
    read.problem(
      'key-name',
      `it is ${label.length} characters long; use at most ${MAX_LABEL_LENGTH}`,
    )
  } else if (/[\p{Cc}\p{Cf}]/u.test(label)) {
    read.problem('key-name', 'it contains control characters; use printable text')
  }
  return label
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/
const OWNER = /^[A-Za-z0-9-]+$/

async function rotateSettings(
  read: Reader,
  common: CommonSettings,
  source: InputSource,
  options: ParseOptions,
): Promise<RotateSettings> {
  const token = read.raw('github-token')
  if (token) options.onSecret(token)
  else {
    read.problem(
      'github-token',
      'it is required in rotate mode: a token that can write Actions secrets, e.g. from actions/create-github-app-token (permission-secrets: write) or a fine-grained PAT with "Secrets: read and write"; the workflow\'s own GITHUB_TOKEN cannot write secrets',
    )
  }
  const labelText = read.raw('key-name')
  if (!labelText) {
    read.problem(
      'key-name',
      'it is required in rotate mode: it names the rotation (e.g. ci-deploy); older keys with exactly this name are replaced',
    )
  }
  const label = readLabel(read, labelText)
  const allowSensitive = read.boolean('allow-sensitive-permissions')
  const permissions = await readPermissions(read, options, allowSensitive)
  const ttlMs = read.duration('ttl', DEFAULTS.rotateTtl, TTL_RANGE_MS)
  const createBudgetMs = read.duration(
    'create-budget',
    DEFAULTS.createBudget,
    CREATE_BUDGET_RANGE_MS,
  )

  const githubApi = checkApiUrl(
    read.text('github-api-url', source.env.GITHUB_API_URL || DEFAULTS.githubApiUrl),
    DEFAULTS.githubApiUrl,
  )
  if ('problem' in githubApi) read.problem('github-api-url', githubApi.problem)

  const secretName = read.raw('secret-name')
  if (!secretName) {
    read.problem(
      'secret-name',
      'it is required in rotate mode: the Actions secret to write, e.g. VAST_DEPLOY_KEY',
    )
  } else if (!SECRET_NAME.test(secretName) || /^GITHUB_/i.test(secretName)) {
    read.problem(
      'secret-name',
      `'${secretName}' is not a valid secret name: letters, digits and _, not starting with a digit or GITHUB_`,
    )
  }

  const scope = read.choice(
    'secret-scope',
    ['repository', 'environment', 'organization'] as const,
    DEFAULTS.secretScope,
  )
  const repository = read.text('repository', common.context.repository)
  if (scope !== 'organization' && !REPOSITORY.test(repository)) {
    read.problem('repository', `'${repository}' is not owner/repo`)
  }
  let target: SecretTarget = { scope: 'repository', repository }
  if (scope === 'environment') {
    const environment = read.raw('environment')
    if (!environment) read.problem('environment', 'it is required with secret-scope: environment')
    target = { scope, repository, environment }
  } else if (scope === 'organization') {
    const organization = read.raw('organization')
    if (!organization) {
      read.problem('organization', 'it is required with secret-scope: organization')
    } else if (!OWNER.test(organization)) {
      read.problem('organization', `'${organization}' is not an organisation name`)
    }
    const visibility = read.choice(
      'visibility',
      ['all', 'private', 'selected'] as const,
      DEFAULTS.visibility,
    )
    const names = read
      .raw('selected-repositories')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((name) => (name.includes('/') ? name : `${organization}/${name}`))
    if (visibility === 'selected' && names.length === 0) {
      read.problem(
        'selected-repositories',
        'it is required with visibility: selected: repository names separated by commas or new lines',
      )
    }
    for (const name of names) {
      if (!REPOSITORY.test(name))
        read.problem('selected-repositories', `'${name}' is not a repository name`)
      else if (name.split('/')[0]?.toLowerCase() !== organization.toLowerCase()) {
        read.problem(
          'selected-repositories',
          `'${name}' is not in the organisation ${organization}`,
        )
      }
    }
    target = { scope, organization, visibility, selectedRepositories: names }
  }

  return {
    ...common,
    mode: 'rotate',
    permissions,
    label,
    ttlMs,
    createBudgetMs,
    githubToken: new Secret(token),
    githubApiUrl: 'url' in githubApi ? githubApi.url : '',
    secretName,
    target,
    keepPrevious: read.integer('keep-previous', DEFAULTS.keepPrevious, KEEP_PREVIOUS_RANGE),
    outputKey: read.boolean('output-key'),
  }
}

function describeSensitive(categories: string[]): string {
  const what: Record<string, string> = {
    user_write: 'mint and delete API keys',
    billing_write: 'spend money',
    team_write: 'change the team',
  }
  return categories.map((c) => what[c] ?? c).join(', ')
}

/** The run identity that goes into key names; placeholders when run outside a runner. */
export function readContext(env: NodeJS.ProcessEnv): GitHubContext {
  const digits = (value: string | undefined, fallback: string) =>
    value && /^\d+$/.test(value) ? value : fallback
  return {
    repository: env.GITHUB_REPOSITORY || 'local/local',
    runId: digits(env.GITHUB_RUN_ID, '0'),
    runAttempt: digits(env.GITHUB_RUN_ATTEMPT, '1'),
    job: env.GITHUB_JOB || 'local',
  }
}
