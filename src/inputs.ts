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

export const MODES = ['create'] as const
export type Mode = (typeof MODES)[number]

export interface GitHubContext {
  repository: string
  runId: string
  runAttempt: string
  job: string
}

export interface CommonSettings {
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
}

export type Settings = CreateSettings

export const DEFAULTS = {
  mode: 'create',
  ttl: '6h',
  revoke: 'post',
  apiUrl: 'https://console.vast.ai',
  cleanupFailure: 'warn',
  maxAttempts: '5',
  requestTimeout: '30s',
} as const

export const TTL_RANGE_MS = { min: 30_000, max: 365 * 86_400_000 }
export const REQUEST_TIMEOUT_RANGE_MS = { min: 100, max: 300_000 }
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
  /** Called with the parent key the moment it is read, before anything else can print it. */
  onSecret(value: string): void
  /** Loads the YAML parser only when the permissions input needs it. */
  loadYaml(): Promise<(text: string) => unknown>
}

const BOOLEAN_TRUE = ['true', 'True', 'TRUE']
const BOOLEAN_FALSE = ['false', 'False', 'FALSE']

/** Reads the inputs; throws InputError naming every bad input at once. */
export async function parseInputs(source: InputSource, options: ParseOptions): Promise<Settings> {
  const rawKey = source.getInput('admin-api-key')
  if (rawKey) options.onSecret(rawKey)
  const problems: string[] = []
  const problem = (input: string, text: string) => problems.push(`Input '${input}': ${text}`)
  const read = (name: string, fallback: string) => source.getInput(name) || fallback

  const choice = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = read(name, fallback)
    if ((allowed as readonly string[]).includes(value)) return value as T
    problem(name, `'${value}' is not allowed; use one of: ${allowed.join(', ')}`)
    return fallback
  }

  const boolean = (name: string, fallback: boolean): boolean => {
    const value = source.getInput(name)
    if (!value) return fallback
    if (BOOLEAN_TRUE.includes(value)) return true
    if (BOOLEAN_FALSE.includes(value)) return false
    problem(name, `'${value}' is not a boolean; use true or false`)
    return fallback
  }

  const duration = (name: string, fallback: string, range: { min: number; max: number }) => {
    const value = read(name, fallback)
    const ms = parseDuration(value)
    if (ms === undefined) {
      problem(name, `'${value}' is not a duration; write it like 30s, 15m, 6h or 2d`)
    } else if (ms < range.min || ms > range.max) {
      problem(
        name,
        `'${value}' is out of range; use from ${formatDuration(range.min)} to ${formatDuration(range.max)}`,
      )
    } else {
      return ms
    }
    return parseDuration(fallback) ?? 0
  }

  const integer = (name: string, fallback: string, range: { min: number; max: number }) => {
    const value = read(name, fallback)
    const number = /^\d+$/.test(value) ? Number(value) : NaN
    if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
      problem(name, `'${value}' must be a whole number from ${range.min} to ${range.max}`)
      return Number(fallback)
    }
    return number
  }

  if (!rawKey) {
    problem(
      'admin-api-key',
      'it is empty. Pass the parent Vast.ai key from a secret, e.g. `admin-api-key: ${{ secrets.VAST_ADMIN_API_KEY }}`. ' +
        'Secrets are empty in workflows triggered from a fork (pull_request from a fork, or Dependabot), ' +
        'and when the secret is not defined in this repository, environment or organisation.',
    )
  } else if (/[\s\p{Cc}]/u.test(rawKey)) {
    problem('admin-api-key', 'it contains whitespace or control characters; check the secret')
  }

  const modeValue = read('mode', DEFAULTS.mode)
  if (!(MODES as readonly string[]).includes(modeValue)) {
    problem('mode', `'${modeValue}' is not a mode; use one of: ${MODES.join(', ')}`)
  }

  const apiUrlText = read('api-url', DEFAULTS.apiUrl)
  const apiUrl = checkApiUrl(apiUrlText)
  if ('problem' in apiUrl) problem('api-url', apiUrl.problem)

  const maxAttempts = integer('max-attempts', DEFAULTS.maxAttempts, MAX_ATTEMPTS_RANGE)
  const requestTimeoutMs = duration(
    'request-timeout',
    DEFAULTS.requestTimeout,
    REQUEST_TIMEOUT_RANGE_MS,
  )
  const ttlMs = duration('ttl', DEFAULTS.ttl, TTL_RANGE_MS)
  const revoke = choice('revoke', ['post', 'never'] as const, DEFAULTS.revoke)
  const cleanupFailure = choice(
    'cleanup-failure',
    ['warn', 'fail'] as const,
    DEFAULTS.cleanupFailure,
  )
  const exportEnv = boolean('export-env', false)
  const allowSensitive = boolean('allow-sensitive-permissions', false)

  const context = readContext(source.env)
  const label = source.getInput('key-name') || `gha-${context.job}`
  if (label.length > MAX_LABEL_LENGTH) {
    problem('key-name', `it is ${label.length} characters long; use at most ${MAX_LABEL_LENGTH}`)
  } else if (/[\p{Cc}\p{Cf}]/u.test(label)) {
    problem('key-name', 'it contains control characters; use printable text')
  }

  let permissions: Permissions | undefined
  const permissionsText = source.getInput('permissions')
  if (!permissionsText) {
    problem(
      'permissions',
      'it is required: a new key never silently inherits the parent key\'s rights. Use a preset such as `instance-manager`, a list such as `instance_read, instance_write`, or JSON such as {"api":{"instance_read":{}}}',
    )
  } else {
    try {
      const needsYaml = !permissionsText.startsWith('{') && /[:\n]/.test(permissionsText)
      const parseYaml = needsYaml ? await options.loadYaml() : undefined
      permissions = parsePermissions(permissionsText, parseYaml)
      const sensitive = sensitiveCategories(permissions)
      if (sensitive.length > 0 && !allowSensitive) {
        problem(
          'permissions',
          `${sensitive.join(', ')} would let a CI key ${describeSensitive(sensitive)}; remove it, or set allow-sensitive-permissions: true if this job really needs it`,
        )
      }
    } catch (error) {
      if (!(error instanceof PermissionsError)) throw error
      problem('permissions', error.message)
    }
  }

  if (problems.length > 0 || !permissions || 'problem' in apiUrl) throw new InputError(problems)
  return {
    mode: 'create',
    adminKey: new Secret(rawKey),
    apiUrl: apiUrl.url,
    maxAttempts,
    requestTimeoutMs,
    context,
    permissions,
    label,
    ttlMs,
    revoke,
    cleanupFailure,
    exportEnv,
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
  return {
    repository: env.GITHUB_REPOSITORY || 'local/local',
    runId: /^\d+$/.test(env.GITHUB_RUN_ID ?? '') ? (env.GITHUB_RUN_ID as string) : '0',
    runAttempt: /^\d+$/.test(env.GITHUB_RUN_ATTEMPT ?? '')
      ? (env.GITHUB_RUN_ATTEMPT as string)
      : '1',
    job: env.GITHUB_JOB || 'local',
  }
}
