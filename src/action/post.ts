import { POST_BUDGET_MS, runPost } from './action.ts'
import { createRunner } from './runner.ts'
import { failOnUncaught, GraceBudget, graceSignals, type EarlySignals } from './signals.ts'

/**
 * The post step: the real runner, environment and cancellation, nothing else. Its signal
 * handlers are in place before its first await (and dist/post.js catches signals that come
 * while the bundle loads): a cancel must not stop the delete.
 */
export async function post(early?: EarlySignals): Promise<void> {
  const runner = createRunner()
  failOnUncaught(
    (message, stack) => {
      runner.setFailed(message)
      if (stack) runner.debug(stack)
    },
    (message) => runner.debug(message),
  )
  const budget = new GraceBudget(POST_BUDGET_MS)
  graceSignals(
    budget,
    (name) =>
      runner.info(
        budget.interruptedAt === undefined && name === 'SIGINT'
          ? `Received ${name}: the key is still deleted, within the runner's grace before SIGTERM.`
          : `Received ${name}: stopping.`,
      ),
    early,
  )
  await runPost({ runner, env: process.env, budget })
  // As in main: nothing is left to write, and nothing worth waiting for.
  process.exit()
}
