import { Octokit } from '@octokit/core'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import sodium from 'libsodium-wrappers'
import type { SecretTarget } from '../inputs/index.ts'
import type { Secret } from '../../core/secret.ts'
import { networkCause } from '../../core/vast/answers.ts'
import { proxyConfigured, type FetchLike, type HttpResponse } from '../../core/vast/transport.ts'
import { describeTarget } from './target.ts'

/**
 * Writing one GitHub Actions secret (repository, environment or organisation): fetch the scope's
 * public key, seal the value with libsodium's sealed box as GitHub requires, PUT it. Loaded only
 * in rotate mode. `@octokit/core` with its retry and throttling plugins (5xx are retried, rate
 * limits waited out from GitHub's own headers), sending through the action's transport.
 */

export interface SecretWriterOptions {
  token: Secret
  apiUrl: string
  maxAttempts: number
  /** The action's transport (createFetch): proxy rules, verified TLS, the answer size cap. */
  fetch: FetchLike
  debug: (message: string) => void
  /** The step's cancellation. */
  signal?: AbortSignal
}

/** One GitHub call, its retries and rate-limit waits included, ends within this. */
export const GITHUB_CALL_BUDGET_MS = 180_000

export class GitHubSecretError extends Error {
  /**
   * Nothing was written, for sure: every attempt of the request got a 4xx. A refusal of a retry
   * whose earlier attempt got no answer (or a 5xx) is not definite: that attempt may have been
   * applied.
   */
  readonly definite: boolean
  constructor(message: string, definite: boolean) {
    super(message)
    this.name = 'GitHubSecretError'
    this.definite = definite
  }
}

/**
 * The User-Agent option @actions/github gave Octokit: `actions_orchestration_id/<id>` when the
 * runner sets ACTIONS_ORCHESTRATION_ID (characters other than letters, digits, `_.-` as `_`), so
 * GitHub can tie the call to the job; otherwise none (Octokit's own).
 */
function userAgent(orchestrationId: string | undefined): { userAgent?: string } {
  const id = orchestrationId?.trim()
  return id ? { userAgent: `actions_orchestration_id/${id.replace(/[^a-z0-9_.-]/gi, '_')}` } : {}
}

/** What the attempts of one call came to, seen below Octokit's retry and throttling plugins. */
interface Attempts {
  sent: number
  /** Attempts that got no answer or a 5xx: GitHub may have applied them. */
  uncertain: number
}

/**
 * An Octokit plugin that sees every attempt the retry and throttling plugins send (it is
 * registered before them, so its hook runs innermost) and counts those that may have been applied.
 */
