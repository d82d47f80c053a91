// The shapes RunnerJob takes and gives: the job's options, a step's options and a step's result.

import type { Annotation } from './commands.ts'

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
