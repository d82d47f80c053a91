// The job's environment as the runner builds it: its default variables with the job's env applied,
// the github context that input defaults read, INPUT_* variables, and each step's environment.

import { join } from 'node:path'
import type { ActionDefinition } from './action-definition.ts'
import type { RunnerJobOptions, StepOptions } from './job-types.ts'

/**
 * The variables the runner sets from its github and runner contexts for every step, after the
 * env context (actions/runner GitHubContext.cs `_contextEnvAllowlist`, RunnerContext).
 */
const RUNNER_CONTEXT_ENV = new RegExp(
  `^(RUNNER_[A-Z_]+|GITHUB_(${[
    'ACTION_PATH',
    'ACTION_REF',
    'ACTION_REPOSITORY',
    'ACTION',
    'ACTOR',
    'ACTOR_ID',
    'API_URL',
    'BASE_REF',
    'ENV',
    'EVENT_NAME',
    'EVENT_PATH',
    'GRAPHQL_URL',
    'HEAD_REF',
    'JOB',
    'OUTPUT',
    'PATH',
    'REF_NAME',
    'REF_PROTECTED',
    'REF_TYPE',
    'REF',
    'REPOSITORY',
    'REPOSITORY_ID',
    'REPOSITORY_OWNER',
    'REPOSITORY_OWNER_ID',
    'RETENTION_DAYS',
    'RUN_ATTEMPT',
    'RUN_ID',
    'RUN_NUMBER',
    'SERVER_URL',
    'SHA',
    'STATE',
    'STEP_SUMMARY',
    'TRIGGERING_ACTOR',
    'WORKFLOW',
    'WORKFLOW_REF',
    'WORKFLOW_SHA',
    'WORKSPACE',
  ].join('|')}))$`,
)
/** GITHUB_ACTION of the action's own steps (main and post). */
export const ACTION_STEP_ID = '__vast-scoped-key'

/** The runner's INPUT_ variable name: spaces to '_', upper-cased, dashes kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replaceAll(' ', '_').toUpperCase()}`
}

/** Applies `source` onto `target`: an undefined value removes the variable. */
export function applyEnv(
  target: Record<string, string>,
  source?: Record<string, string | undefined>,
): void {
  if (!source) return
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) delete target[key]
    else target[key] = value
  }
}

/** The environment of one job: its folders, its options and its action's declared inputs. */
export class JobEnvironment {
  readonly #options: RunnerJobOptions
  readonly #definition: ActionDefinition
  readonly #workspace: string
  readonly #root: string

  constructor(
    options: RunnerJobOptions,
    definition: ActionDefinition,
    workspace: string,
    root: string,
  ) {
    this.#options = options
    this.#definition = definition
    this.#workspace = workspace
    this.#root = root
  }

  /** The github context as input defaults read it. */
  githubContext(): Record<string, string> {
    const env = this.baseEnv()
    return {
      token: this.#options.githubToken ?? '',
      repository: env.GITHUB_REPOSITORY ?? '',
      repository_owner: env.GITHUB_REPOSITORY_OWNER ?? '',
      run_id: env.GITHUB_RUN_ID ?? '',
      run_number: env.GITHUB_RUN_NUMBER ?? '',
      run_attempt: env.GITHUB_RUN_ATTEMPT ?? '',
      job: env.GITHUB_JOB ?? '',
      workflow: env.GITHUB_WORKFLOW ?? '',
      sha: env.GITHUB_SHA ?? '',
      ref: env.GITHUB_REF ?? '',
      ref_name: env.GITHUB_REF_NAME ?? '',
      actor: env.GITHUB_ACTOR ?? '',
      server_url: env.GITHUB_SERVER_URL ?? '',
      api_url: env.GITHUB_API_URL ?? '',
      event_name: env.GITHUB_EVENT_NAME ?? '',
      workspace: this.#workspace,
      action: ACTION_STEP_ID,
    }
  }

