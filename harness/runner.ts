// Runs a built JavaScript action the way GitHub's runner does (actions/runner 2.336):
// the runner's environment and file commands, workflow commands read from stdout and stderr, the
// job-wide secret masker, post steps with saved state, and the runner's cancellation sequence.
// RunnerJob holds the job's state across steps; its parts live beside it: action-definition.ts
// (action.yml, post-if), job-env.ts (the job's and each step's environment, inputs),
// step-files.ts (file commands), step-process.ts (the process, its output and its cancel).

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { loadActionDefinition, postShouldRun } from './action-definition.ts'
import type { ActionDefinition } from './action-definition.ts'
import { CommandProcessor } from './commands.ts'
import { ACTION_STEP_ID, inputEnvName, JobEnvironment } from './job-env.ts'
import type { RunnerJobOptions, StepOptions, StepResult } from './job-types.ts'
import { SecretMasker } from './masking.ts'
import { createStepFiles, readStepFiles } from './step-files.ts'
import { spawnStep } from './step-process.ts'

export type { Annotation } from './commands.ts'
export { applyMasks, escapeCommandData, findLeaks, SecretMasker } from './masking.ts'
export { parseCommand } from './commands.ts'
export { parseKeyValueFile } from './file-commands.ts'
export { loadActionDefinition } from './action-definition.ts'
export type { ActionDefinition, ActionInput } from './action-definition.ts'
export { inputEnvName } from './job-env.ts'
export type { RunnerJobOptions, SignalSent, StepOptions, StepResult } from './job-types.ts'

export class RunnerJob {
  readonly definition: ActionDefinition
  readonly workspace: string
  /** Temp root holding HOME, RUNNER_TEMP, the tool cache, the event file and each step's files. */
  readonly root: string

  readonly #options: RunnerJobOptions
  readonly #env: JobEnvironment
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
    this.#env = new JobEnvironment(options, this.definition, this.workspace, this.root)
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
    return postShouldRun(this.definition, this.status)
  }

  async runMain(options: StepOptions = {}): Promise<StepResult> {
    this.#mainInputs = options.inputs
    return this.#run('main', this.definition.main, options, this.#env.inputEnv(options.inputs))
  }

  /**
   * The post step: env from the env context (GITHUB_ENV included, `STATE_*` lines too), then the
   * inputs, then STATE_<name> for each name main saved, last (ActionRunner.cs). The inputs are the
   * step's `with:` evaluated again: main's unless `options.inputs` gives others.
   */
  async runPost(options: StepOptions = {}): Promise<StepResult> {
    const post = this.definition.post
    if (!post) throw new Error('the action has no post step')
    const extra = this.#env.inputEnv(options.inputs ?? this.#mainInputs)
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
    const filePaths = createStepFiles(stepDir)
    const stepVars = {
      GITHUB_ACTION: ACTION_STEP_ID,
      ...extra,
      GITHUB_OUTPUT: filePaths.output,
      GITHUB_STATE: filePaths.state,
      GITHUB_ENV: filePaths.env,
      GITHUB_PATH: filePaths.path,
      GITHUB_STEP_SUMMARY: filePaths.summary,
    }
    const env = this.#env.stepEnv(options, stepVars, this.#exportedEnv, this.#paths)

    const debug = options.debug ?? false
    const processor = new CommandProcessor({
      masker: this.#masker,
      debug,
      allowUnsecureCommands: env.ACTIONS_ALLOW_UNSECURE_COMMANDS?.toLowerCase() === 'true',
      allowUnsecureStopTokens:
        env.ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS?.toLowerCase() === 'true',
      stepId: env.GITHUB_ACTION,
    })

    const nodePath = this.#options.nodePath ?? process.execPath
    const run = await spawnStep(nodePath, entry, this.workspace, env, options, processor)
    const { files, paths, exportedEnv, state, outputs, fileCommandFailed } = readStepFiles(
      filePaths,
      processor,
    )

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
}
