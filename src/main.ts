import { runMain } from './action.ts'
import { createRunner } from './runner.ts'

/** The main step: the real runner and environment, nothing else. */
export async function main(): Promise<void> {
  await runMain({ runner: createRunner(), env: process.env })
}
