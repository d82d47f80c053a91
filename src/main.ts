import { runMain } from './action.ts'
import { createRunner } from './runner.ts'
import { cancellationSignal } from './signals.ts'

/** The main step: the real runner, environment and cancellation signal, nothing else. */
export async function main(): Promise<void> {
  const runner = createRunner()
  const signal = cancellationSignal((name) => runner.info(`Received ${name}: stopping.`))
  await runMain({ runner, env: process.env, signal })
}
