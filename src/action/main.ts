import { runMain } from './action.ts'
import { createRunner } from './runner.ts'
import { cancellationSignal, failOnUncaught } from './signals.ts'

/** The main step: the real runner, environment and cancellation signal, nothing else. */
export async function main(): Promise<void> {
  const runner = createRunner()
  failOnUncaught(
    (message, stack) => {
      runner.setFailed(message)
      if (stack) runner.debug(stack)
    },
    (message) => runner.debug(message),
  )
  const signal = cancellationSignal((name) => runner.info(`Received ${name}: stopping.`))
  await runMain({ runner, env: process.env, signal })
  // Everything is written (file commands and stdout are synchronous). Do not wait for timers a
  // library may have left behind, such as Octokit's retry scheduler after a bounded call.
  process.exit()
}