function attemptCounter(attempts: () => Attempts | undefined) {
  return (octokit: Parameters<typeof retry>[0]) => {
    octokit.hook.wrap('request', async (request, options) => {
      const counting = attempts()
      if (counting) counting.sent++
      try {
        return await request(options)
      } catch (error) {
        const status = (error as { status?: unknown }).status
        const answered = typeof status === 'number' && status >= 400 && status < 500
        if (counting && !answered && redirectStatus(error) === undefined) {
          counting.uncertain++
        }
        throw error
      }
    })
    return {}
  }
}

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
  /** The attempts of the call in flight (one call at a time). */
  #attempts: Attempts | undefined

  constructor(options: SecretWriterOptions, target: SecretTarget, name: string) {
    const rateLimited =
      (what: string) => (retryAfter: number, _options: unknown, _o: unknown, count: number) => {
        options.debug(`GitHub ${what} rate limit: waiting ${retryAfter} s (retry ${count + 1})`)
        return count < 2 && retryAfter <= 120
      }
    const GitHub = Octokit.plugin(
      attemptCounter(() => this.#attempts),
      retry,
      throttling,
    )
    this.#octokit = new GitHub({
      // `token …`: GitHub's token scheme (a JWT gets `bearer`), as @actions/github sent it.
      auth: `token ${options.token.reveal()}`,
      baseUrl: options.apiUrl,
      ...userAgent(process.env['ACTIONS_ORCHESTRATION_ID']),
      request: { fetch: octokitFetch(options.fetch) },
      log: { debug: () => {}, info: () => {}, warn: options.debug, error: options.debug },
      // plugin-retry waits n² seconds between its tries: keep them few; #call bounds the rest.
      retry: { retries: Math.min(3, Math.max(0, options.maxAttempts - 1)) },
      throttle: {
        onRateLimit: rateLimited('primary'),
        onSecondaryRateLimit: rateLimited('secondary'),
      },
    })
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
          await this.#octokit.request('GET /orgs/{org}/actions/secrets/public-key', {
            org: t.organization,
            ...this.#request(),
          })
        ).data
      }
      const [owner = '', repo = ''] = t.repository.split('/')
      if (t.scope === 'environment') {
        return (
          await this.#octokit.request(
            'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets/public-key',
            {
              owner,
              repo,
              environment_name: t.environment,
              ...this.#request(),
            },
          )
        ).data
      }
      return (
        await this.#octokit.request('GET /repos/{owner}/{repo}/actions/secrets/public-key', {
          owner,
          repo,
          ...this.#request(),
        })
      ).data
    })
    const prepared: PreparedTarget = { keyId: key.key_id, key: key.key }
    if (t.scope === 'organization' && t.visibility === 'selected') {
      prepared.selectedRepositoryIds = []
      for (const fullName of t.selectedRepositories) {
        const [owner = '', repo = ''] = fullName.split('/')
        const { data } = await this.#call(`find repository ${fullName} for the`, () =>
          this.#octokit.request('GET /repos/{owner}/{repo}', { owner, repo, ...this.#request() }),
        )
        prepared.selectedRepositoryIds.push(Number(data.id))
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
        await this.#octokit.request('PUT /orgs/{org}/actions/secrets/{secret_name}', {
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
        await this.#octokit.request(
          'PUT /repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}',
          {
            owner,
            repo,
            environment_name: t.environment,
            secret_name: this.#name,
            encrypted_value: sealed,
            key_id: prepared.keyId,
            ...this.#request(),
          },
        )
        return
      }
      await this.#octokit.request('PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
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
    const attempts: Attempts = { sent: 0, uncertain: 0 }
    this.#attempts = attempts
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
      const where = this.describe()
      const earlier =
        attempts.uncertain > 0
          ? ` An earlier attempt got no answer (or a 5xx), so GitHub may have applied it.`
          : ''
      const redirect = redirectStatus(error)
      if (redirect !== undefined) {
        throw new GitHubSecretError(
          `Could not ${what} ${where}: GitHub answered HTTP ${redirect}, a redirect, which the action does not follow (a renamed or moved repository or organisation: name it as it is now; or check github-api-url).${earlier}`,
          attempts.uncertain === 0 && attempts.sent > 0,
        )
      }
      // Octokit reports a request that got no answer (refused connection, proxy, a header that
      // could not be sent) as status 500 without a response: not GitHub's 500.
      if (typeof status !== 'number' || (error as { response?: unknown }).response === undefined) {
        throw new GitHubSecretError(
          `Could not ${what} ${where}: ${typeof status === 'number' ? `no answer (${noAnswerCause(error)})` : noAnswerCause(error)}.${earlier}`,
          false,
        )
      }
      const said = githubMessage(error)
      // A refusal counts only when no attempt before it may have been applied (a lost answer,
      // then a 403 to Octokit's retry: the first PUT wrote the secret).
      const refused =
        typeof status === 'number' &&
        status >= 400 &&
        status < 500 &&
        attempts.uncertain === 0 &&
        attempts.sent > 0
      if ((status === 403 || status === 429) && isRateLimit(error)) {
        throw new GitHubSecretError(
          `Could not ${what} ${where}: GitHub's ${/secondary/i.test(said) ? 'secondary ' : ''}rate limit (HTTP ${status}: ${said}) lasted longer than the action waits.${earlier} ` +
            'Run the step again later; tokens shared by many workflows hit the limit sooner.',
          refused,
        )
      }
      if (status === 401) {
        throw new GitHubSecretError(
          `Could not ${what} ${where}: HTTP 401 (${said}). github-token was refused: it is wrong or expired.${earlier}`,
          refused,
        )
      }
      if (status === 403) {
        throw new GitHubSecretError(
          `Could not ${what} ${where}: HTTP 403 (${said}). The token in github-token cannot write this secret. ` +
            "The workflow's own GITHUB_TOKEN can never write secrets: use a GitHub App installation token " +
            `(actions/create-github-app-token with ${this.#target.scope === 'organization' ? 'permission-organization-secrets: write' : this.#target.scope === 'environment' ? 'permission-environments: write and permission-secrets: write' : 'permission-secrets: write'}), ` +
            'or a fine-grained personal access token with "Secrets: read and write" on the repository (organisation: "Secrets" organisation permission).' +
            earlier,
          refused,
        )
      }
      if (status === 404) {
        throw new GitHubSecretError(
          `Could not ${what} ${where}: HTTP 404 (${said}). Check the repository, environment or organisation, and that github-token can see it.${earlier}`,
          refused,
        )
      }
      throw new GitHubSecretError(
        `Could not ${what} ${where}: HTTP ${status} (${said}).${earlier}`,
        refused,
      )
    } finally {
      this.#attempts = undefined
      clearTimeout(timer)
      this.#signal?.removeEventListener('abort', cancel)
    }
  }
}

/**
 * Whether a 403 or 429 is GitHub's rate limit, not a permission: a secondary limit says so in its
 * message and may send retry-after; a primary one sends x-ratelimit-remaining: 0 (GitHub REST
 * docs, "Rate limits for the REST API").
 */