  /**
   * Input defaults may hold `${{ github.x }}`, `${{ runner.x }}`, `${{ env.X }}` or
   * `${{ strategy.x }}` (job-index, job-total, max-parallel).
   */
  evaluateDefault(name: string, text: string): string {
    return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
      const literal = /^'((?:[^']|'')*)'$/.exec(expression)
      if (literal) return (literal[1] ?? '').replaceAll("''", "'")
      const strategy = /^strategy\.(job-index|job-total|max-parallel)$/.exec(expression)
      if (strategy) {
        const context = this.#options.strategy ?? {
          'job-index': 0,
          'job-total': 1,
          'max-parallel': 1,
        }
        return String(context[strategy[1] as keyof typeof context])
      }
      const match = /^(github|runner|env)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression)
      if (match) {
        const [, context, key = ''] = match
        const env = this.baseEnv()
        if (context === 'github') return this.githubContext()[key] ?? ''
        if (context === 'env') return env[key] ?? ''
        return env[`RUNNER_${key.toUpperCase()}`] ?? ''
      }
      throw new Error(`input '${name}': expression '${expression}' is not supported by the harness`)
    })
  }

  /**
   * INPUT_<NAME> for every declared input: the given value (names matched case-insensitively), else
   * its evaluated default, else the empty string. Throws on an undeclared input, as the runner does.
   */
  inputEnv(given: Record<string, string> = {}): Record<string, string> {
    const declared = Object.keys(this.#definition.inputs)
    const byLowerName = new Map(declared.map((name) => [name.toLowerCase(), name]))
    const values = new Map<string, string>()
    for (const [name, value] of Object.entries(given)) {
      const declaredName = byLowerName.get(name.toLowerCase())
      if (!declaredName) {
        throw new Error(`Unexpected input '${name}', valid inputs are [${declared.join(', ')}]`)
      }
      values.set(declaredName, value)
    }
    const env: Record<string, string> = {}
    for (const [name, spec] of Object.entries(this.#definition.inputs)) {
      const value =
        values.get(name) ??
        (spec.default !== undefined ? this.evaluateDefault(name, spec.default) : '')
      env[inputEnvName(name)] = value
    }
    return env
  }

  /** The runner's variables, with the job's env applied. */
  baseEnv(): Record<string, string> {
    const env: Record<string, string> = {
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_REPOSITORY: 'octo-org/gpu-trainer',
      GITHUB_REPOSITORY_ID: '123456789',
      GITHUB_RUN_ID: '1234567890',
      GITHUB_RUN_NUMBER: '17',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'train',
      GITHUB_WORKFLOW: 'ci',
      GITHUB_WORKFLOW_REF: 'octo-org/gpu-trainer/.github/workflows/ci.yml@refs/heads/main',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_REF_TYPE: 'branch',
      GITHUB_ACTOR: 'octocat',
      GITHUB_ACTOR_ID: '583231',
      GITHUB_TRIGGERING_ACTOR: 'octocat',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
      GITHUB_RETENTION_DAYS: '90',
      GITHUB_WORKSPACE: this.#workspace,
      GITHUB_EVENT_PATH: join(this.#root, 'event.json'),
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'GitHub Actions 2',
      RUNNER_ENVIRONMENT: 'github-hosted',
      RUNNER_TEMP: join(this.#root, 'temp'),
      RUNNER_TOOL_CACHE: join(this.#root, 'tool-cache'),
      HOME: join(this.#root, 'home'),
    }
    const jobEnv = this.#options.env ?? {}
    applyEnv(env, jobEnv)
    if (!('GITHUB_REPOSITORY_OWNER' in jobEnv) && env.GITHUB_REPOSITORY) {
      env.GITHUB_REPOSITORY_OWNER = env.GITHUB_REPOSITORY.split('/')[0] ?? ''
    }
    return env
  }

  /**
   * A step's environment in the runner's order: PATH, the runner's variables, what earlier steps
   * exported (`exportedEnv`), the github/runner context variables and the OIDC pair again (no
   * GITHUB_ENV line overrides them), debug, the step's `env`, GITHUB_PATH entries (`paths`, the
   * latest first) before PATH, and last `stepVars` (INPUT_*, STATE_*, the file-command paths).
   */
  stepEnv(
    options: StepOptions,
    stepVars: Record<string, string>,
    exportedEnv: Record<string, string>,
    paths: readonly string[],
  ): Record<string, string> {
    const env: Record<string, string> = {}
    if (process.env.PATH !== undefined) env.PATH = process.env.PATH
    const base = this.baseEnv()
    Object.assign(env, base)
    applyEnv(env, exportedEnv)
    // The handler sets the github and runner contexts' variables, then the OIDC request pair,
    // after the env context (NodeScriptActionHandler.RunAsync): no GITHUB_ENV line overrides them.
    for (const [key, value] of Object.entries(base)) {
      if (RUNNER_CONTEXT_ENV.test(key)) env[key] = value
    }
    for (const key of ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
      const value = this.#options.env?.[key]
      if (value !== undefined) env[key] = value
    }
    if (options.debug) {
      env.RUNNER_DEBUG = '1'
      env.ACTIONS_STEP_DEBUG = 'true'
    }
    applyEnv(env, options.env)
    if (paths.length > 0) {
      // GITHUB_PATH entries come first, the latest first.
      env.PATH = [...paths].reverse().join(':') + (env.PATH ? `:${env.PATH}` : '')
    }
    Object.assign(env, stepVars)
    return env
  }
}
