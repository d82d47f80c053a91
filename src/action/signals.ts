/**
 * The runner's cancellation (actions/runner, runner-protocol.md): SIGINT, then SIGTERM 7.5 s
 * later, then a kill 2.5 s after that.
 */
export const RUNNER_SIGTERM_AFTER_MS = 7_500

/** What a step may use of the runner's grace after SIGINT: 1 s is kept for writing and exit. */
export const CANCEL_CLEANUP_BUDGET_MS = RUNNER_SIGTERM_AFTER_MS - 1_000

/**
 * Cancellation as the runner does it: SIGINT, then SIGTERM 7.5 s later, then a kill. The first
 * signal aborts what is in flight so the step can clean up quickly; a second one ends the process.
 */
export function cancellationSignal(
  onCancel: (signal: NodeJS.Signals) => void = () => {},
  target: Pick<NodeJS.Process, 'on' | 'exit'> = process,
): AbortSignal {
  const controller = new AbortController()
  const handle = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      target.exit(1)
      return
    }
    onCancel(signal)
    controller.abort(new Error(`received ${signal}`))
  }
  target.on('SIGINT', handle)
  target.on('SIGTERM', handle)
  return controller.signal
}

/**
 * What Node itself would print to stderr, around the runner's chokepoint, with text that may come
 * from outside: an error nothing caught (a library's timer, a stray rejection) fails the step
 * through `fail`, and the process ends; a process warning (a library's `emitWarning`, such as a
 * YAML parser quoting its input) goes to `debug` instead of Node's default printer.
 */
export function failOnUncaught(
  fail: (message: string, stack: string | undefined) => void,
  debug: (message: string) => void,
  target: Pick<NodeJS.Process, 'on' | 'exit' | 'removeAllListeners'> = process,
): void {
  target.removeAllListeners('warning')
  target.on('warning', (warning: Error) => debug(`${warning.name}: ${warning.message}`))
  const handle = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    fail(`Unexpected error: ${message}`, error instanceof Error ? error.stack : undefined)
    target.exit(1)
  }
  target.on('uncaughtException', handle)
  target.on('unhandledRejection', handle)
}

/**
 * The post step's budget under cancellation. The post step deletes what main made, so a cancel
 * does not stop it: SIGINT shortens its budget to the runner's grace ({@link
 * CANCEL_CLEANUP_BUDGET_MS} from the signal), and `signal` aborts what is in flight only when that
 * grace ends or SIGTERM comes. A further signal after that ends the process.
 */
export class GraceBudget {
  readonly #controller = new AbortController()
  readonly #now: () => number
  #deadline: number
  #timer: NodeJS.Timeout | undefined
  /** When SIGINT (or the first signal) came, epoch ms. */
  interruptedAt: number | undefined

  constructor(budgetMs: number, now: () => number = Date.now) {
    this.#now = now
    this.#deadline = now() + budgetMs
  }

  /** Nothing may be sent past this moment (epoch ms); it moves earlier on SIGINT. */
  deadline(): number {
    return this.#deadline
  }

  /** Aborted when the grace after SIGINT ends, or at SIGTERM. */
  get signal(): AbortSignal {
    return this.#controller.signal
  }

  /** Applies a signal at `at` (epoch ms); returns false when the process should end now. */
  receive(name: NodeJS.Signals, at: number = this.#now()): boolean {
    if (this.#controller.signal.aborted) return false
    if (name === 'SIGTERM') {
      this.#abort(name)
      return true
    }
    if (this.interruptedAt !== undefined) return true
    this.interruptedAt = at
    this.#deadline = Math.min(this.#deadline, at + CANCEL_CLEANUP_BUDGET_MS)
    this.#timer = setTimeout(
      () => this.#abort('the end of the grace after SIGINT'),
      Math.max(0, this.#deadline - this.#now()),
    )
    this.#timer.unref()
    return true
  }

  #abort(reason: string): void {
    clearTimeout(this.#timer)
    this.#controller.abort(new Error(`received ${reason}`))
  }
}

/** A signal caught before the bundle was loaded (see scripts/build.mjs: dist/post.js). */
export interface EarlySignals {
  received: { name: NodeJS.Signals; at: number }[]
  /** Removes the early handlers, once the step's own are in place. */
  release(): void
}

/**
 * Installs the post step's handlers on `budget`, then hands over from the early ones and replays
 * what they caught. `onSignal` is told of each signal.
 */
export function graceSignals(
  budget: GraceBudget,
  onSignal: (name: NodeJS.Signals) => void,
  early?: EarlySignals,
  target: Pick<NodeJS.Process, 'on' | 'exit'> = process,
): void {
  const handle = (name: NodeJS.Signals, at?: number) => {
    onSignal(name)
    if (!budget.receive(name, at)) target.exit(1)
  }
  target.on('SIGINT', (name: NodeJS.Signals) => handle(name))
  target.on('SIGTERM', (name: NodeJS.Signals) => handle(name))
  if (early) {
    early.release()
    for (const { name, at } of early.received) handle(name, at)
  }
}
