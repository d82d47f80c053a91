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
