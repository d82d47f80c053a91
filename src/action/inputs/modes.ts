import { checkApiUrl } from '../../core/api-url.ts'
import { formatDuration, parseDuration } from '../../core/duration.ts'
import {
  formatKeyName,
  MAX_LABEL_LENGTH,
  parseKeyName,
  rotationTargetId,
} from '../../core/key-name.ts'
import {
  parsePermissions,
  PermissionsError,
  sensitiveCategories,
  type Permissions,
} from '../../core/permissions.ts'
import { Secret } from '../../core/secret.ts'
import type { Reader } from './reader.ts'
import { INSTANCES_WORDS, readInstances } from './instances.ts'
import { readSecretInput } from './secret-input.ts'
import {
  CREATE_BUDGET_RANGE_MS,
  DEFAULTS,
  GRACE_RANGE_MS,
  KEEP_PREVIOUS_RANGE,
  SWEEP_BUDGET_RANGE_MS,
  TTL_RANGE_MS,
  type CommonSettings,
  type CreateSettings,
  type DeleteSettings,
  type InputSource,
  type ParseOptions,
  type RotateSettings,
  type SecretTarget,
  type SweepSettings,
} from './settings.ts'

/** The inputs of each mode, read into its settings; every message about them is written here. */

export async function createSettings(
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
  const createBudgetMs = readCreateBudget(read, ttlMs)
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
    dryRun: read.boolean('dry-run'),
    instances: readInstances(read),
  }
}

export function deleteSettings(read: Reader, common: CommonSettings): DeleteSettings {
  const text = read.raw('key-id')
  let keyId = 0
  if (!text) {
    read.problem(
      'key-id',
      'it is required in delete mode: the id of the key to delete, e.g. ${{ needs.provision.outputs.key-id }}',
    )
  } else if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
    read.problem('key-id', `'${text}' is not a key id; use the whole number from the key-id output`)
  } else {
    keyId = Number(text)
  }
  return {
    ...common,
    mode: 'delete',
    keyId,
    force: read.boolean('force'),
    dryRun: read.boolean('dry-run'),
  }
}

export function sweepSettings(
  read: Reader,
  common: CommonSettings,
  source: InputSource,
  options: ParseOptions,
): SweepSettings {
  const token = readGithubToken(read, options)
  const githubApi = checkApiUrl(
    read.text('github-api-url', source.env.GITHUB_API_URL || DEFAULTS.githubApiUrl),
    DEFAULTS.githubApiUrl,
  )
  if ('problem' in githubApi) read.problem('github-api-url', githubApi.problem)
  return {
    ...common,
    mode: 'sweep',
    scope: read.choice('sweep-scope', ['repository', 'account'] as const, DEFAULTS.sweepScope),
    graceMs: read.duration('grace', DEFAULTS.grace, GRACE_RANGE_MS),
    dryRun: read.boolean('dry-run'),
    budgetMs: read.duration('sweep-budget', DEFAULTS.sweepBudget, SWEEP_BUDGET_RANGE_MS),
    ...(token ? { githubToken: new Secret(token) } : {}),
    githubApiUrl: 'url' in githubApi ? githubApi.url : '',
    instances: read.choice('instances', ['keep', 'destroy'] as const, 'keep', INSTANCES_WORDS),
  }
}

/**
 * `github-token` (rotate and sweep), read as `admin-api-key` is ({@link readSecretInput}): blanks,
 * control characters or a non-header character, or fewer than MIN_SECRET_LENGTH characters, are a
 * problem naming the input; only pieces long enough to be masked safely are masked. Returns the
 * raw value ('' when unset; whether that is allowed is the mode's call).
 */