function isRateLimit(error: unknown): boolean {
  const response = (error as { response?: { headers?: Record<string, unknown> } }).response
  const headers = response?.headers ?? {}
  if (headers['retry-after'] !== undefined) return true
  if (String(headers['x-ratelimit-remaining']) === '0') return true
  return /rate limit/i.test(rawGithubMessage(error))
}

/**
 * Why a request got no answer, on one line: the error code and message found under Octokit's
 * error (as src/core/vast/answers.ts networkCause finds them: credentials in a proxy URL dropped), or
 * the action's own reason (the budget ran out, the step was cancelled).
 */
function noAnswerCause(error: unknown): string {
  const { code, message } = networkCause(error)
  let innermost = ''
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    const text = (current as { message?: unknown }).message
    if (typeof text === 'string' && text) innermost = text
    current = (current as { cause?: unknown }).cause
  }
  const said = (message || innermost)
    .replace(/\/\/[^/\s@]*@/g, '//***@')
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .slice(0, 200)
  // The transport's own refusal, before sending: its words are the action's.
  if (code === 'ESETUP') return said
  if (/^Headers\.|header/i.test(said)) {
    // The value is not quoted: it is the token's.
    return 'a request header could not be sent: github-token holds a character an HTTP header cannot carry'
  }
  if (/proxy|407|Request was cancelled/i.test(said) && proxyConfigured(process.env)) {
    return `${code === 'unknown' ? '' : `${code}: `}${said}; check the proxy in HTTPS_PROXY/HTTP_PROXY (its credentials, or its allow-list for the GitHub API)`
  }
  return code === 'unknown'
    ? said || 'unknown network error'
    : `network error ${code}${said ? ` (${said})` : ''}`
}

/**
 * The fetch Octokit uses: the action's one transport (src/core/vast/transport.ts), so the GitHub
 * API gets the same proxy rules (a loopback github-api-url always goes direct, NO_PROXY as the
 * runner reads it, Node's NODE_USE_ENV_PROXY never applies), verified TLS and the same answer size
 * cap after decoding. Octokit sends a string body (JSON) or none; it reads a web Response.
 */
function octokitFetch(send: FetchLike): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    const body = init?.body
    if (body !== undefined && body !== null && typeof body !== 'string') {
      throw new TypeError('the GitHub client sent a body that is not text')
    }
    let answer: HttpResponse
    let text: string
    try {
      answer = await send(url, {
        method: init?.method ?? 'GET',
        headers: Object.fromEntries(new Headers(init?.headers).entries()),
        body: body ?? undefined,
        signal: init?.signal ?? new AbortController().signal,
      })
      text = await answer.text()
    } catch (error) {
      // A request that cannot be sent (a header value refused), a proxy's refusal, a certificate
      // that does not verify or an answer past the size cap fails the same way on every try.
      // Octokit passes an AbortError on as it is, and plugin-retry retries only Octokit's own
      // RequestError: named so, it is final.
      if (!FINAL_FAILURE.test(causeText(error))) throw error
      throw Object.assign(new Error(causeText(error)), { name: 'AbortError', cause: error })
    }
    // Octokit reads every status below 400 but 304 as success: a redirect (GitHub's answer for a
    // renamed or moved repository: 301 to a GET, 307 to a PUT) would pass for a written secret.
    // Not followed (the token would go where the answer says), and final: named AbortError.
    if (answer.status >= 300 && answer.status < 400 && answer.status !== 304) {
      throw Object.assign(new Error(`GitHub answered HTTP ${answer.status}, a redirect`), {
        name: 'AbortError',
        redirectStatus: answer.status,
      })
    }
    const empty = [101, 103, 204, 205, 304].includes(answer.status)
    return new Response(empty ? null : text, {
      status: answer.status < 200 || answer.status > 599 ? 502 : answer.status,
      headers: [...(answer.headers.entries?.() ?? [])],
    })
  }
}

/** The status of a redirect {@link octokitFetch} refused (a 3xx but 304), or undefined. */
function redirectStatus(error: unknown): number | undefined {
  const status = (error as { redirectStatus?: unknown } | null)?.redirectStatus
  return typeof status === 'number' ? status : undefined
}

/** Failures no retry can mend (the transport's and Node's wording). */
const FINAL_FAILURE =
  /ESETUP|ETOOLARGE|EENCODING|ERR_INVALID_CHAR|Proxy response \(|Proxy Authentication Required|Headers\.|invalid header|ByteString|certificate|CERT_|SELF_SIGNED/i

/** The messages and codes along an error's causes, on one line. */
function causeText(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown }
    if (typeof code === 'string') parts.push(code)
    if (typeof message === 'string' && message) parts.push(message)
    current = (current as { cause?: unknown }).cause
  }
  return parts.join(': ')
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
