import { appendFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { EOL } from 'node:os'

/**
 * The runner's side of a JavaScript action, reduced to what this action uses.
 *
 * `@actions/core` does the same job, but importing it loads its OIDC HTTP client and a second
 * copy of undici (about 1 MB) before the first line runs; the protocol itself is small and
 * documented (workflow commands on stdout, file commands in GITHUB_OUTPUT/STATE/ENV and the step
 * summary), so it lives here. Everything else in the action receives a `Runner` as an argument.
 */
export interface Runner {
  /** The raw input value as the runner passed it (`INPUT_<NAME>`), trimmed. */
  getInput(name: string): string
  getState(name: string): string
  setSecret(value: string): void
  setOutput(name: string, value: string): void
  saveState(name: string, value: string): void
  exportVariable(name: string, value: string): void
  appendSummary(markdown: string): void
  isDebug(): boolean
  debug(message: string): void
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
  error(message: string): void
  setFailed(message: string): void
}

export interface RunnerIo {
  env: NodeJS.ProcessEnv
  write(line: string): void
  appendFile(path: string, text: string): void
  setExitCode(code: number): void
}

const defaultIo: RunnerIo = {
  env: process.env,
  write: (line) => process.stdout.write(line + EOL),
  appendFile: (path, text) => appendFileSync(path, text, { encoding: 'utf8' }),
  setExitCode: (code) => {
    process.exitCode = code
  },
}

export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

export function createRunner(io: RunnerIo = defaultIo): Runner {
  const command = (name: string, message: string, properties: Record<string, string> = {}) => {
    const props = Object.entries(properties)
      .map(([key, value]) => `${key}=${escapeProperty(value)}`)
      .join(',')
    io.write(`::${name}${props ? ' ' + props : ''}::${escapeData(message)}`)
  }

  // File commands use the heredoc form with a random delimiter, so no value can end its own entry.
  const fileCommand = (variable: string, name: string, value: string) => {
    const path = io.env[variable]
    if (!path) {
      command(
        'debug',
        `${variable} is not set; '${name}' was not written (not running under a runner?)`,
      )
      return
    }
    const delimiter = `ghadelimiter_${randomUUID()}`
    if (name.includes(delimiter) || value.includes(delimiter)) {
      throw new Error(`Unexpected delimiter in the value of '${name}'`)
    }
    io.appendFile(path, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`)
  }

  const isDebug = () => io.env.RUNNER_DEBUG === '1'

  return {
    getInput: (name) => (io.env[inputEnvName(name)] ?? '').trim(),
    getState: (name) => io.env[`STATE_${name}`] ?? '',
    setSecret: (value) => {
      if (value) command('add-mask', value)
    },
    setOutput: (name, value) => fileCommand('GITHUB_OUTPUT', name, value),
    saveState: (name, value) => fileCommand('GITHUB_STATE', name, value),
    exportVariable: (name, value) => {
      io.env[name] = value
      fileCommand('GITHUB_ENV', name, value)
    },
    appendSummary: (markdown) => {
      const path = io.env.GITHUB_STEP_SUMMARY
      if (path) io.appendFile(path, markdown.endsWith(EOL) ? markdown : markdown + EOL)
    },
    isDebug,
    debug: (message) => command('debug', message),
    info: (message) => io.write(message),
    notice: (message) => command('notice', message),
    warning: (message) => command('warning', message),
    error: (message) => command('error', message),
    setFailed: (message) => {
      io.setExitCode(1)
      command('error', message)
    },
  }
}
