import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import sodium from 'libsodium-wrappers'
import type { SecretTarget } from '../inputs/index.ts'
import type { Secret } from '../core/secret.ts'
import { describeTarget } from './target.ts'

/**
 * Writing one GitHub Actions secret (repository, environment or organisation): fetch the scope's
 * public key, seal the value with libsodium's sealed box as GitHub requires, PUT it. Loaded only
 * in rotate mode. Octokit (from @actions/github, which also honours HTTPS_PROXY) with its retry
 * and throttling plugins: 5xx are retried, rate limits waited out from GitHub's own headers.
 */

export interface SecretWriterOptions {
  token: Secret
  apiUrl: string
  maxAttempts: number
  debug: (message: string) => void
  /** The step's cancellation. */
  signal?: AbortSignal
}

/** One GitHub call, its retries and rate-limit waits included, ends within this. */
export const GITHUB_CALL_BUDGET_MS = 180_000

export class GitHubSecretError extends Error {
  /** GitHub answered with a 4xx: the request was refused, nothing was written. */
  readonly definite: boolean
  constructor(message: string, definite: boolean) {
    super(message)
    this.name = 'GitHubSecretError'
    this.definite = definite
  }
}

type Octokit = ReturnType<typeof getOctokit>

interface PreparedTarget {
  keyId: string
  key: string
  selectedRepositoryIds?: number[]
}

/** Everything that can be checked before a key is minted, then the write itself. */
export class SecretWriter {
  readonly #octokit: Octokit
  readonly #signal: AbortSignal | undefined
  readonly #target: SecretTarget
  readonly #name: string
  #prepared: PreparedTarget | undefined

