import { randomBytes } from 'node:crypto'
import { configFilePath } from './config-file.ts'
import {
  InputError,
  parseInputs,
  readContext,
  type CommonSettings,
  type CreateSettings,
  type MatrixPlace,
  type RotateSettings,
  type Settings,
} from './inputs/index.ts'
import type { PostBudget } from './modes/create-post.ts'
import type { MintDeps } from './modes/mint.ts'
import {
  NO_KEY_MODE,
  readJson,
  readKeyId,
  saveEveryStateName,
  STATE,
  type CreateState,
} from './modes/state.ts'
import { readPostInputs, type PostInputs } from './inputs/post.ts'
import type { Runner } from './runner.ts'
import { Secret } from '../core/secret.ts'
import { CANCEL_CLEANUP_BUDGET_MS, GraceBudget } from './signals.ts'
import { VastClient, type ClientOptions } from '../core/vast/client.ts'
import { VastApiError } from '../core/vast/errors.ts'
import { DEFAULT_RETRY } from '../core/vast/retry.ts'
import { createFetch, proxySecrets, type FetchLike } from '../core/vast/transport.ts'
import { checkNetwork, NETWORK_STATE, networkFingerprint } from '../core/network-fingerprint.ts'

/**
 * The two phases, with their collaborators passed in. The entry points (main.ts, post.ts) only
 * build the real ones; tests build others. Modes are loaded on demand so each phase loads only
 * the code it runs.
 */
export interface Environment {
  runner: Runner
  env: NodeJS.ProcessEnv
  /** Fires when the runner cancels the step (SIGINT/SIGTERM). */
  signal?: AbortSignal
  now?: () => Date
}

/** The post step must end within 60 s whatever the API does; leave room for start-up. */
export const POST_BUDGET_MS = 50_000
/** delete mode has no budget input: one users/current and one delete, 429s included. */
export const DELETE_BUDGET_MS = 300_000
export { CANCEL_CLEANUP_BUDGET_MS } from './signals.ts'

type ClientSettings = Pick<
  CommonSettings,
  'apiUrl' | 'adminKey' | 'requestTimeoutMs' | 'maxAttempts'
>

/**
 * A Vast client for this step: nothing is sent past `budget` (ms from now, or a budget whose
 * deadline a cancel can move), and the step's cancellation aborts it, unless it is the client
 * that cleans up after a cancel.
 */
async function makeClient(
  settings: ClientSettings,
  environment: Environment,
  budget: number | PostBudget,
  { cancellable = true, matrix }: { cancellable?: boolean; matrix?: MatrixPlace } = {},
): Promise<VastClient> {
  const { runner, signal } = environment
  const deadline = typeof budget === 'number' ? Date.now() + budget : 0
  const options: ClientOptions = {
    baseUrl: settings.apiUrl,
    apiKey: settings.adminKey,
    requestTimeoutMs: settings.requestTimeoutMs,
    retry: { ...DEFAULT_RETRY, maxAttempts: settings.maxAttempts },
    fetch: await createFetch(environment.env),
    // Read by the client before every send and wait.
    get deadline() {
      return typeof budget === 'number' ? deadline : budget.deadline()
    },
    ...(cancellable && signal ? { signal } : {}),
    ...(matrix ? { matrix } : {}),
    // The client's line per request and per retry, only when the runner shows debug lines
    // (RUNNER_DEBUG): a sweep of thousands of keys would otherwise scrub and write them all for
    // nothing (issue 20: its peak memory).
    ...(runner.isDebug() ? { debug: (message: string) => runner.debug(message) } : {}),
    info: (message) => runner.info(message),
  }
  return new VastClient(options)
}

export async function runMain(environment: Environment): Promise<void> {
  const { runner } = environment
  try {
    // First, before any input is read: every state name post reads gets main's value, so no
    // STATE_* line another step writes to $GITHUB_ENV can reach post (src/action/modes/state.ts), and
    // post sends no secret over a network main did not see (src/core/network-fingerprint.ts).
    saveEveryStateName(runner)
    runner.saveState(
      NETWORK_STATE,
      networkFingerprint(environment.env, runner.getInput('admin-api-key')),
    )
    const settings = await parseInputs(
      { getInput: (name) => runner.getInput(name), env: environment.env },
      {
        onSecret: (value) => runner.setSecret(value),
        // Errors only: the parser's warnings would quote the input on stderr.
        loadYaml: async () => {
          const { parse } = await import('yaml')
          return (text) => parse(text, { logLevel: 'error' }) as unknown
        },
      },
    )
    for (const secret of proxySecrets(environment.env)) runner.setSecret(secret)
    for (const warning of settings.warnings) runner.warning(warning)
    await runMode(settings, environment)
  } catch (error) {
    fail(runner, error)
  }
}

