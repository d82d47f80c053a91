// Runs a built JavaScript action the way GitHub's runner does (actions/runner 2.336):
// the runner's environment and file commands, workflow commands read from stdout and stderr, the
// job-wide secret masker, post steps with saved state, and the runner's cancellation sequence.

import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { constants as osConstants, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { StringDecoder } from 'node:string_decoder'
import { parse as parseYaml } from 'yaml'
import { CommandProcessor } from './commands.ts'
import type { Annotation } from './commands.ts'
import { parseKeyValueFile, parsePathFile, STEP_SUMMARY_LIMIT } from './file-commands.ts'
import { SecretMasker } from './masking.ts'

export type { Annotation } from './commands.ts'
export { applyMasks, escapeCommandData, findLeaks, SecretMasker } from './masking.ts'
export { parseCommand } from './commands.ts'
export { parseKeyValueFile } from './file-commands.ts'

// ---------------------------------------------------------------------------------------------
// action.yml

export interface ActionInput {
  default?: string
  required?: boolean
  description?: string
}

export interface ActionDefinition {
  inputs: Record<string, ActionInput>
  outputs: Record<string, unknown>
  /** Absolute path of runs.main. */
  main: string
  /** Absolute path of runs.post, when the action has one. */
  post?: string
  /** runs.post-if (the runner's default is `always()`). */
  postIf?: string
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Parse action.yml; runs.using must be node24; main/post resolved against action.yml's folder. */
export function loadActionDefinition(actionYmlPath: string): ActionDefinition {
  const path = resolve(actionYmlPath)
  const doc: unknown = parseYaml(readFileSync(path, 'utf8'))
  if (!isRecord(doc)) throw new Error(`${path}: not a YAML mapping`)
  const runs = doc.runs
  if (!isRecord(runs)) throw new Error(`${path}: missing 'runs'`)
  if (runs.using !== 'node24') {
    throw new Error(`${path}: runs.using must be 'node24', got '${String(runs.using)}'`)
  }
  if (typeof runs.main !== 'string' || runs.main === '')
    throw new Error(`${path}: missing runs.main`)
  const folder = dirname(path)
  const inputs: Record<string, ActionInput> = {}
  if (doc.inputs !== undefined && doc.inputs !== null) {
    if (!isRecord(doc.inputs)) throw new Error(`${path}: 'inputs' must be a mapping`)
    for (const [name, spec] of Object.entries(doc.inputs)) {
      const input: ActionInput = {}
      if (isRecord(spec)) {
        if (spec.default !== undefined && spec.default !== null)
          input.default = scalar(spec.default)
        if (spec.required !== undefined) input.required = spec.required === true
        if (typeof spec.description === 'string') input.description = spec.description
      }
      inputs[name] = input
    }
  }
  const definition: ActionDefinition = {
    inputs,
    outputs: isRecord(doc.outputs) ? doc.outputs : {},
    main: resolve(folder, runs.main),
  }
  if (typeof runs.post === 'string' && runs.post !== '')
    definition.post = resolve(folder, runs.post)
  if (typeof runs['post-if'] === 'string') definition.postIf = runs['post-if']
  return definition
}

/** YAML scalars as the runner sees them (`default: 3600` is the string '3600'). */
function scalar(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new Error(`input default must be a scalar, got ${JSON.stringify(value)}`)
}

// ---------------------------------------------------------------------------------------------
// Steps

export interface StepOptions {
  /** By input name as in action.yml; undeclared names throw; missing ones get their default or ''. */
  inputs?: Record<string, string>
  /** Extra or overriding environment for this step (undefined removes a variable). */
  env?: Record<string, string | undefined>
  /** ACTIONS_STEP_DEBUG: RUNNER_DEBUG=1, `##[debug]` lines displayed, commands echoed. */
  debug?: boolean
  /** Hard kill (SIGKILL) after this many ms; result.timedOut. Default 60 000. */
  timeoutMs?: number
  /** Cancel like the runner: SIGINT, then SIGTERM after cancelGraceMs, SIGKILL killGraceMs later. */
  cancelAfter?: { ms?: number; when?: Promise<unknown> }
  /** Default 7500, as the runner. */
  cancelGraceMs?: number
  /** Default 2500, as the runner. */
  killGraceMs?: number
  /** Called with every raw line the process writes (before any command handling or masking). */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void
}

export interface SignalSent {
  signal: NodeJS.Signals
  /** Since the process was spawned. */
  atMs: number
}

export interface StepResult {
  /** 'step' for runStep (a plain later step). */
  phase: 'main' | 'post' | 'step'
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  durationMs: number
  conclusion: 'success' | 'failure' | 'cancelled'
  /** Exactly what the process wrote (secrets included). */
  rawStdout: string
  rawStderr: string
  /** The log as the runner displays it: commands consumed, masks applied. */
  log: string[]
  /** Every value registered through ::add-mask:: during this step, in order. */
  masks: string[]
  annotations: Annotation[]
  /** GITHUB_OUTPUT (and deprecated ::set-output::), raw values. */
  outputs: Record<string, string>
  /** GITHUB_STATE (and deprecated ::save-state::). */
  state: Record<string, string>
  /** GITHUB_ENV, minus what the runner refuses (NODE_OPTIONS). */
  exportedEnv: Record<string, string>
  /** GITHUB_PATH. */
  paths: string[]
  /** GITHUB_STEP_SUMMARY, raw. */
  summary: string
  files: { output: string; state: string; env: string; summary: string; path: string }
  /** ::set-output / ::save-state / ::set-env / ::add-path seen on stdout or stderr. */
  deprecatedCommands: string[]
  /** Cancellation and timeout signals, in order. */
  signalsSent: SignalSent[]
}

export interface RunnerJobOptions {
  actionYml: string
  /** Job-level environment; overrides the runner's defaults (undefined removes a variable). */
  env?: Record<string, string | undefined>
  /** Default: a fresh temp dir (removed by cleanup()). */
  workspace?: string
  /** Workflow secrets used by the job: masked from the job's start, like `secrets.*`. */
  secrets?: string[]
  /** The value of `${{ github.token }}` in input defaults (masked, as the runner masks it). */
  githubToken?: string
  /** Node binary. Default process.execPath (Node 24 under npm scripts). */
  nodePath?: string
  /**
   * The `strategy` context (input defaults may read it): a job of a matrix. Default: a job on its
   * own, as the runner gives it (job-index 0, job-total 1, max-parallel 1).
   */
  strategy?: { 'job-index': number; 'job-total': number; 'max-parallel': number }
}

const DEFAULT_TIMEOUT_MS = 60_000
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
const ACTION_STEP_ID = '__vast-scoped-key'

/** The runner's INPUT_ variable name: spaces to '_', upper-cased, dashes kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replaceAll(' ', '_').toUpperCase()}`
}

/** Split lines the way .NET's StreamReader.ReadLine does (\n, \r\n or a lone \r). */
class LineSplitter {
  #buffer = ''

  push(chunk: string): string[] {
    const text = this.#buffer + chunk
    const lines: string[] = []
    let start = 0
    for (let i = 0; i < text.length; i++) {
      const c = text[i]
      if (c === '\n') {
        lines.push(text.slice(start, i))
        start = i + 1
      } else if (c === '\r') {
        if (i + 1 === text.length) break // a \n may follow in the next chunk
        lines.push(text.slice(start, i))
        start = text[i + 1] === '\n' ? i + 2 : i + 1
        i = start - 1
      }
    }
    this.#buffer = text.slice(start)
    return lines
  }

  end(): string[] {
    const rest = this.#buffer.replace(/\r$/, '')
    this.#buffer = ''
    return rest === '' ? [] : [rest]
  }
}

function applyEnv(target: Record<string, string>, source?: Record<string, string | undefined>) {
  if (!source) return
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) delete target[key]
    else target[key] = value
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return (osConstants.signals as Record<string, number | undefined>)[signal] ?? 0
}

export class RunnerJob {
  readonly definition: ActionDefinition
  readonly workspace: string
  /** Temp root holding HOME, RUNNER_TEMP, the tool cache, the event file and each step's files. */
  readonly root: string

  readonly #options: RunnerJobOptions
  readonly #ownsWorkspace: boolean
  readonly #masker = new SecretMasker()
  readonly #masks: string[] = []
  readonly #exportedEnv: Record<string, string> = {}
  readonly #paths: string[] = []
  readonly #rawTexts: string[] = []
  readonly #logTexts: string[] = []
  readonly #conclusions: Array<StepResult['conclusion']> = []
  #mainState: Record<string, string> | undefined
  #mainInputs: Record<string, string> | undefined
  #stepCount = 0
  #runStepCount = 0

  constructor(options: RunnerJobOptions) {
    this.#options = options
    if (!options.nodePath) {
      const major = Number(process.versions.node.split('.')[0])
      if (major < 24) {
        throw new Error(
          `node24 actions need Node 24; this process runs ${process.version}. Run through npm scripts (node_modules/.bin/node).`,
        )
      }
    }
    this.definition = loadActionDefinition(options.actionYml)
    this.root = mkdtempSync(join(tmpdir(), 'vast-harness-'))
    for (const dir of ['home', 'temp', 'tool-cache', 'steps']) mkdirSync(join(this.root, dir))
    writeFileSync(join(this.root, 'event.json'), '{}')
    this.#ownsWorkspace = options.workspace === undefined
    this.workspace = options.workspace ? resolve(options.workspace) : join(this.root, 'workspace')
    mkdirSync(this.workspace, { recursive: true })
    for (const secret of options.secrets ?? []) this.#masker.addMask(secret)
    if (options.githubToken) this.#masker.addMask(options.githubToken)
  }

  /** Every value registered through ::add-mask:: in this job, in order (masks persist across steps). */
  get masks(): string[] {
    return [...this.#masks]
  }

  /** What the steps so far exported through GITHUB_ENV. */
  get exportedEnv(): Record<string, string> {
    return { ...this.#exportedEnv }
  }

  /** The job's masker applied to any text, as the runner would display it now. */
  mask(text: string): string {
    return this.#masker.mask(text)
  }

  /** The status `success()`/`failure()`/`cancelled()` would see after the steps run so far. */
  get status(): 'success' | 'failure' | 'cancelled' {
    if (this.#conclusions.includes('cancelled')) return 'cancelled'
    if (this.#conclusions.includes('failure')) return 'failure'
    return 'success'
  }

  /** Whether the runner would run the post step now (post-if, default `always()`). */
  postShouldRun(): boolean {
    if (!this.definition.post) return false
    const condition = (this.definition.postIf ?? 'always()')
      .replace(/^\$\{\{\s*|\s*\}\}$/g, '')
      .trim()
    const status = this.status
    switch (condition) {
      case 'always()':
        return true
      case 'success()':
        return status === 'success'
      case 'failure()':
        return status === 'failure'
      case 'cancelled()':
        return status === 'cancelled'
      case '!cancelled()':
        return status !== 'cancelled'
      default:
        throw new Error(`post-if '${condition}' is not supported by the harness`)
    }
  }

  async runMain(options: StepOptions = {}): Promise<StepResult> {
    this.#mainInputs = options.inputs
    return this.#run('main', this.definition.main, options, this.#inputEnv(options.inputs))
  }

  /**
   * The post step: env from the env context (GITHUB_ENV included, `STATE_*` lines too), then the
   * inputs, then STATE_<name> for each name main saved, last (ActionRunner.cs). The inputs are the
   * step's `with:` evaluated again: main's unless `options.inputs` gives others.
   */
  async runPost(options: StepOptions = {}): Promise<StepResult> {
    const post = this.definition.post
    if (!post) throw new Error('the action has no post step')
    const extra = this.#inputEnv(options.inputs ?? this.#mainInputs)
    for (const [name, value] of Object.entries(this.#mainState ?? {}))
      extra[`STATE_${name}`] = value
    return this.#run('post', post, options, extra)
  }

  /** A plain later step (a `run:` step played by a node script) that sees exported env and PATH. */
  async runStep(entry: string, options: StepOptions = {}): Promise<StepResult> {
    const extra: Record<string, string> = {}
    // A run: step has no inputs; any given are passed through unchecked.
    for (const [name, value] of Object.entries(options.inputs ?? {}))
      extra[inputEnvName(name)] = value
    this.#runStepCount += 1
    extra.GITHUB_ACTION = this.#runStepCount === 1 ? '__run' : `__run_${this.#runStepCount}`
    return this.#run('step', resolve(entry), options, extra)
  }

  /**
   * A `run:` step that appends `text` to its GITHUB_ENV file, as any other step of the job can
   * (`NAME=VALUE` lines or the heredoc form): the runner reads it after the step, refuses
   * NODE_OPTIONS, and every later step, this action's post included, starts from it.
   */
  async appendEnv(text: string): Promise<StepResult> {
    const script = join(this.root, 'append-env.mjs')
    writeFileSync(
      script,
      "import { appendFileSync } from 'node:fs'\n" +
        'appendFileSync(process.env.GITHUB_ENV, process.env.HARNESS_ENV_TEXT)\n',
    )
    return this.runStep(script, { env: { HARNESS_ENV_TEXT: text } })
  }

  /** Every raw byte written to stdout/stderr by any step, plus every file-command file. */
  allText(): string {
    return this.#rawTexts.join('\n')
  }

  /**
   * Everything a secret must never reach: raw stdout/stderr of every step, state (logged with
   * debug on), the step summary and GITHUB_PATH. Leaves out GITHUB_OUTPUT and GITHUB_ENV, the
   * channels through which an action hands a secret on by design.
   */
  logText(): string {
    return this.#logTexts.join('\n')
  }

  async cleanup(): Promise<void> {
    await rm(this.root, { recursive: true, force: true })
    if (this.#ownsWorkspace) await rm(this.workspace, { recursive: true, force: true })
  }

  // -------------------------------------------------------------------------------------------

  #githubContext(): Record<string, string> {
    const env = this.#baseEnv()
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
      workspace: this.workspace,
      action: ACTION_STEP_ID,
    }
  }

  /**
   * Input defaults may hold `${{ github.x }}`, `${{ runner.x }}`, `${{ env.X }}` or
   * `${{ strategy.x }}` (job-index, job-total, max-parallel).
   */
  #evaluateDefault(name: string, text: string): string {
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
        const env = this.#baseEnv()
        if (context === 'github') return this.#githubContext()[key] ?? ''
        if (context === 'env') return env[key] ?? ''
        return env[`RUNNER_${key.toUpperCase()}`] ?? ''
      }
      throw new Error(`input '${name}': expression '${expression}' is not supported by the harness`)
    })
  }

  #inputEnv(given: Record<string, string> = {}): Record<string, string> {
    const declared = Object.keys(this.definition.inputs)
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
    for (const [name, spec] of Object.entries(this.definition.inputs)) {
      const value =
        values.get(name) ??
        (spec.default !== undefined ? this.#evaluateDefault(name, spec.default) : '')
      env[inputEnvName(name)] = value
    }
    return env
  }

  /** The runner's variables, with the job's env applied. */
  #baseEnv(): Record<string, string> {
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
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_EVENT_PATH: join(this.root, 'event.json'),
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'GitHub Actions 2',
      RUNNER_ENVIRONMENT: 'github-hosted',
      RUNNER_TEMP: join(this.root, 'temp'),
      RUNNER_TOOL_CACHE: join(this.root, 'tool-cache'),
      HOME: join(this.root, 'home'),
    }
    const jobEnv = this.#options.env ?? {}
    applyEnv(env, jobEnv)
    if (!('GITHUB_REPOSITORY_OWNER' in jobEnv) && env.GITHUB_REPOSITORY) {
      env.GITHUB_REPOSITORY_OWNER = env.GITHUB_REPOSITORY.split('/')[0] ?? ''
    }
    return env
  }

  #stepEnv(options: StepOptions, stepVars: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {}
    if (process.env.PATH !== undefined) env.PATH = process.env.PATH
    const base = this.#baseEnv()
    Object.assign(env, base)
    applyEnv(env, this.#exportedEnv)
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
    if (this.#paths.length > 0) {
      // GITHUB_PATH entries come first, the latest first.
      env.PATH = [...this.#paths].reverse().join(':') + (env.PATH ? `:${env.PATH}` : '')
    }
    Object.assign(env, stepVars)
    return env
  }

  async #run(
    phase: StepResult['phase'],
    entry: string,
    options: StepOptions,
    extra: Record<string, string>,
  ): Promise<StepResult> {
    this.#stepCount += 1
    const stepDir = join(this.root, 'steps', `${this.#stepCount}-${phase}`)
    mkdirSync(stepDir)
    // A fresh set of file-command files per step, named like the runner's.
    const suffix = randomUUID()
    const filePaths = {
      path: join(stepDir, `add_path_${suffix}`),
      env: join(stepDir, `set_env_${suffix}`),
      summary: join(stepDir, `step_summary_${suffix}`),
      state: join(stepDir, `save_state_${suffix}`),
      output: join(stepDir, `set_output_${suffix}`),
    }
    for (const file of Object.values(filePaths)) writeFileSync(file, '')
    const env = this.#stepEnv(options, {
      GITHUB_ACTION: ACTION_STEP_ID,
      ...extra,
      GITHUB_OUTPUT: filePaths.output,
      GITHUB_STATE: filePaths.state,
      GITHUB_ENV: filePaths.env,
      GITHUB_PATH: filePaths.path,
      GITHUB_STEP_SUMMARY: filePaths.summary,
    })

    const debug = options.debug ?? false
    const processor = new CommandProcessor({
      masker: this.#masker,
      debug,
      allowUnsecureCommands: env.ACTIONS_ALLOW_UNSECURE_COMMANDS?.toLowerCase() === 'true',
      allowUnsecureStopTokens:
        env.ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS?.toLowerCase() === 'true',
      stepId: env.GITHUB_ACTION,
    })

    const run = await this.#spawn(entry, env, options, processor)

    // After the process exits, even when it failed: GITHUB_PATH, GITHUB_ENV, summary, state, output.
    const files = {
      path: readFileSync(filePaths.path, 'utf8'),
      env: readFileSync(filePaths.env, 'utf8'),
      summary: readFileSync(filePaths.summary, 'utf8'),
      state: readFileSync(filePaths.state, 'utf8'),
      output: readFileSync(filePaths.output, 'utf8'),
    }
    const paths = [...processor.paths, ...parsePathFile(files.path)]
    const exportedEnv: Record<string, string> = { ...processor.exportedEnv }
    const state: Record<string, string> = { ...processor.state }
    const outputs: Record<string, string> = { ...processor.outputs }
    let fileCommandFailed = false
    const readPairs = (
      contextName: string,
      text: string,
      apply: (k: string, v: string) => void,
    ) => {
      const parsed = parseKeyValueFile(text)
      for (const [key, value] of parsed.pairs) apply(key, value)
      if (parsed.error !== undefined) {
        processor.issue('error', `Unable to process file command '${contextName}' successfully.`)
        processor.issue('error', parsed.error)
        fileCommandFailed = true
      }
    }
    readPairs('env', files.env, (key, value) => {
      if (key.toUpperCase() === 'NODE_OPTIONS') {
        processor.issue(
          'error',
          "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
        )
        return
      }
      exportedEnv[key] = value
      processor.debug(`${key}='${value}'`)
    })
    const summarySize = statSync(filePaths.summary).size
    if (summarySize > STEP_SUMMARY_LIMIT) {
      processor.issue(
        'error',
        `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of ${STEP_SUMMARY_LIMIT / 1024}k, got ${Math.floor(summarySize / 1024)}k. For more information see: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-markdown-summary`,
      )
    }
    readPairs('state', files.state, (key, value) => {
      state[key] = value
      processor.debug(`Save intra-action state ${key} = ${value}`)
    })
    readPairs('output', files.output, (key, value) => {
      outputs[key] = value
      processor.debug(`Set output ${key} = ${value}`)
    })

    // Job-wide effects.
    for (const p of paths) {
      const existing = this.#paths.indexOf(p)
      if (existing >= 0) this.#paths.splice(existing, 1)
      this.#paths.push(p)
    }
    Object.assign(this.#exportedEnv, exportedEnv)
    if (phase === 'main') this.#mainState = state
    this.#masks.push(...processor.masksAdded)
    this.#rawTexts.push(
      run.stdout,
      run.stderr,
      files.output,
      files.state,
      files.env,
      files.path,
      files.summary,
    )
    this.#logTexts.push(run.stdout, run.stderr, files.state, files.path, files.summary)

    const conclusion: StepResult['conclusion'] = run.cancelled
      ? 'cancelled'
      : run.timedOut ||
          run.exitCode !== 0 ||
          run.signal !== null ||
          processor.failed ||
          fileCommandFailed
        ? 'failure'
        : 'success'
    this.#conclusions.push(conclusion)

    return {
      phase,
      exitCode: run.exitCode,
      signal: run.signal,
      timedOut: run.timedOut,
      cancelled: run.cancelled,
      durationMs: run.durationMs,
      conclusion,
      rawStdout: run.stdout,
      rawStderr: run.stderr,
      log: processor.log,
      masks: [...processor.masksAdded],
      annotations: processor.annotations,
      outputs,
      state,
      exportedEnv,
      paths,
      summary: files.summary,
      files,
      deprecatedCommands: processor.deprecatedCommands,
      signalsSent: run.signalsSent,
    }
  }

  #spawn(
    entry: string,
    env: Record<string, string>,
    options: StepOptions,
    processor: CommandProcessor,
  ): Promise<{
    stdout: string
    stderr: string
    exitCode: number | null
    signal: NodeJS.Signals | null
    timedOut: boolean
    cancelled: boolean
    durationMs: number
    signalsSent: SignalSent[]
  }> {
    return new Promise((resolvePromise, reject) => {
      const started = performance.now()
      const child = spawn(this.#options.nodePath ?? process.execPath, [entry], {
        cwd: this.workspace,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      let exited = false
      let timedOut = false
      let cancelled = false
      const signalsSent: SignalSent[] = []
      const timers: NodeJS.Timeout[] = []

      const send = (signal: NodeJS.Signals) => {
        if (exited) return
        signalsSent.push({ signal, atMs: Math.round(performance.now() - started) })
        child.kill(signal)
      }
      // ProcessInvoker.CancelAndKillProcessTree: SIGINT, wait, SIGTERM, wait, kill.
      const cancel = () => {
        if (cancelled || exited) return
        cancelled = true
        send('SIGINT')
        timers.push(
          setTimeout(() => {
            send('SIGTERM')
            timers.push(setTimeout(() => send('SIGKILL'), options.killGraceMs ?? 2500))
          }, options.cancelGraceMs ?? 7500),
        )
      }
      if (options.cancelAfter?.ms !== undefined)
        timers.push(setTimeout(cancel, options.cancelAfter.ms))
      options.cancelAfter?.when?.then(cancel, () => undefined)
      timers.push(
        setTimeout(() => {
          if (exited) return
          timedOut = true
          send('SIGKILL')
        }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      )

      const attach = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') => {
        const decoder = new StringDecoder('utf8')
        const splitter = new LineSplitter()
        const handle = (lines: string[]) => {
          for (const line of lines) {
            options.onOutput?.(line, name)
            processor.line(line)
          }
        }
        stream.on('data', (chunk: Buffer) => {
          const text = decoder.write(chunk)
          if (name === 'stdout') stdout += text
          else stderr += text
          handle(splitter.push(text))
        })
        stream.on('end', () => {
          const text = decoder.end()
          if (name === 'stdout') stdout += text
          else stderr += text
          handle([...splitter.push(text), ...splitter.end()])
        })
      }
      attach(child.stdout, 'stdout')
      attach(child.stderr, 'stderr')

      child.on('exit', () => {
        exited = true
      })
      child.on('error', (error) => {
        for (const timer of timers) clearTimeout(timer)
        reject(error)
      })
      child.on('close', (exitCode, signal) => {
        exited = true
        for (const timer of timers) clearTimeout(timer)
        const code = exitCode ?? (signal ? 128 + signalNumber(signal) : -1)
        processor.debug(`Node Action run completed with exit code ${code}`)
        resolvePromise({
          stdout,
          stderr,
          exitCode,
          signal,
          timedOut,
          cancelled,
          durationMs: Math.round(performance.now() - started),
          signalsSent,
        })
      })
    })
  }
}
