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
