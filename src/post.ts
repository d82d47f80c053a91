import { runPost } from './action.ts'
import { createRunner } from './runner.ts'
import { cancellationSignal, failOnUncaught } from './signals.ts'

/** The post step: the real runner, environment and cancellation signal, nothing else. */
export async function post(): Promise<void> {
  const runner = createRunner()
  failOnUncaught(
    (message, stack) => {
      runner.setFailed(message)
      if (stack) runner.debug(stack)
    },
    (message) => runner.debug(message),
  )
  const signal = cancellationSignal((name) => runner.info(`Received ${name}: stopping.`))
  await runPost({ runner, env: process.env, signal })
  // As in main: nothing is left to write, and nothing worth waiting for.
  process.exit()
}
