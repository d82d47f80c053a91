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
 * An error nothing caught (a library's timer, a stray rejection) would be printed by Node to
 * stderr as it is, around the runner's chokepoint: its message may hold text from outside. It
 * fails the step through `fail` instead, and the process ends.
 */
export function failOnUncaught(
  fail: (message: string, stack: string | undefined) => void,
  target: Pick<NodeJS.Process, 'on' | 'exit'> = process,
): void {
  const handle = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    fail(`Unexpected error: ${message}`, error instanceof Error ? error.stack : undefined)
    target.exit(1)
  }
  target.on('uncaughtException', handle)
  target.on('unhandledRejection', handle)
}
