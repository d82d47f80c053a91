// Workflow commands as the runner reads them from a step's stdout and stderr (actions/runner:
// ActionCommand.cs, ActionCommandManager.cs, OutputManager.cs, ExecutionContext.Write/AddIssue).

import type { SecretMasker } from './masking.ts'

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  message: string
  properties: Record<string, string>
}

export interface ParsedCommand {
  command: string
  properties: Record<string, string>
  data: string
}

/** Commands the runner registers (matched case-insensitively). */
const REGISTERED_COMMANDS = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
]

/** Commands whose line is not echoed when echo is on (they print their own form, or nothing). */
const OMIT_ECHO = new Set(['add-mask', 'debug', 'warning', 'error', 'notice'])

const DEPRECATED_OUTPUT_COMMAND = (command: string): string =>
  `The \`${command}\` command is deprecated and will be disabled soon. Please upgrade to using Environment Files. For more information see: https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/`

const DISABLED_COMMAND = (command: string): string =>
  `The \`${command}\` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the \`ACTIONS_ALLOW_UNSECURE_COMMANDS\` environment variable to \`true\`. For more information see: https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/`

const INVALID_STOP_TOKEN =
  "You cannot use a endToken that is an empty string, the string 'pause-logging', or another workflow command. For more information see: https://docs.github.com/actions/learn-github-actions/workflow-commands-for-github-actions#example-stopping-and-starting-workflow-commands or opt into insecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS` environment variable to `true`."

function unescape(value: string, mappings: ReadonlyArray<[string, string]>): string {
  let out = value
  for (const [escaped, token] of mappings) out = out.replaceAll(escaped, token)
  return out
}

const DATA_ESCAPES: ReadonlyArray<[string, string]> = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%'],
]
const PROPERTY_ESCAPES: ReadonlyArray<[string, string]> = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%'],
]
const LEGACY_ESCAPES: ReadonlyArray<[string, string]> = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%'],
]

/** `.Split('=', 2, RemoveEmptyEntries)` and keep only real key/value pairs. */
function splitProperty(text: string): [string, string] | undefined {
  const eq = text.indexOf('=')
  if (eq <= 0 || eq === text.length - 1) return undefined
  return [text.slice(0, eq), text.slice(eq + 1)]
}

/** ActionCommand.TryParseV2: `::name k=v,k2=v2::data`, after leading whitespace. */
export function parseCommand(
  line: string,
  registered: ReadonlySet<string> = new Set(REGISTERED_COMMANDS),
): ParsedCommand | undefined {
  const message = line.trimStart()
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
  if (end < 0) return undefined
  const info = message.slice(2, end)
  const space = info.indexOf(' ')
  const command = space < 0 ? info : info.slice(0, space)
  if (!registered.has(command.toLowerCase())) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const part of info
      .slice(space + 1)
      .trim()
      .split(',')) {
      const pair = part === '' ? undefined : splitProperty(part)
      if (pair) properties[pair[0]] = unescape(pair[1], PROPERTY_ESCAPES)
    }
  }
  return { command, properties, data: unescape(message.slice(end + 2), DATA_ESCAPES) }
}

/** ActionCommand.TryParse: the legacy `##[name k=v;k2=v2]data`, anywhere in the line. */
export function parseLegacyCommand(
  line: string,
  registered: ReadonlySet<string> = new Set(REGISTERED_COMMANDS),
): ParsedCommand | undefined {
  const prefix = line.indexOf('##[')
  if (prefix < 0) return undefined
  const rb = line.indexOf(']', prefix)
  if (rb < 0) return undefined
  const info = line.slice(prefix + 3, rb)
  const space = info.indexOf(' ')
  const command = space < 0 ? info : info.slice(0, space)
  if (!registered.has(command.toLowerCase())) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const part of info.slice(space + 1).split(';')) {
      const pair = part === '' ? undefined : splitProperty(part)
      if (pair) properties[pair[0]] = unescape(pair[1], LEGACY_ESCAPES)
    }
  }
  return { command, properties, data: unescape(line.slice(rb + 1), LEGACY_ESCAPES) }
}