  constructor(options: SecretWriterOptions, target: SecretTarget, name: string) {
    const rateLimited =
      (what: string) => (retryAfter: number, _options: unknown, _o: unknown, count: number) => {
        options.debug(`GitHub ${what} rate limit: waiting ${retryAfter} s (retry ${count + 1})`)
        return count < 2 && retryAfter <= 120
      }
    this.#octokit = getOctokit(
      options.token.reveal(),
      {
        baseUrl: options.apiUrl,
        log: { debug: () => {}, info: () => {}, warn: options.debug, error: options.debug },
        // plugin-retry waits n² seconds between its tries: keep them few; #call bounds the rest.
        retry: { retries: Math.min(3, Math.max(0, options.maxAttempts - 1)) },
        throttle: {
          onRateLimit: rateLimited('primary'),
          onSecondaryRateLimit: rateLimited('secondary'),
        },
      },
      retry,
      throttling,
    )
    this.#signal = options.signal
    this.#target = target
    this.#name = name
  }

  /** Aborts the request in flight with the step's cancellation. */
  #request(): { request: { signal: AbortSignal } } | Record<string, never> {
    return this.#signal ? { request: { signal: this.#signal } } : {}
  }

  /** Where the secret goes, said for people (see {@link describeTarget}). */
  describe(): string {
    return describeTarget(this.#target, this.#name)
  }

  /**
   * What {@link prepare} learnt, for a dry run's report: the scope's public key id and, for
   * `visibility: selected`, the repositories' ids; `undefined` before prepare.
   */
  get prepared(): { keyId: string; selectedRepositoryIds?: readonly number[] } | undefined {
    const p = this.#prepared
    if (!p) return undefined
    return {
      keyId: p.keyId,
      ...(p.selectedRepositoryIds ? { selectedRepositoryIds: [...p.selectedRepositoryIds] } : {}),
    }
  }

  /** Reads the public key (and the selected repositories' ids): proves the token can see it. */
  async prepare(): Promise<void> {
    const t = this.#target
    const key = await this.#call('read the public key of the', async () => {
      if (t.scope === 'organization') {
        return (
          await this.#octokit.rest.actions.getOrgPublicKey({
            org: t.organization,
            ...this.#request(),
          })
        ).data
      }
      const [owner = '', repo = ''] = t.repository.split('/')
      if (t.scope === 'environment') {
        return (
          await this.#octokit.rest.actions.getEnvironmentPublicKey({
            owner,
            repo,
            environment_name: t.environment,
            ...this.#request(),
          })
        ).data
      }
      return (
        await this.#octokit.rest.actions.getRepoPublicKey({ owner, repo, ...this.#request() })
      ).data
    })
    const prepared: PreparedTarget = { keyId: key.key_id, key: key.key }
    if (t.scope === 'organization' && t.visibility === 'selected') {
      prepared.selectedRepositoryIds = []
      for (const fullName of t.selectedRepositories) {
        const [owner = '', repo = ''] = fullName.split('/')
        const { data } = await this.#call(`find repository ${fullName} for the`, () =>
          this.#octokit.rest.repos.get({ owner, repo, ...this.#request() }),
        )
        prepared.selectedRepositoryIds.push(data.id)
      }
    }
    this.#prepared = prepared
  }

  /** Seals the value to the scope's public key and writes it. */
  async write(value: Secret): Promise<void> {
    if (!this.#prepared) await this.prepare()
    const prepared = this.#prepared as PreparedTarget
    await sodium.ready
    const sealed = sodium.to_base64(
      sodium.crypto_box_seal(
        sodium.from_string(value.reveal()),
        sodium.from_base64(prepared.key, sodium.base64_variants.ORIGINAL),
      ),
      sodium.base64_variants.ORIGINAL,
    )
    const t = this.#target
    await this.#call('write the', async () => {
      if (t.scope === 'organization') {
        await this.#octokit.rest.actions.createOrUpdateOrgSecret({
          org: t.organization,
          secret_name: this.#name,
          encrypted_value: sealed,
          key_id: prepared.keyId,
          visibility: t.visibility,
          ...(prepared.selectedRepositoryIds
            ? { selected_repository_ids: prepared.selectedRepositoryIds }
            : {}),
          ...this.#request(),
        })
        return
      }
      const [owner = '', repo = ''] = t.repository.split('/')
      if (t.scope === 'environment') {
        await this.#octokit.rest.actions.createOrUpdateEnvironmentSecret({
          owner,
          repo,
          environment_name: t.environment,
          secret_name: this.#name,
          encrypted_value: sealed,
          key_id: prepared.keyId,
          ...this.#request(),
        })
        return
      }
      await this.#octokit.rest.actions.createOrUpdateRepoSecret({
        owner,
        repo,
        secret_name: this.#name,
        encrypted_value: sealed,
        key_id: prepared.keyId,
        ...this.#request(),
      })
    })
  }

  /** Runs one GitHub call; a failure becomes a message in the action's own words. */
  async #call<T>(what: string, request: () => Promise<T>): Promise<T> {
    // Octokit's retry and throttling plugins wait on timers of their own that no signal reaches:
    // the call ends at its budget or at a cancel, whatever they are still waiting for.
    let stop: (reason: Error) => void = () => {}
    const stopped = new Promise<never>((_, reject) => (stop = reject))
    const timer = setTimeout(
      () => stop(new Error(`no answer within ${GITHUB_CALL_BUDGET_MS / 1000} s`)),
      GITHUB_CALL_BUDGET_MS,
    )
    const cancel = () => stop(new Error('the step was cancelled'))
    this.#signal?.addEventListener('abort', cancel, { once: true })
    try {
      return await Promise.race([request(), stopped])
    } catch (error) {
      const status = (error as { status?: unknown }).status
      const said = githubMessage(error)
      const where = this.describe()
      if (status === 401) {
        throw new GitHubSecretError(
          `Could not ${what} ${where}: HTTP 401 (${said}). github-token was refused: it is wrong or expired.`,
          true,
        )
      }
      if (status === 403) {
        throw new GitHubSecretError(
          `Could not ${what} ${where}: HTTP 403 (${said}). The token in github-token cannot write this secret. ` +
            "The workflow's own GITHUB_TOKEN can never write secrets: use a GitHub App installation token " +
            '(actions/create-github-app-token with permission-secrets: write, or permission-organization-secrets: write for an organisation secret), ' +
            'or a fine-grained personal access token with "Secrets: read and write" on the repository (organisation: "Secrets" organisation permission).',
          true,
        )
      }
      if (status === 404) {
        throw new GitHubSecretError(
          `Could not ${what} ${where}: HTTP 404 (${said}). Check the repository, environment or organisation, and that github-token can see it.`,
          true,
        )
      }
      throw new GitHubSecretError(
        `Could not ${what} ${where}: ${typeof status === 'number' ? `HTTP ${status}` : 'no answer'} (${said}).`,
        typeof status === 'number' && status >= 400 && status < 500,
      )
    } finally {
      clearTimeout(timer)
      this.#signal?.removeEventListener('abort', cancel)
    }
  }
}

/** GitHub's own message, on one line (it ends up in the log). */
function githubMessage(error: unknown): string {
  return rawGithubMessage(error).replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
}

function rawGithubMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } }).response?.data
  const message = (data as { message?: unknown } | undefined)?.message
  if (typeof message === 'string' && message) return message.slice(0, 300)
  const own = (error as { message?: unknown }).message
  return typeof own === 'string' ? (own.split('\n')[0]?.slice(0, 300) ?? '') : ''
}
