// A step's process: spawned with the step's environment, its stdout and stderr split into lines
// as the runner reads them and fed to the command processor, cancelled with the runner's
// sequence, killed on timeout.

import { spawn } from 'node:child_process'
import { constants as osConstants } from 'node:os'
import { performance } from 'node:perf_hooks'
import { StringDecoder } from 'node:string_decoder'
import type { CommandProcessor } from './commands.ts'
import type { SignalSent, StepOptions } from './job-types.ts'

const DEFAULT_TIMEOUT_MS = 60_000

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

function signalNumber(signal: NodeJS.Signals): number {
  return (osConstants.signals as Record<string, number | undefined>)[signal] ?? 0
}

/** How a step's process ended, and everything it wrote. */
export interface ProcessRun {
  stdout: string
  stderr: string
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  durationMs: number
  signalsSent: SignalSent[]
}

/**
 * Runs `node <entry>` in `cwd` with exactly `env`, every output line through `processor` (and
 * `options.onOutput`). Cancels as the runner does (SIGINT, then SIGTERM after cancelGraceMs,
 * SIGKILL after killGraceMs more) when `options.cancelAfter` says, and SIGKILLs after
 * `options.timeoutMs` (default 60 000 ms). Resolves when the process and its pipes are closed;
 * rejects only when it cannot be spawned.
 */
export function spawnStep(
  nodePath: string,
  entry: string,
  cwd: string,
  env: Record<string, string>,
  options: StepOptions,
  processor: CommandProcessor,
): Promise<ProcessRun> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now()
    const child = spawn(nodePath, [entry], {
      cwd,
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