async function runMode(settings: Settings, environment: Environment): Promise<void> {
  const { runner, signal } = environment
  const now = environment.now ?? (() => new Date())
  switch (settings.mode) {
    case 'create': {
      if (settings.broker) {
        const { runBrokerCreate } = await import('./modes/broker-client.ts')
        return runBrokerCreate(
          { ...settings, broker: settings.broker },
          await brokerDeps(environment, Date.now() + settings.createBudgetMs),
        )
      }
      const { runCreate } = await import('./modes/create.ts')
      return runCreate(settings, {
        ...(await mintDeps(settings, environment)),
        configFilePath: configFilePath(environment.env),
      })
    }
    case 'rotate': {
      const { runRotate, SecretWriter } = await import('./modes/rotate.ts')
      const writer = new SecretWriter(
        {
          token: settings.githubToken,
          apiUrl: settings.githubApiUrl,
          maxAttempts: settings.maxAttempts,
          fetch: await createFetch(environment.env),
          debug: (message) => runner.debug(message),
          ...(signal ? { signal } : {}),
        },
        settings.target,
        settings.secretName,
      )
      return runRotate(settings, {
        ...(await mintDeps(settings, environment)),
        writer,
        clientFor: (minted) =>
          makeClient({ ...settings, adminKey: minted.key }, environment, DELETE_BUDGET_MS),
        freshClient: ({ cancellable = true } = {}) =>
          makeClient(
            settings,
            environment,
            cancellable ? DELETE_BUDGET_MS : CANCEL_CLEANUP_BUDGET_MS,
            { cancellable },
          ),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      })
    }
    case 'delete': {
      const { runDelete } = await import('./modes/delete.ts')
      const client = await makeClient(settings, environment, DELETE_BUDGET_MS)
      return runDelete(settings, { runner, client })
    }
    case 'sweep': {
      const { runSweep } = await import('./modes/sweep.ts')
      // One deadline for the Vast calls and the GitHub run look-ups.
      const deadline = Date.now() + settings.budgetMs
      const client = await makeClient(settings, environment, settings.budgetMs)
      let runs
      if (settings.githubToken) {
        const { RunReader } = await import('./github/runs.ts')
        runs = new RunReader({
          token: settings.githubToken,
          apiUrl: settings.githubApiUrl,
          requestTimeoutMs: settings.requestTimeoutMs,
          fetch: await createFetch(environment.env),
          ...(signal ? { signal } : {}),
          deadline,
          debug: (message) => runner.debug(message),
          info: (message) => runner.info(message),
        })
      }
      const sweepDeps = {
        runner,
        client,
        now,
        ...(signal ? { signal } : {}),
        ...(runs ? { runs } : {}),
      }
      await runSweep(settings, sweepDeps)
      if (settings.instances === 'destroy') {
        const { runInstanceSweep } = await import('./modes/sweep-instances.ts')
        await runInstanceSweep(settings, sweepDeps)
      }
      return
    }
  }
}

/**
 * What create mode with broker-url needs: the runner's environment and a transport. `post`: a
 * transport that cannot be made (createFetch's refusal: a proxy variable, NODE_DEBUG) becomes the
 * post step's `networkRefusal`, so that the key left behind is named; main lets it throw.
 */
async function brokerDeps(environment: Environment, deadline: number, post = false) {
  const { runner, env, signal } = environment
  let fetch: FetchLike
  let refusal: string | undefined
  try {
    fetch = await createFetch(env)
  } catch (error) {
    if (!post) throw error
    refusal = `${(error as Error).message}; the OIDC token was not requested`
    const failure = error instanceof Error ? error : new Error(String(error))
    fetch = () => Promise.reject(failure)
  }
  return {
    runner,
    env,
    fetch,
    configFilePath: configFilePath(env),
    deadline: () => deadline,
    ...(signal ? { signal } : {}),
    ...(refusal ? { networkRefusal: refusal } : {}),
  }
}

