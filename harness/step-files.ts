// A step's file-command files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_PATH,
// GITHUB_STEP_SUMMARY): made empty before the step, read after it the way the runner reads them.

import { randomUUID } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CommandProcessor } from './commands.ts'
import { parseKeyValueFile, parsePathFile, STEP_SUMMARY_LIMIT } from './file-commands.ts'

/** The five files' paths (or, from readStepFiles, their contents). */
export interface StepFiles {
  output: string
  state: string
  env: string
  summary: string
  path: string
}

/** A fresh, empty set of file-command files in `stepDir`, named like the runner's. */
export function createStepFiles(stepDir: string): StepFiles {
  const suffix = randomUUID()
  const filePaths = {
    path: join(stepDir, `add_path_${suffix}`),
    env: join(stepDir, `set_env_${suffix}`),
    summary: join(stepDir, `step_summary_${suffix}`),
    state: join(stepDir, `save_state_${suffix}`),
    output: join(stepDir, `set_output_${suffix}`),
  }
  for (const file of Object.values(filePaths)) writeFileSync(file, '')
  return filePaths
}

/** What a step handed on: the files' texts and what the runner made of them and of its commands. */
export interface StepFileResults {
  files: StepFiles
  /** The processor's ::add-path:: entries, then GITHUB_PATH's. */
  paths: string[]
  /** GITHUB_ENV over ::set-env::, NODE_OPTIONS refused. */
  exportedEnv: Record<string, string>
  state: Record<string, string>
  outputs: Record<string, string>
  /** A file that could not be parsed: the step fails, as on the runner. */
  fileCommandFailed: boolean
}

/**
 * Reads the files after the step's process ended (even when it failed), as the runner does:
 * GITHUB_PATH, GITHUB_ENV, the summary (an error above STEP_SUMMARY_LIMIT), state, output. Errors
 * and debug lines go to `processor`'s log, as the runner writes them.
 */
export function readStepFiles(filePaths: StepFiles, processor: CommandProcessor): StepFileResults {
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
  const readPairs = (contextName: string, text: string, apply: (k: string, v: string) => void) => {
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
  return { files, paths, exportedEnv, state, outputs, fileCommandFailed }
}
