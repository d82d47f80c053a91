import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { parseDuration } from '../src/core/duration.ts'
import { Secret } from '../src/core/secret.ts'
import { DEFAULT_LIMITS, type LimitSettings } from './limits.ts'
import { parsePolicy, PolicyError, type Policy } from './policy.ts'
import { GITHUB_ISSUER } from './token.ts'

/**
 * The broker's configuration, from flags or environment variables (a flag wins). Everything is
 * checked at start; a problem stops the broker with a message naming the flag and the variable.
 *
 * | flag               | variable                    | default                                       |
 * | ------------------ | --------------------------- | --------------------------------------------- |
 * | --policy           | BROKER_POLICY_FILE          | (required)                                    |
 * | --audience         | BROKER_AUDIENCE             | (required)                                    |
 * | --admin-key-file   | VAST_ADMIN_API_KEY_FILE     | or the key itself in VAST_ADMIN_API_KEY       |
 * | --issuer           | BROKER_ISSUER               | https://token.actions.githubusercontent.com   |
 * | --jwks-url         | BROKER_JWKS_URL             | <issuer>/.well-known/jwks                     |
 * | --api-url          | VAST_API_URL                | https://console.vast.ai                       |
 * | --host             | BROKER_HOST                 | 0.0.0.0                                       |
 * | --port             | PORT                        | 8080                                          |
 * | --sweep-interval   | BROKER_SWEEP_INTERVAL       | 10m (0 disables)                              |
 * | --sweep-grace      | BROKER_SWEEP_GRACE          | 5m                                            |
 * | --rate-per-minute  | BROKER_RATE_PER_MINUTE      | 10 (per repository, per replica)              |
 * | --rate-burst       | BROKER_RATE_BURST           | 10                                            |
 */

export interface BrokerConfig {
  policy: Policy
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
}

/** A configuration that cannot be used; the message names the flag and variable. */
export class ConfigError extends Error {}

const OPTIONS = {
  policy: { type: 'string', env: 'BROKER_POLICY_FILE' },
  audience: { type: 'string', env: 'BROKER_AUDIENCE' },
  'admin-key-file': { type: 'string', env: 'VAST_ADMIN_API_KEY_FILE' },
  issuer: { type: 'string', env: 'BROKER_ISSUER' },
  'jwks-url': { type: 'string', env: 'BROKER_JWKS_URL' },
  'api-url': { type: 'string', env: 'VAST_API_URL' },
  host: { type: 'string', env: 'BROKER_HOST' },
  port: { type: 'string', env: 'PORT' },
  'sweep-interval': { type: 'string', env: 'BROKER_SWEEP_INTERVAL' },
  'sweep-grace': { type: 'string', env: 'BROKER_SWEEP_GRACE' },
  'rate-per-minute': { type: 'string', env: 'BROKER_RATE_PER_MINUTE' },
  'rate-burst': { type: 'string', env: 'BROKER_RATE_BURST' },
} as const

type Name = keyof typeof OPTIONS

/** Reads flags and environment; raises ConfigError naming every problem found. */
export function readConfig(args: string[], env: NodeJS.ProcessEnv): BrokerConfig {
  let values: Partial<Record<Name, string>>
  try {
    values = parseArgs({
      args,
      options: Object.fromEntries(
        Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }]),
      ),
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    throw new ConfigError((error as Error).message)
  }
  const problems: string[] = []
  const get = (name: Name) => values[name] ?? env[OPTIONS[name].env] ?? ''
  const where = (name: Name) => `--${name} (${OPTIONS[name].env})`

  const url = (name: Name, fallback: string) => {
    const text = get(name) || fallback
    try {
      const parsed = new URL(text)
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error()
      return text.replace(/\/+$/, '')
    } catch {
      problems.push(`${where(name)}: "${text}" is not an http(s) URL`)
      return fallback
    }
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

  let policy: Policy = { rules: [] }
  const policyFile = get('policy')
  if (!policyFile) problems.push(`${where('policy')}: give the trust policy file (YAML)`)
  else {
    try {
      policy = parsePolicy(readFileSync(policyFile, 'utf8'))
    } catch (error) {
      if (error instanceof PolicyError) problems.push(`${where('policy')}: ${error.message}`)
      else
        problems.push(
          `${where('policy')}: cannot read ${policyFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        )
    }
  }
  const audience = get('audience')
  if (!audience)
    problems.push(`${where('audience')}: give the audience the broker accepts, such as its URL`)

  let key = ''
  const keyFile = get('admin-key-file')
  if (keyFile) {
    try {
      key = readFileSync(keyFile, 'utf8').trim()
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
  }

  const config: BrokerConfig = {
    policy,
    audience,
    adminKey: new Secret(key),
    issuer: url('issuer', GITHUB_ISSUER),
    apiUrl: url('api-url', 'https://console.vast.ai'),
    host: get('host') || '0.0.0.0',
    port: number('port', 8080, 0),
    sweepIntervalMs: duration('sweep-interval', '10m'),
    sweepGraceMs: duration('sweep-grace', '5m'),
    limits: {
      perMinute: number('rate-per-minute', DEFAULT_LIMITS.perMinute, 0.001),
      burst: number('rate-burst', DEFAULT_LIMITS.burst, 1),
    },
  }
  if (get('jwks-url')) config.jwksUrl = url('jwks-url', '')
  if (problems.length > 0) throw new ConfigError(problems.join('\n'))
  return config
}