/** What minting a key needs (create and rotate). */
async function mintDeps(
  settings: CreateSettings | RotateSettings,
  environment: Environment,
): Promise<MintDeps> {
  return {
    runner: environment.runner,
    // The create shares the parent key's rate with the rest of the matrix: paced by its place.
    client: await makeClient(settings, environment, settings.createBudgetMs, {
      matrix: settings.matrix,
    }),
    now: environment.now ?? (() => new Date()),
    nonce: () => randomBytes(4).toString('hex'),
    cleanupClient: () =>
      makeClient(settings, environment, CANCEL_CLEANUP_BUDGET_MS, { cancellable: false }),
  }
}

/**
 * The post step. A cancel does not stop it: `budget` (made by post.ts before its first await)
 * shortens to the runner's grace on SIGINT, and only then aborts what is in flight.
 */
export async function runPost(environment: Environment & { budget?: GraceBudget }): Promise<void> {
  const { runner } = environment
  const budget = environment.budget ?? new GraceBudget(POST_BUDGET_MS)
  try {
    for (const secret of proxySecrets(environment.env)) runner.setSecret(secret)
    const mode = runner.getState(STATE.mode)
    if (mode === '' || mode === NO_KEY_MODE) {
      runner.info('Nothing to clean up: the main step made no key to delete.')
      return
    }
    // Decisions come from the inputs, which no other step can change; state is checked against them.
    const inputs = readPostInputs((name) => runner.getInput(name))
    // A secret goes out only over the network main saw (src/core/network-fingerprint.ts).
    const network = checkNetwork(
      runner.getState(NETWORK_STATE),
      environment.env,
      runner.getInput('admin-api-key'),
    )
    if (mode === 'broker') {
      const { runBrokerPost } = await import('./modes/broker-client.ts')
      return await runBrokerPost(
        {
          ...(await brokerDeps({ ...environment, signal: budget.signal }, 0, true)),
          ...(network.ok
            ? {}
            : { networkRefusal: `${network.reason}; the OIDC token was not requested` }),
          deadline: () => budget.deadline(),
        },
        inputs,
      )
    }
    const { runCreatePost } = await import('./modes/create-post.ts')
    const postClient = async (apiUrl: string, state: ClientSettingsFromState) => {
      if (!network.ok)
        throw new Error(
          `${network.reason}; the parent key was not sent (a sweep or delete step in a job whose steps leave these settings alone can delete the key)`,
        )
      const adminKey = runner.getInput('admin-api-key')
      runner.setSecret(adminKey)
      if (!adminKey) {
        throw new Error("input 'admin-api-key' is empty in the post step")
      }
      return makeClient(
        { ...state, apiUrl, adminKey: new Secret(adminKey) },
        { ...environment, signal: budget.signal },
        budget,
      )
    }
    try {
      await runCreatePost({ runner, budget, inputs, makeClient: postClient })
    } finally {
      // After the key: once it is deleted, nothing can start another instance with it.
      if (mode === 'create') {
        await destroyJobInstances(environment, budget, inputs, (state) =>
          postClient(inputs.apiUrl ?? '', state),
        )
      }
    }
  } catch (error) {
    fail(runner, error)
  }
}

type ClientSettingsFromState = Pick<CommonSettings, 'apiUrl' | 'requestTimeoutMs' | 'maxAttempts'>

/** `instances: destroy` (docs/instances.md): the job's labelled instances, after its key. */
async function destroyJobInstances(
  environment: Environment,
  budget: GraceBudget,
  inputs: PostInputs,
  postClient: (state: ClientSettingsFromState) => Promise<VastClient>,
): Promise<void> {
  const { runner, env } = environment
  const { readInstancesForPost } = await import('./inputs/instances.ts')
  const settings = readInstancesForPost({ getInput: (name) => runner.getInput(name), env })
  if (settings.instances !== 'destroy') return
  const { runInstancesPost } = await import('./modes/instances-post.ts')
  const state = readJson<CreateState>(runner.getState(STATE.create))
  const keyId = readKeyId(runner.getState(STATE.keyId))
  if (!state || typeof keyId !== 'number') {
    // The label is handed out with the key: without a key, no step of the job ever saw it.
    runner.info('instances: destroy, but the main step made no key: nothing to destroy.')
    return
  }
  await runInstancesPost({
    runner,
    settings,
    context: readContext(env),
    cleanupFailure: inputs.cleanupFailure,
    budget,
    makeClient: () => postClient(state),
  })
}

/** Expected failures (bad input, API errors) show their message only; others add a debug stack. */
function fail(runner: Runner, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  runner.setFailed(message)
  const expected = error instanceof InputError || error instanceof VastApiError
  if (!expected && error instanceof Error && error.stack) runner.debug(error.stack)
}
