import { randomBytes } from 'node:crypto'
import { InputError, parseInputs, type CommonSettings } from './inputs.ts'
import type { Runner } from './runner.ts'
import { Secret } from './secret.ts'
import { VastClient } from './vast/client.ts'
import { VastApiError } from './vast/errors.ts'
import { DEFAULT_RETRY } from './vast/retry.ts'
import { createFetch } from './vast/transport.ts'

/**
 * The two phases, with their collaborators passed in. The entry points (main.ts, post.ts) only
 * build the real ones; tests build others. Modes are loaded on demand so each phase loads only
 * the code it runs.
 */
export interface Environment {
  runner: Runner
  env: NodeJS.ProcessEnv
  now?: () => Date
}

/** The post step must end within 60 s whatever the API does; leave room for start-up. */
export const POST_BUDGET_MS = 50_000

type ClientSettings = Pick<
  CommonSettings,
  'apiUrl' | 'adminKey' | 'requestTimeoutMs' | 'maxAttempts'
>

async function makeClient(
  settings: ClientSettings,
  environment: Environment,
  deadline?: number,
): Promise<VastClient> {
  const { runner } = environment
  return new VastClient({
    baseUrl: settings.apiUrl,
    apiKey: settings.adminKey,
    requestTimeoutMs: settings.requestTimeoutMs,
    retry: { ...DEFAULT_RETRY, maxAttempts: settings.maxAttempts },
    fetch: await createFetch(environment.env),
    ...(deadline === undefined ? {} : { deadline }),
    debug: (message) => runner.debug(message),
  })
}

export async function runMain(environment: Environment): Promise<void> {
  const { runner } = environment
  const now = environment.now ?? (() => new Date())
  try {
    const settings = await parseInputs(
      { getInput: (name) => runner.getInput(name), env: environment.env },
      {
        onSecret: (value) => runner.setSecret(value),
        loadYaml: async () => (await import('yaml')).parse,
      },
    )
    const client = await makeClient(settings, environment)
    const { runCreate } = await import('./modes/create.ts')
    await runCreate(settings, { runner, client, now, nonce: () => randomBytes(4).toString('hex') })
  } catch (error) {
    fail(runner, error)
  }
}

export async function runPost(environment: Environment): Promise<void> {
  const { runner } = environment
  try {
    const mode = runner.getState('mode')
    if (!mode) {
      runner.info('Nothing to clean up: the main step stopped before it did anything.')
      return
    }
    const { runCreatePost } = await import('./modes/create.ts')
    const deadline = Date.now() + POST_BUDGET_MS
    await runCreatePost({
      runner,
      makeClient: async (state) => {
        const adminKey = runner.getInput('admin-api-key')
        runner.setSecret(adminKey)
        if (!adminKey) {
          throw new Error("input 'admin-api-key' is empty in the post step")
        }
        return makeClient({ ...state, adminKey: new Secret(adminKey) }, environment, deadline)
      },
    })
  } catch (error) {
    fail(runner, error)
  }
}

/** Expected failures (bad input, API errors) show their message only; others add a debug stack. */
function fail(runner: Runner, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  runner.setFailed(message)
  const expected = error instanceof InputError || error instanceof VastApiError
  if (!expected && error instanceof Error && error.stack) runner.debug(error.stack)
}
