import { checkApiUrl, withoutVastApiPath } from '../../core/api-url.ts'
import { relativeXdgConfigHome } from '../config-file.ts'
import { formatDuration } from '../../core/duration.ts'
import { Secret } from '../../core/secret.ts'
import { createSettings, deleteSettings, rotateSettings, sweepSettings } from './modes.ts'
import { readBroker } from './broker-client.ts'
import { readMatrixPlace } from './matrix.ts'
import { meant, Reader } from './reader.ts'
import { readSecretInput } from './secret-input.ts'
import {
  DEFAULTS,
  InputError,
  MAX_ATTEMPTS_RANGE,
  MODES,
  POST_COVERED_REQUEST_TIMEOUT_MS,
  POST_LATE_APPLY_WAIT_MS,
  REQUEST_TIMEOUT_RANGE_MS,
  type GitHubContext,
  type InputSource,
  type Mode,
  type ParseOptions,
  type Settings,
} from './settings.ts'

export * from './settings.ts'

/**
 * Every input of action.yml is read and validated here (this folder), into one readonly value per
 * mode. Every message a user sees about a bad input is written here. It sends nothing anywhere.
 */

/** Inputs that only some modes read, with action.yml's default (a value equal to it is not "set"). */
const MODE_INPUTS: Record<string, { modes: readonly Mode[]; default: string }> = {
  permissions: { modes: ['create', 'rotate'], default: '' },
  'key-name': { modes: ['create', 'rotate'], default: '' },
  ttl: { modes: ['create', 'rotate'], default: '' },
  'allow-sensitive-permissions': { modes: ['create', 'rotate'], default: 'false' },
  'create-budget': { modes: ['create', 'rotate'], default: '' },
  revoke: { modes: ['create'], default: 'post' },
  'cleanup-failure': { modes: ['create'], default: 'warn' },
  'export-env': { modes: ['create'], default: 'false' },
  'export-config': { modes: ['create'], default: 'false' },
  instances: { modes: ['create', 'sweep'], default: 'keep' },
  'instances-grace': { modes: ['create'], default: '10s' },
  'key-id': { modes: ['delete'], default: '' },
  force: { modes: ['delete'], default: 'false' },
  'sweep-scope': { modes: ['sweep'], default: 'repository' },
  grace: { modes: ['sweep'], default: '0s' },
  'dry-run': { modes: ['create', 'delete', 'sweep', 'rotate'], default: 'false' },
  'sweep-budget': { modes: ['sweep'], default: '10m' },
  'github-token': { modes: ['rotate', 'sweep'], default: '' },
  'github-api-url': { modes: ['rotate', 'sweep'], default: '' },
  'secret-name': { modes: ['rotate'], default: '' },
  'secret-scope': { modes: ['rotate'], default: 'repository' },
  repository: { modes: ['rotate'], default: '' },
  environment: { modes: ['rotate'], default: '' },
  organization: { modes: ['rotate'], default: '' },
  visibility: { modes: ['rotate'], default: '' },
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
        `Input '${name}' is ignored in ${mode} mode (it is read in ${listWords(use.modes)} mode); did you mean another mode?`,
    )
}

/** `a`, `a and b`, `a, b and c`. */
function listWords(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}

