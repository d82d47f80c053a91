// A loopback emulator of the GitHub REST endpoints used to write Actions secrets (repository,
// environment and organisation scopes) and to read workflow runs (github-runs.ts), for tests and
// local demos. Each scope has its own
// Curve25519 keypair; a PUT's sealed box is opened with the scope's current private key and the
// plaintext kept, so tests can check that a secret holds exactly what the action meant to write.
// Tokens and secrets here are throwaway test values.
//
// Every request goes through the same steps, in this order:
//   1. fault     an injected fault for the route replaces or wraps the answer (see GitHubFault)
//   2. rate      the token's hourly allowance (default 5000; 60 without a known token) -> 403
//   3. auth      no Authorization header -> 401 Requires authentication; unknown token -> 401
//   4. route     unknown path or method -> 404
//   5. handler   404 for an unknown repository, environment or organisation; 403 for a token
//                limited to other repositories or without the write right; then the route
//                (see github-secrets.ts)
// Every answer carries GitHub's x-ratelimit-* headers. Route names: see github-routes.ts.
// `GET /__emulator/secrets` (outside the API, unless `control: false`) lists every stored secret
// with its plaintext, for the standalone emulator (npm run emulator -- --github) and demos.

import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import sodium from 'libsodium-wrappers'
import {
  json,
  listen,
  parseJson,
  readBody,
  shutDown,
  text,
  trackedSleep,
  writeReply,
} from './vast-http.ts'
import type { Reply } from './vast-http.ts'
import {
  GitHubFaultQueues,
  RateLimits,
  primaryRateLimit,
  secondaryRateLimit,
} from './github-faults.ts'
import type { GitHubFault } from './github-faults.ts'
import { githubError, matchRoute } from './github-routes.ts'
import type { GitHubRoute, GitHubRouteName } from './github-routes.ts'
import { handleRoute } from './github-secrets.ts'
import { GitHubState, newSealingKey } from './github-state.ts'
import type { ScopeRef, SecretRecord, SecretScope, TokenRights } from './github-state.ts'

export type { GitHubFault } from './github-faults.ts'
export type { GitHubRouteName } from './github-routes.ts'
export { GITHUB_ROUTE_NAMES } from './github-routes.ts'
export type { ScopeRef, TokenRights } from './github-state.ts'

export interface GitHubEmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string
  /** Default 0: a free port. */
  port?: number
  /** Requests per hour per token before GitHub's primary rate limit answers 403; default 5000. */
  rateLimit?: number
  /** The clock for secrets' created_at/updated_at; default the real one. */
  now?: () => Date
  /**
   * Serve `GET /__emulator/secrets` (every stored secret, its sealed box opened), for the
   * standalone emulator and demos; default true. No token needed: the values are throwaway.
   */
  control?: boolean
}

export interface StoredSecret {
  scope: 'repository' | 'environment' | 'organization'
  owner: string
  repo?: string
  environment?: string
  /** Upper-cased, as GitHub stores it. */
  name: string
  /** The decrypted plaintext. */
  value: string
  createdAt: string
  updatedAt: string
  visibility?: string
  selectedRepositoryIds?: number[]
  writes: number
}

export interface GitHubRequestRecord {
  time: number
  method: string
  /** Without the query string. */
  path: string
  route: GitHubRouteName | null
  /** null = never answered (reset, lost, closed while delayed). */
  status: number | null
  /** The token as sent (a test value), or null without an Authorization header. */
  token: string | null
  /** The parsed JSON body, or null. */
  body: unknown
  fault: GitHubFault['type'] | null
  /** The User-Agent header, or null. */
  userAgent: string | null
}

const AUTH_DOCS = 'https://docs.github.com/rest'

export class GitHubEmulator {
  readonly requests: GitHubRequestRecord[] = []

  readonly #options: GitHubEmulatorOptions
  readonly #server: Server
  readonly #state = new GitHubState()
  readonly #faults = new GitHubFaultQueues()
  readonly #rateLimits: RateLimits
  readonly #sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>()
  #url = ''
  #closed = false

