import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { checkApiUrl, withoutVastApiPath } from '../core/api-url.ts'
import { parseDuration } from '../core/duration.ts'
import { Secret } from '../core/secret.ts'
import { DEFAULT_DELETE_LIMITS, DEFAULT_LIMITS, type LimitSettings } from './limits.ts'
import { parsePolicy, PolicyError, type Policy } from './policy.ts'
import { DEFAULT_SHUTDOWN_GRACE_MS } from './server.ts'
import { GITHUB_ISSUER } from './token.ts'

/**
 * The broker's configuration, from flags or environment variables (a flag wins). Everything is
 * checked at start; a problem stops the broker with a message naming the flag and the variable.
 * {@link OPTIONS} is the one table of flags: `--help` ({@link USAGE}) and docs/broker.md's table
 * are made from it (`__tests__/broker-process.test.ts` checks the docs against it).
 */

export interface BrokerConfig {
  policy: Policy
  /** The policy file (for a reload on SIGHUP). */
  policyFile?: string
  audience: string
  adminKey: Secret
  issuer: string
  jwksUrl?: string
  apiUrl: string
  host: string
  port: number
  sweepIntervalMs: number
  sweepGraceMs: number
  limits: LimitSettings
  /** Deletes of a job's own key per repository (apart from mints). */
  deleteLimits?: LimitSettings
  /** How long a shutdown (SIGTERM) lets requests in flight finish (ms). */
  shutdownGraceMs?: number
}

/** A configuration that cannot be used; the message names the flag and variable. */
export class ConfigError extends Error {}

/** Every flag: its variable, its argument, what it is and its default (the one table). */
export const OPTIONS = {
  policy: { env: 'BROKER_POLICY_FILE', arg: 'FILE', help: 'the trust policy (YAML), required' },
  audience: {
    env: 'BROKER_AUDIENCE',
    arg: 'TEXT',
    help: "the audience tokens must carry (the broker's URL), required",
  },
  'admin-key-file': {
    env: 'VAST_ADMIN_API_KEY_FILE',
    arg: 'FILE',
    help: 'the parent key (or the key itself in VAST_ADMIN_API_KEY)',
  },
  issuer: { env: 'BROKER_ISSUER', arg: 'URL', help: `default ${GITHUB_ISSUER}` },
  'jwks-url': { env: 'BROKER_JWKS_URL', arg: 'URL', help: 'default <issuer>/.well-known/jwks' },
  'api-url': { env: 'VAST_API_URL', arg: 'URL', help: 'default https://console.vast.ai' },
  host: { env: 'BROKER_HOST', arg: 'HOST', help: 'default 0.0.0.0' },
  port: { env: 'PORT', arg: 'N', help: 'default 8080 (0 to 65535)' },
  'sweep-interval': {
    env: 'BROKER_SWEEP_INTERVAL',
    arg: 'DUR',
    help: 'default 10m; 0 turns the sweep off',
  },
  'sweep-grace': { env: 'BROKER_SWEEP_GRACE', arg: 'DUR', help: 'default 5m' },
  'rate-per-minute': {
    env: 'BROKER_RATE_PER_MINUTE',
    arg: 'N',
    help: `default ${DEFAULT_LIMITS.perMinute}; mints per repository and rule, per replica`,
  },
  'rate-burst': {
    env: 'BROKER_RATE_BURST',
    arg: 'N',
    help: `default ${DEFAULT_LIMITS.burst}; mints per repository and rule at once`,
  },
  'delete-rate-per-minute': {
    env: 'BROKER_DELETE_RATE_PER_MINUTE',
    arg: 'N',
    help: `default ${DEFAULT_DELETE_LIMITS.perMinute}; deletes per repository, per replica (apart from mints; burst half of it)`,
  },
  'shutdown-grace': {
    env: 'BROKER_SHUTDOWN_GRACE',
    arg: 'DUR',
    help: `default ${DEFAULT_SHUTDOWN_GRACE_MS / 1000}s; on SIGTERM, how long requests in flight may finish (Cloud Run kills after 10s)`,
  },
} as const

type Name = keyof typeof OPTIONS

/** `npm run broker -- --help`: every flag with its variable, made from {@link OPTIONS}. */
export const USAGE = [
  'Usage: npm run broker -- [flags]     (each flag may be given as its environment variable)',
  '',
  ...Object.entries(OPTIONS).map(([name, option]) =>
    `  ${`--${name} ${option.arg}`.padEnd(29)} ${option.env.padEnd(30)} ${option.help}`.trimEnd(),
  ),
  '',
  '  --check                       validate the policy, print what each rule admits, every error',
  '                                and every warning, and exit 0 (valid) or 1; needs only --policy',
  "  --schema                      print the policy's JSON Schema (docs/broker-policy.schema.json)",
  '  --help                        this text',
  '',
  'Signals: SIGTERM stops (requests in flight get --shutdown-grace); SIGHUP reloads the policy.',
  'Documentation: docs/broker.md',
].join('\n')

function parseFlags(args: string[]): Partial<Record<Name, string>> {
  try {
    return parseArgs({
      args,
      options: Object.fromEntries(
        Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }]),
      ),
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    throw new ConfigError(`${(error as Error).message} (npm run broker -- --help lists the flags)`)
  }
}

