import { runPost } from './action.ts'
import { createRunner } from './runner.ts'

/** The post step: the real runner and environment, nothing else. */
export async function post(): Promise<void> {
  await runPost({ runner: createRunner(), env: process.env })
}