  private constructor(options: GitHubEmulatorOptions) {
    this.#options = options
    this.#rateLimits = new RateLimits(options.rateLimit ?? 5000)
    this.#server = createServer((req, res) => {
      this.#onRequest(req, res).catch(() => writeReply(res, json(500, { message: 'Server Error' })))
    })
  }

  static async start(options: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
    await sodium.ready
    const emulator = new GitHubEmulator(options)
    const server = emulator.#server
    emulator.#url = await listen(server, options)
    return emulator
  }

  /** e.g. http://127.0.0.1:41234, without a trailing slash: the API root, like api.github.com. */
  get url(): string {
    return this.#url
  }

  /** Stops the server; delayed requests are dropped unanswered, sockets closed. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await shutDown(this.#server, this.#sleeps)
  }

  /** Creates the repository and its owner (an organisation) unless they exist; adds environments. */
  addRepository(fullName: string, options: { environments?: string[] } = {}): { id: number } {
    const repo = this.#state.addRepository(fullName, options.environments)
    return { id: repo.id }
  }

  /**
   * Sets a workflow run of a repository (created if needed): the status of each attempt, the
   * first attempt first. `completed` attempts get `conclusion` (default success).
   */
  setRun(
    repository: string,
    runId: string | number,
    attempts: { status: string; conclusion?: string }[],
  ): void {
    const repo = this.#state.addRepository(repository)
    repo.runs.set(
      String(runId),
      attempts.map((a) => ({
        status: a.status,
        conclusion: a.status === 'completed' ? (a.conclusion ?? 'success') : null,
      })),
    )
  }

  /** An organisation without repositories (addRepository creates owners itself). */
  addOrganization(login: string): { id: number } {
    return { id: this.#state.addOrganization(login).id }
  }

  /** Registers a token; registering it again replaces its rights. */
  addToken(token: string, rights: TokenRights): void {
    this.#state.addToken(token, rights)
  }

  /** A stored secret (names match case-insensitively); undefined if it or its scope is unknown. */
  secret(scope: ScopeRef, name: string): StoredSecret | undefined {
    let found: SecretScope
    try {
      found = this.#state.scope(scope)
    } catch {
      return undefined
    }
    const record = found.secrets.get(name.toUpperCase())
    return record === undefined ? undefined : storedSecret(found, record)
  }

  /** Every stored secret, organisations first, each followed by its repositories. Copies. */
  secrets(): StoredSecret[] {
    return this.#state
      .scopes()
      .flatMap((scope) => [...scope.secrets.values()].map((r) => storedSecret(scope, r)))
  }

  /** A scope's current public key, as the API gives it (for sealing without HTTP). */
  publicKey(scope: ScopeRef): { keyId: string; key: string } {
    const { key } = this.#state.scope(scope)
    return {
      keyId: key.keyId,
      key: sodium.to_base64(key.publicKey, sodium.base64_variants.ORIGINAL),
    }
  }

  /** A new keypair and key id for the scope: values sealed to the old key then fail with 422. */
  rotatePublicKey(scope: ScopeRef): void {
    const found = this.#state.scope(scope)
    found.key = newSealingKey(found.key)
  }

  /** Queues a fault for a route; queued faults are taken FIFO, one per matching request. */
  inject(route: GitHubRouteName, fault: GitHubFault, times = 1): void {
    this.#faults.add(route, fault, times)
  }

  clearFaults(): void {
    this.#faults.clear()
  }

  requestsFor(route: GitHubRouteName): GitHubRequestRecord[] {
    return this.requests.filter((r) => r.route === route)
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://emulator.invalid')
    const rawBody = await readBody(req)
    if (rawBody === null) {
      writeReply(res, json(413, { message: 'Request body too large' }))
      return
    }
    if (this.#options.control !== false && url.pathname === '/__emulator/secrets') {
      writeReply(
        res,
        method === 'GET' ? json(200, this.secrets()) : json(405, { message: 'GET only' }),
      )
      return
    }
    const header = req.headers.authorization
    const token =
      header === undefined ? null : (/^(?:bearer|token) +(\S+) *$/i.exec(header)?.[1] ?? '')
    const route = matchRoute(method, url.pathname)
    const record: GitHubRequestRecord = {
      time: Date.now(),
      method,
      path: url.pathname,
      route: route?.name ?? null,
      status: null,
      token,
      body: parseJson(rawBody) ?? null,
      fault: null,
      userAgent: req.headers['user-agent'] ?? null,
    }
    this.requests.push(record)
    const identity = token !== null && this.#state.token(token) ? token : 'anonymous'
    const fault = route === null ? undefined : this.#faults.take(route.name)
    if (fault === undefined) {
      this.#answer(res, record, identity, this.#process(route, token, identity, rawBody))
      return
    }
    record.fault = fault.type
    switch (fault.type) {
      case 'status': {
        const reply =
          fault.body === undefined
            ? githubError(fault.status, `Injected status ${fault.status}`, AUTH_DOCS)
            : typeof fault.body === 'string'
              ? text(fault.status, fault.body)
              : json(fault.status, fault.body)
        if (fault.status === 204 || fault.status === 304) reply.body = ''
        for (const [name, value] of Object.entries(fault.headers ?? {})) {
          reply.headers[name.toLowerCase()] = value
        }
        this.#answer(res, record, identity, reply)
        return
      }
      case 'rate-limit': {
        const seconds = fault.retryAfterSeconds ?? 1
        let reply: Reply
        if (fault.kind === 'primary') {
          const limit = Number(this.#rateLimits.headers(identity, Date.now())['x-ratelimit-limit'])
          reply = primaryRateLimit(identity, limit, Math.ceil(Date.now() / 1000 + seconds))
          if (fault.status !== undefined) reply.status = fault.status
        } else {
          reply = secondaryRateLimit(fault.status ?? 403, seconds)
        }
        this.#answer(res, record, identity, reply)
        return
      }
      case 'delay':
      case 'hold':
        if (fault.type === 'delay') await this.#sleep(fault.ms)
        else await fault.until.catch(() => undefined)
        if (this.#closed) return
        this.#answer(res, record, identity, this.#process(route, token, identity, rawBody))
        return
      case 'reset':
        req.socket.destroy()
        return
      case 'lost':
        this.#process(route, token, identity, rawBody)
        req.socket.destroy()
        return
    }
  }

  /** Steps 2 to 5: rate limit, auth, route, handler. Applies the request. */
  #process(
    route: GitHubRoute | null,
    token: string | null,
    identity: string,
    rawBody: string,
  ): Reply {
    if (!this.#rateLimits.spend(identity, Date.now())) {
      return this.#rateLimits.exceeded(identity, Date.now())
    }
    if (token === null) return githubError(401, 'Requires authentication', AUTH_DOCS)
    const rights = this.#state.token(token)
    if (rights === undefined) return githubError(401, 'Bad credentials', AUTH_DOCS)
    if (route === null) return githubError(404, 'Not Found', AUTH_DOCS)
    const now = this.#options.now?.() ?? new Date()
    return handleRoute(this.#state, { route, rights, rawBody, baseUrl: this.#url, now })
  }

  #sleep(ms: number): Promise<void> {
    return trackedSleep(this.#sleeps, ms)
  }

  /** Sends a reply under the caller's current rate-limit headers (the reply's own win). */
  #answer(res: ServerResponse, record: GitHubRequestRecord, identity: string, reply: Reply): void {
    const headers = { ...this.#rateLimits.headers(identity, Date.now()), ...reply.headers }
    if (writeReply(res, { ...reply, headers })) record.status = reply.status
  }
}

function storedSecret(scope: SecretScope, record: SecretRecord): StoredSecret {
  return {
    scope: scope.kind,
    owner: scope.owner,
    ...(scope.repo === undefined ? {} : { repo: scope.repo }),
    ...(scope.environment === undefined ? {} : { environment: scope.environment }),
    name: record.name,
    value: record.value,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.visibility === undefined ? {} : { visibility: record.visibility }),
    ...(record.selectedRepositoryIds === undefined
      ? {}
      : { selectedRepositoryIds: [...record.selectedRepositoryIds] }),
    writes: record.writes,
  }
}