export function readGithubToken(read: Reader, options: ParseOptions): string {
  return readSecretInput(read, 'github-token', (v) => options.onSecret(v), GITHUB_TOKEN)
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

/**
 * `create-budget`: as set, or by default 15 minutes, or half the ttl when that is shorter, so that
 * a key made after a long wait for Vast's rate limit still has at least half its life. A budget
 * set to the ttl or more is allowed with a warning that says how to silence it.
 */
export function readCreateBudget(read: Reader, ttlMs: number): number {
  const longest = parseDuration(DEFAULTS.createBudget) ?? 0
  if (!read.raw('create-budget')) {
    return Math.max(CREATE_BUDGET_RANGE_MS.min, Math.min(longest, Math.floor(ttlMs / 2000) * 1000))
  }
  const budgetMs = read.duration('create-budget', DEFAULTS.createBudget, CREATE_BUDGET_RANGE_MS)
  if (budgetMs >= ttlMs) {
    read.warn(
      'create-budget',
      `it is not shorter than ttl (${formatDuration(ttlMs)}): after a long wait for Vast's rate limit, the key could be made past its own deadline, and a sweep would delete it while the job runs. ` +
        `Set create-budget below ttl, or leave it unset (the default is ${DEFAULTS.createBudget}, or half the ttl when that is shorter) to silence this`,
    )
  }
  return budgetMs
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
/** How `github-token` is described when it is too short. */
const GITHUB_TOKEN = { what: 'a token', usual: 'GitHub tokens are 40 or more' }

// `.` and `..` are no repository names: in the API's path they would be resolved away.
const REPOSITORY = /^[A-Za-z0-9-]+\/(?!\.\.?$)[A-Za-z0-9._-]+$/
const OWNER = /^[A-Za-z0-9-]+$/

export async function rotateSettings(
  read: Reader,
  common: CommonSettings,
  source: InputSource,
  options: ParseOptions,
): Promise<RotateSettings> {
  const token = readGithubToken(read, options)
  if (!token) {
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
  const createBudgetMs = readCreateBudget(read, ttlMs)
  if (labelText) {
    // The label is the rotation's identity: it must come back whole from the key's name.
    const sample = formatKeyName({
      label,
      kind: 'rot',
      expiresAt: new Date(Date.UTC(2099, 0, 1)),
      ...common.context,
      target: 'f'.repeat(12),
      nonce: 'ffffffff',
    })
    const kept = parseKeyName(sample)?.label ?? ''
    if (kept !== label) {
      read.problem(
        'key-name',
        `it is too long to be kept whole in a key name for ${common.context.repository}; use at most ${kept.length} characters`,
      )
    }
  }

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
  // An input of another scope would be ignored, and the secret written somewhere else than meant.
  for (const [input, needs] of TARGET_INPUTS) {
    if (needs !== scope && read.raw(input)) {
      read.problem(
        input,
        `it is used only with secret-scope: ${needs}, and secret-scope is ${scope}: set secret-scope: ${needs}, or remove ${input}`,
      )
    }
  }
  if (scope === 'environment') {
    const environment = read.raw('environment')
    if (!environment) read.problem('environment', 'it is required with secret-scope: environment')
    else {
      const wrong = environmentProblem(environment)
      if (wrong) read.problem('environment', wrong)
    }
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
    // Without a valid organisation the names cannot be checked: that problem is reported once.
    for (const name of OWNER.test(organization) ? names : []) {
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
    targetId: rotationTargetId(targetParts(target, secretName)),
    keepPrevious: read.integer('keep-previous', DEFAULTS.keepPrevious, KEEP_PREVIOUS_RANGE),
    outputKey: read.boolean('output-key'),
    dryRun: read.boolean('dry-run'),
  }
}

/** Target inputs and the one secret-scope each belongs to. */
const TARGET_INPUTS = [
  ['environment', 'environment'],
  ['organization', 'organization'],
  ['visibility', 'organization'],
  ['selected-repositories', 'organization'],
] as const

/**
 * Why `name` cannot be a GitHub environment, or undefined. GitHub: an environment name may not
 * exceed 255 characters (GitHub Docs, "Managing environments for deployment"). It is one segment
 * of the API's path: `.` and `..` would be resolved away and `/` would split it, so the request
 * would reach another URL; control characters are never part of a name.
 */
export function environmentProblem(name: string): string | undefined {
  const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)
  if (name.length > 255) return `${shown} is ${name.length} characters long; GitHub allows 255`
  if (name.trim() === '.' || name.trim() === '..')
    return `${shown} is not an environment name: give the environment's name as in Settings, Environments`
  if (/[\p{Cc}\p{Cf}]/u.test(name)) return `${shown} holds control characters`
  if (name.includes('/'))
    return `${shown} holds '/', which no environment name can hold in the API's path`
  return undefined
}

/**
 * What names a secret, in order: scope, owner (repository or organisation), environment, name.
 * A repository secret and an environment secret of one repository are different targets, and so
 * are two environments or two secret names.
 */
export function targetParts(target: SecretTarget, secretName: string): string[] {
  if (target.scope === 'organization') return [target.scope, target.organization, secretName]
  if (target.scope === 'environment')
    return [target.scope, target.repository, target.environment, secretName]
  return [target.scope, target.repository, secretName]
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