export async function parseInputs(source: InputSource, options: ParseOptions): Promise<Settings> {
  const read = new Reader(source)
  const rawKey = readSecretInput(read, 'admin-api-key', (v) => options.onSecret(v), {
    what: 'a key',
    usual: 'a Vast.ai key is 64',
  })
  const modeText = source.getInput('mode') || DEFAULTS.mode
  const broker = readBroker(
    read,
    rawKey !== '',
    (MODES as readonly string[]).includes(modeText) ? (modeText as Mode) : undefined,
  )

  if (broker) {
    // Checked in readBroker: with a broker, admin-api-key must be empty.
  } else if (!rawKey) {
    read.problem(
      'admin-api-key',
      'it is empty. Pass the parent Vast.ai key from a secret, e.g. `admin-api-key: ${{ secrets.VAST_ADMIN_API_KEY }}`. ' +
        'Secrets are empty in workflows triggered from a fork (pull_request from a fork, or Dependabot), ' +
        'and when the secret is not defined in this repository, environment or organisation.',
    )
  }

  const modeValue = read.text('mode', DEFAULTS.mode)
  const mode = (MODES as readonly string[]).includes(modeValue) ? (modeValue as Mode) : undefined
  if (!mode)
    read.problem(
      'mode',
      `'${modeValue}' is not a mode; use one of: ${MODES.join(', ')}` + meant(modeValue, MODES),
    )

  const apiUrl = checkApiUrl(read.text('api-url', DEFAULTS.apiUrl), DEFAULTS.apiUrl)
  if ('problem' in apiUrl) read.problem('api-url', apiUrl.problem)
  else {
    const base = withoutVastApiPath(apiUrl.url)
    if (base !== undefined) {
      read.warn(
        'api-url',
        `it ends with /api/v0, which the action adds to every request itself; using ${base}. Set api-url: ${base || DEFAULTS.apiUrl} to silence this`,
      )
      apiUrl.url = base
    }
  }

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
    matrix: readMatrixPlace(read),
  }

  let settings: Settings | undefined
  if (mode === 'create') {
    const create = await createSettings(read, common, options)
    settings = broker ? { ...create, broker } : create
  } else if (mode === 'delete') settings = deleteSettings(read, common)
  else if (mode === 'sweep') settings = sweepSettings(read, common, source, options)
  else if (mode === 'rotate') settings = await rotateSettings(read, common, source, options)

  if (settings?.mode === 'create' && settings.requestTimeoutMs > POST_COVERED_REQUEST_TIMEOUT_MS) {
    read.warn(
      'request-timeout',
      `it is ${formatDuration(settings.requestTimeoutMs)}: Vast may still apply a create request that got no answer up to request-timeout + half of it (at least 10s) after it was sent, ` +
        `and the post step can wait only ${formatDuration(POST_LATE_APPLY_WAIT_MS)} for that (the runner gives it about a minute). ` +
        'A key made that late is not seen by post; it stays until a scheduled sweep (mode: sweep) deletes it after its deadline (docs/reliability.md). ' +
        `Set request-timeout to ${formatDuration(POST_COVERED_REQUEST_TIMEOUT_MS)} or less to silence this`,
    )
  }
  if (
    settings?.mode === 'create' &&
    settings.broker &&
    settings.instances.instances === 'destroy'
  ) {
    read.problem(
      'instances',
      "destroy does not work with broker-url: the broker holds the parent key, so its policy decides (a rule with destroy-instances: true hands out instance-label and destroys the job's instances when post ends the key). Remove instances, or use admin-api-key (docs/instances.md)",
    )
  }
  if (settings?.mode === 'create' && settings.exportConfig && relativeXdgConfigHome(source.env)) {
    read.warn(
      'export-config',
      `XDG_CONFIG_HOME (${source.env.XDG_CONFIG_HOME}) is not an absolute path, so it is ignored as the XDG Base Directory spec says: the key file goes to ~/.config/vastai/vast_api_key. Set XDG_CONFIG_HOME to an absolute path, or unset it, to silence this`,
    )
  }

  if (settings?.mode === 'create' && settings.exportConfig && source.env.VAST_API_KEY) {
    // The Vast CLI reads --api-key, then VAST_API_KEY, then the config file (README, "The Vast
    // CLI and SDK"): a variable already in the job wins over the file this step writes.
    read.warn(
      'export-config',
      settings.exportEnv
        ? 'VAST_API_KEY is already set in this job. export-env: true sets it to the scoped key for the later steps, but a step that sets VAST_API_KEY in its own env: still wins over both the variable and the config file. Remove VAST_API_KEY from the workflow to silence this'
        : 'VAST_API_KEY is already set in this job, and the Vast CLI and SDK read it before the config file: later steps would use that key, not the scoped key written to the file. Set export-env: true as well (VAST_API_KEY then holds the scoped key), or remove VAST_API_KEY from the workflow',
    )
  }

  // A message quotes the value it refuses: never the parent key pasted into the wrong input.
  const scrub = (text: string) => (rawKey.length >= 4 ? text.split(rawKey).join('***') : text)
  if (read.problems.length > 0 || !settings) throw new InputError(read.problems.map(scrub))
  return { ...settings, warnings: [...settings.warnings, ...read.warnings.map(scrub)] }
}

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