export interface CommandProcessorOptions {
  /** The job's masker: add-mask registers here, every displayed line is masked with it. */
  masker: SecretMasker
  /** ACTIONS_STEP_DEBUG: `##[debug]` lines are displayed and commands are echoed. */
  debug: boolean
  /** ACTIONS_ALLOW_UNSECURE_COMMANDS=true in the step's env: set-env and add-path work. */
  allowUnsecureCommands?: boolean
  /** ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS=true: weak stop-commands tokens are accepted. */
  allowUnsecureStopTokens?: boolean
  /** Used in the debug line of ::set-output. */
  stepId?: string
}

/** One step's view of its output: the displayed log and everything the commands did. */
export class CommandProcessor {
  readonly log: string[] = []
  readonly annotations: Annotation[] = []
  /** Values registered through ::add-mask:: during this step, in order. */
  readonly masksAdded: string[] = []
  readonly deprecatedCommands: string[] = []
  /** From the deprecated ::set-output:: and ::save-state:: (still honoured by the runner). */
  readonly outputs: Record<string, string> = {}
  readonly state: Record<string, string> = {}
  /** From ::set-env:: / ::add-path::, only when unsecure commands are allowed. */
  readonly exportedEnv: Record<string, string> = {}
  readonly paths: string[] = []
  /** A command failed (CommandResult = Failed): the step fails even with exit code 0. */
  failed = false

  readonly #masker: SecretMasker
  readonly #debug: boolean
  readonly #options: CommandProcessorOptions
  readonly #registered = new Set(REGISTERED_COMMANDS)
  #echo: boolean
  #stopToken: string | undefined

  constructor(options: CommandProcessorOptions) {
    this.#options = options
    this.#masker = options.masker
    this.#debug = options.debug
    // ExecutionContext turns echo on when step debug is on.
    this.#echo = options.debug
  }