function loadPolicy(file: string, problems: string[]): Policy {
  const where = `--policy (${OPTIONS.policy.env})`
  if (!file) {
    problems.push(`${where}: give the trust policy file (YAML)`)
    return { rules: [], warnings: [] }
  }
  try {
    return parsePolicy(readFileSync(file, 'utf8'))
  } catch (error) {
    if (error instanceof PolicyError)
      for (const line of error.message.split('\n')) problems.push(`${where}: ${line}`)
    else
      problems.push(
        `${where}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      )
    return { rules: [], warnings: [] }
  }
}

/** `--check`: only the policy (from --policy or BROKER_POLICY_FILE); raises ConfigError. */
export function readPolicyOnly(args: string[], env: NodeJS.ProcessEnv): Policy {
  const values = parseFlags(args)
  const problems: string[] = []
  const policy = loadPolicy(values.policy ?? env.BROKER_POLICY_FILE ?? '', problems)
  if (problems.length > 0) throw new ConfigError(problems.join('\n'))
  return policy
}

/** The delete limits for `--delete-rate-per-minute` (0: the default). */
function deleteLimits(perMinute: number): LimitSettings {
  if (!perMinute) return DEFAULT_DELETE_LIMITS
  return { perMinute, burst: Math.max(1, Math.floor(perMinute / 2)) }
}

/** The shortest parent key accepted, as the action accepts (MIN_SECRET_LENGTH in src/action/inputs/settings.ts): Vast keys are 64. */
export const MIN_KEY_LENGTH = 20

/** Reads flags and environment; raises ConfigError naming every problem found. */
export function readConfig(args: string[], env: NodeJS.ProcessEnv): BrokerConfig {
  const values = parseFlags(args)
  const problems: string[] = []
  const get = (name: Name) => values[name] ?? env[OPTIONS[name].env] ?? ''
  const where = (name: Name) => `--${name} (${OPTIONS[name].env})`

  // The action's own check (src/core/api-url.ts): https anywhere, plain http only to this
  // machine, no credentials, query or fragment. The issuer is kept as written (minus trailing
  // slashes): a token's "iss" must equal it exactly.
  const url = (name: Name, fallback: string) => {
    const text = get(name) || fallback
    const checked = checkApiUrl(text, fallback || 'https://example.com')
    if ('problem' in checked) {
      problems.push(`${where(name)}: ${checked.problem}`)
      return fallback
    }
    if (name === 'issuer') return text.replace(/\/+$/, '')
    return name === 'api-url' ? (withoutVastApiPath(checked.url) ?? checked.url) : checked.url
  }
  const duration = (name: Name, fallback: string) => {
    const text = get(name) || fallback
    const ms = text === '0' ? 0 : parseDuration(text)
    if (ms === undefined) problems.push(`${where(name)}: expected a duration such as 10m, or 0`)
    return ms ?? 0
  }
  const number = (name: Name, fallback: number, min: number) => {
    const text = get(name)
    if (!text) return fallback
    const value = Number(text)
    if (!Number.isFinite(value) || value < min)
      problems.push(`${where(name)}: expected a number of at least ${min}`)
    return value
  }

  const port = () => {
    const text = get('port')
    if (!text) return 8080
    const value = Number(text)
    if (!/^\d{1,5}$/.test(text) || value > 65535) {
      problems.push(
        `${where('port')}: "${text}" is not a port; expected a whole number from 0 to 65535`,
      )
      return 8080
    }
    return value
  }
  const policy = loadPolicy(get('policy'), problems)
  const audience = get('audience')
  if (!audience)
    problems.push(`${where('audience')}: give the audience the broker accepts, such as its URL`)

  let key = ''
  const keyFile = get('admin-key-file')
  if (keyFile) {
    try {
      key = readFileSync(keyFile, 'utf8').trim()
      if (!key)
        problems.push(`${where('admin-key-file')}: ${keyFile} is empty; put the parent key in it`)
    } catch (error) {
      problems.push(
        `${where('admin-key-file')}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      )
    }
  } else key = (env.VAST_ADMIN_API_KEY ?? '').trim()
  if (!key && !problems.some((p) => p.startsWith('--admin-key-file'))) {
    problems.push(
      `the parent key: set VAST_ADMIN_API_KEY, or give a file with ${where('admin-key-file')}`,
    )
  } else if (key && (key.length < MIN_KEY_LENGTH || /\s/.test(key))) {
    // Never the key itself: only its length.
    problems.push(
      `the parent key (${keyFile ? where('admin-key-file') : 'VAST_ADMIN_API_KEY'}): it is ${key.length} characters${/\s/.test(key) ? ' with white space inside' : ''}, which is not a Vast.ai key (they are 64); check that the whole key was stored`,
    )
  }

  const config: BrokerConfig = {
    policy,
    audience,
    adminKey: new Secret(key),
    issuer: url('issuer', GITHUB_ISSUER),
    apiUrl: url('api-url', 'https://console.vast.ai'),
    host: get('host') || '0.0.0.0',
    port: port(),
    sweepIntervalMs: duration('sweep-interval', '10m'),
    sweepGraceMs: duration('sweep-grace', '5m'),
    limits: {
      perMinute: number('rate-per-minute', DEFAULT_LIMITS.perMinute, 0.001),
      burst: number('rate-burst', DEFAULT_LIMITS.burst, 1),
    },
    deleteLimits: deleteLimits(number('delete-rate-per-minute', 0, 1)),
    shutdownGraceMs: duration('shutdown-grace', `${DEFAULT_SHUTDOWN_GRACE_MS / 1000}s`),
  }
  if (get('policy')) config.policyFile = get('policy')
  if (get('jwks-url')) config.jwksUrl = url('jwks-url', '')
  if (problems.length > 0) throw new ConfigError(problems.join('\n'))
  return config
}