  /** ExecutionContext.Output: masked, one log entry per line. */
  output(text: string): void {
    for (const line of this.#masker.mask(text).split('\n')) this.log.push(line)
  }

  /** ExecutionContext.Debug: shown only with step debug. */
  debug(text: string): void {
    if (this.#debug) this.output(`##[debug]${text}`)
  }

  /** ExecutionContext.AddIssue: message (and properties) masked; displayed as `Error: msg`. */
  issue(level: Annotation['level'], message: string, properties: Record<string, string> = {}) {
    const masked: Record<string, string> = {}
    for (const [key, value] of Object.entries(properties)) masked[key] = this.#masker.mask(value)
    const text = this.#masker.mask(message)
    this.annotations.push({ level, message: text, properties: masked })
    const label = level === 'error' ? 'Error' : level === 'warning' ? 'Warning' : 'Notice'
    for (const line of `${label}: ${text}`.split('\n')) this.log.push(line)
  }

  /** OutputManager.OnDataReceived for one line of stdout or stderr. */
  line(input: string): void {
    if (input !== '' && (input.includes('##[') || input.includes('::'))) {
      if (this.#tryProcess(input)) return
    }
    this.output(input)
  }

  #tryProcess(input: string): boolean {
    const command =
      parseCommand(input, this.#registered) ?? parseLegacyCommand(input, this.#registered)
    if (!command) return false
    const name = command.command.toLowerCase()

    if (this.#stopToken !== undefined) {
      if (name === this.#stopToken.toLowerCase()) {
        this.output(input)
        this.debug('Resume processing commands')
        this.#registered.delete(this.#stopToken.toLowerCase())
        this.#stopToken = undefined
        return true
      }
      this.debug(
        `Process commands has been stopped and waiting for '##[${this.#stopToken}]' to resume.`,
      )
      return false
    }

    if (name === 'stop-commands') {
      const token = command.data
      const weak =
        token === '' ||
        this.#registered.has(token.toLowerCase()) ||
        token.toLowerCase() === 'pause-logging'
      if (weak && !this.#options.allowUnsecureStopTokens) {
        // The runner throws out of TryProcessCommand here; the step fails.
        this.issue('error', INVALID_STOP_TOKEN)
        this.failed = true
        return true
      }
      this.#stopToken = token
      this.#registered.add(token.toLowerCase())
      // The token is masked for the rest of the job so that output cannot guess it.
      if (token.length > 6) this.#masker.addValue(token)
      this.output(input)
      this.debug(
        'Paused processing commands until the token you called ::stopCommands:: with is received',
      )
      return true
    }

    if (this.#echo && !OMIT_ECHO.has(name)) this.output(input)
    try {
      this.#run(name, command)
    } catch (error) {
      const shown = OMIT_ECHO.has(name) ? name : input
      this.issue('error', `Unable to process command '${shown}' successfully.`)
      this.issue('error', error instanceof Error ? error.message : String(error))
      this.failed = true
    }
    return true
  }

  #run(name: string, command: ParsedCommand): void {
    const { data, properties } = command
    switch (name) {
      case 'add-mask':
        if (data.trim() === '') {
          this.issue('warning', "Can't add secret mask for empty string in ##[add-mask] command.")
          return
        }
        if (this.#echo) this.output('::add-mask::***')
        this.#masker.addMask(data)
        this.masksAdded.push(data)
        return
      case 'debug':
        this.debug(data)
        return
      case 'error':
      case 'warning':
      case 'notice':
        this.issue(name, data, properties)
        return
      case 'group':
        this.output(`##[group]${data}`)
        return
      case 'endgroup':
        this.output('##[endgroup]')
        return
      case 'echo':
        switch (data.trim().toUpperCase()) {
          case 'ON':
            this.#echo = true
            this.debug("Setting echo command value to 'on'")
            return
          case 'OFF':
            this.#echo = false
            this.debug("Setting echo command value to 'off'")
            return
          default:
            throw new Error(
              `Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: '${data}'.`,
            )
        }
      case 'set-output':
      case 'save-state': {
        this.deprecatedCommands.push(name)
        this.issue('warning', DEPRECATED_OUTPUT_COMMAND(name))
        const key = property(properties, 'name')
        if (!key) throw new Error(`Required field 'name' is missing in ##[${name}] command.`)
        if (name === 'set-output') {
          this.outputs[key] = data
          this.debug(`steps.${this.#options.stepId ?? ''}.outputs.${key}='${data}'`)
        } else {
          this.state[key] = data
          this.debug(`Save intra-action state ${key} = ${data}`)
        }
        return
      }
      case 'set-env':
      case 'add-path': {
        this.deprecatedCommands.push(name)
        if (!this.#options.allowUnsecureCommands) throw new Error(DISABLED_COMMAND(name))
        if (name === 'add-path') {
          if (data === '') throw new Error("Parameter 'path' cannot be null or empty.")
          this.paths.push(data)
          return
        }
        const key = property(properties, 'name')
        if (!key) throw new Error("Required field 'name' is missing in ##[set-env] command.")
        if (key.toUpperCase() === 'NODE_OPTIONS') {
          this.issue(
            'error',
            "Can't update NODE_OPTIONS environment variable using ::set-env:: command.",
          )
          return
        }
        this.exportedEnv[key] = data
        this.debug(`${key}='${data}'`)
        return
      }
      default:
        // add-matcher / remove-matcher: problem matchers are not reproduced.
        return
    }
  }
}

/** Command properties are looked up case-insensitively. */
function property(properties: Record<string, string>, key: string): string | undefined {
  for (const [k, v] of Object.entries(properties)) if (k.toLowerCase() === key) return v
  return undefined
}
