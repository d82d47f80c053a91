// A loopback emulator of the Vast.ai API-key endpoints as far as they are known (endpoints,
// errors, scopes, rate limits), with fault injection, for tests and local demos. Keys here are
// throwaway values that only this process knows.
//
// Every request goes through the same steps, in this order:
//   0. edge      with the edgeRequiresUserAgent variant: no or a runtime's User-Agent -> 403 HTML
//   1. fault     an injected fault for the route replaces or wraps the answer (see Fault)
//   2. auth      no key -> 400; an unknown or deleted key -> 401
//   3. rate      the per-route, per-identity minimum interval -> 429
//   4. scope     the route's category (user_read / user_write) -> 403 or 401
//   5. handler   body parsing (malformed JSON -> 400) and the route itself
// A fault that applies the request (lost, hold, malformed-json/non-json with apply) runs 2 to 5.

import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { CONTROL_PREFIX, controlReply } from './vast-control.ts'
import { FaultQueues } from './vast-faults.ts'
import type { Fault, FaultEntry, FaultHandle, RouteName } from './vast-faults.ts'
import {
  json,
  listen,
  parseJson,
  readBody,
  shutDown,
  trackedSleep,
  text,
  tooManyRequests,
  vastError,
  writeReply,
} from './vast-http.ts'
import type { Reply } from './vast-http.ts'
import { createKey, currentUser, deleteKey, listKeys, resetKey, showKey } from './vast-handlers.ts'
import { deprecatedList, InstanceStore } from './vast-instances.ts'
import type { InstanceRecord } from './vast-instances.ts'
import { KeyStore } from './vast-keys.ts'
import type { KeyRecord } from './vast-keys.ts'
import { allPermissions, hasCategory } from './vast-permissions.ts'
import type { Permissions } from './vast-permissions.ts'
import { DOCUMENTED_INTERVALS_MS, RateLimiter } from './vast-rate-limit.ts'
import type { RateLimitSettings } from './vast-rate-limit.ts'
import { ROUTE_SCOPES, matchRoute } from './vast-routes.ts'
import type { MatchedRoute } from './vast-routes.ts'
import { edgeRefusal, vastStyleKey } from './vast-variants.ts'
import type { VastVariants } from './vast-variants.ts'

export type { Fault, FaultHandle, RouteName } from './vast-faults.ts'
export type { InstanceRecord, InstanceVariants } from './vast-instances.ts'
export type { KeyRecord } from './vast-keys.ts'
export type { Permissions } from './vast-permissions.ts'
export type { RateLimitSettings } from './vast-rate-limit.ts'
export type { VastVariants } from './vast-variants.ts'

export interface EmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string
  /** Default 0: a free port. */
  port?: number
  /** Name of the parent (admin) key; default 'ci-parent'. */
  parentName?: string
  /** Rights of the parent key; default: every category as `{}`. */
  parentPermissions?: Permissions
  /** Off by default; `true` = the documented intervals, per route and per calling key. */
  rateLimits?: RateLimitSettings
  /**
   * The rate limiter's clock (ms, monotonic); default `performance.now`. A test that checks the
   * limiter's arithmetic passes its own, so a slow machine cannot turn a 429 into a 200.
   */
  rateClock?: () => number
  /** [guess] How a live key without the route's category is refused; default 403. */
  missingScopeStatus?: 401 | 403
  /** [guess] How delete refuses a key without user_write (the two specs disagree); default 403. */
  deleteDeniedStatus?: 401 | 403
  /** [guess] Create without permissions: 400 missing_permissions (default) or copy the caller's. */
  missingPermissions?: 'reject' | 'inherit'
  /** How secret values are made; default 64 lowercase hex (or as `variants.keyFormat` says). */
  keyFactory?: () => string
  /** Answer forms other than the defaults (see VastVariants); all off by default. */
  variants?: VastVariants
  /** Serve the `/__emulator/` control routes; default true. */
  controlApi?: boolean
}

export interface RequestRecord {
  time: number
  method: string
  /** Without the query string. */
  path: string
  route: RouteName | null
  /** null = never answered (reset, lost, a hold never released). */
  status: number | null
  callerKeyId: number | null
  authVia: 'header' | 'query' | 'none'
  /** The User-Agent header as sent, or null. */
  userAgent: string | null
  /** The parsed JSON body, or null. */
  body: unknown
  fault: Fault['type'] | null
}

/** One request on its way through the steps above. */
interface Call {
  route: MatchedRoute
  token: string | null
  rawBody: string
  query: URLSearchParams
  record: RequestRecord
}

const PARENT_USER_ID = 1001
const GPU_NAMES = ['RTX 4090', 'H100 SXM']

export class VastEmulator {
  readonly requests: RequestRecord[] = []
  readonly parentKeyId: number

  readonly #options: EmulatorOptions
  readonly #server: Server
  readonly #store: KeyStore
  readonly #instances = new InstanceStore()
  readonly #faults = new FaultQueues()
  readonly #sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>()
  #limiter: RateLimiter
  #variants: VastVariants = {}
  #url = ''
  #closed = false

  private constructor(options: EmulatorOptions) {
    this.#options = options
    this.#store = new KeyStore(options.keyFactory)
    this.setVariants(options.variants ?? {})
    this.#limiter = new RateLimiter(options.rateLimits)
    const parent = this.addKey({
      name: options.parentName ?? 'ci-parent',
      permissions: options.parentPermissions ?? allPermissions(),
    })
    this.parentKeyId = parent.id
    this.#server = createServer((req, res) => {
      this.#onRequest(req, res).catch(() => writeReply(res, json(500, { msg: 'Server error' })))
    })
  }

  static async start(options: EmulatorOptions = {}): Promise<VastEmulator> {
    const emulator = new VastEmulator(options)
    const server = emulator.#server
    emulator.#url = await listen(server, options)
    return emulator
  }

  /** e.g. http://127.0.0.1:41234, without a trailing slash. */
  get url(): string {
    return this.#url
  }

  /** The parent key's current secret value (a reset through the API changes it). */
  get parentKey(): string {
    return this.#store.get(this.parentKeyId)?.key ?? ''
  }

  /** Stops the server; held and delayed requests are dropped unanswered, sockets closed. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#faults.dropAll()
    await shutDown(this.#server, this.#sleeps)
  }

  /** Queues a fault for a route; queued faults are taken FIFO, one per matching request. */
  inject(route: RouteName, fault: Fault, times = 1): FaultHandle {
    return this.#faults.add(route, fault, times)
  }

  clearFaults(): void {
    this.#faults.clear()
  }

  /** Replaces the rate-limit settings; the clocks start afresh. */
  setRateLimits(rateLimits: RateLimitSettings | undefined): void {
    this.#limiter = new RateLimiter(rateLimits)
  }

  /** The answer variants in force (a copy). */
  get variants(): VastVariants {
    return { ...this.#variants }
  }

  /** Switches variants on or off; names left out keep their setting. */
  setVariants(variants: VastVariants): void {
    this.#variants = { ...this.#variants, ...variants }
    if (this.#options.keyFactory === undefined) {
      this.#store.setFactory(this.#variants.keyFormat === 'vast' ? vastStyleKey : undefined)
    }
  }

  /** Seeds a key directly (no HTTP, no rate limit). Defaults: the parent's user, no rights. */
  addKey(opts: {
    name: string
    permissions?: Permissions
    userId?: number
    primary?: boolean
  }): KeyRecord {
    return this.#store.add({
      name: opts.name,
      permissions: opts.permissions ?? { api: {} },
      userId: opts.userId ?? PARENT_USER_ID,
      primary: opts.primary ?? false,
    })
  }

  /** Seeds `count` keys of the parent's user (default rights: none) in a few milliseconds. */
  seedKeys(count: number, name: (i: number) => string, permissions?: Permissions): void {
    const rights = permissions ?? { api: {} }
    this.#store.seed(count, (i) => ({
      name: name(i),
      permissions: rights,
      userId: PARENT_USER_ID,
      primary: false,
    }))
  }

  /** All keys, deleted ones included, in id order. The records are live: read, don't write. */
  keys(): KeyRecord[] {
    return this.#store.all()
  }

  liveKeys(): KeyRecord[] {
    return this.#store.live()
  }

  /** The key whose current secret value this is, deleted or not. */
  findByValue(secret: string): KeyRecord | undefined {
    return this.#store.byValue(secret)
  }

  isLive(secret: string): boolean {
    return this.#store.liveByValue(secret) !== undefined
  }

  /** Every instance ever made, destroyed ones included, in id order (live records: read only). */
  instances(): InstanceRecord[] {
    return this.#instances.all()
  }

  /** The instances not destroyed. */
  liveInstances(): InstanceRecord[] {
    return this.#instances.all().filter((i) => i.destroyedAt === null)
  }

  /**
   * Seeds an instance directly (no HTTP, no rate limit), by default of the parent's user and
   * listed at once; `listDelayMs` overrides the instanceListDelayMs variant for this one.
   */
  addInstance(opts: { label: string | null; userId?: number; listDelayMs?: number }) {
    return this.#instances.add({
      userId: opts.userId ?? PARENT_USER_ID,
      label: opts.label,
      now: Date.now(),
      listDelayMs: opts.listDelayMs ?? this.#variants.instanceListDelayMs ?? 0,
    })
  }

  requestsFor(route: RouteName): RequestRecord[] {
    return this.requests.filter((r) => r.route === route)
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://emulator.invalid')
    const rawBody = await readBody(req)
    if (rawBody === null) {
      writeReply(res, json(413, { success: false, msg: 'Request body too large' }))
      return
    }
    if (this.#options.controlApi !== false && url.pathname.startsWith(CONTROL_PREFIX)) {
      writeReply(res, controlReply(this, method, url.pathname, rawBody))
      return
    }
    const bearer = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1]
    const queryKey = url.searchParams.get('api_key') || undefined
    const token = bearer ?? queryKey ?? null
    const match = matchRoute(method, url.pathname)
    const record: RequestRecord = {
      time: Date.now(),
      method,
      path: url.pathname,
      route: 'route' in match ? match.route.name : null,
      status: null,
      callerKeyId: this.#store.liveByValue(token)?.id ?? null,
      authVia: bearer !== undefined ? 'header' : queryKey !== undefined ? 'query' : 'none',
      userAgent: req.headers['user-agent'] ?? null,
      body: parseJson(rawBody) ?? null,
      fault: null,
    }
    this.requests.push(record)
    const refused = edgeRefusal(this.#variants, req.headers['user-agent'])
    if (refused !== null) {
      this.#answer(res, record, refused)
      return
    }
    if (!('route' in match)) {
      const reply =
        match.status === 404
          ? vastError(404, 'not_found', 'Not found')
          : vastError(405, 'method_not_allowed', 'Method not allowed')
      if (match.allow !== undefined) reply.headers['allow'] = match.allow
      this.#answer(res, record, reply)
      return
    }
    const call: Call = { route: match.route, token, rawBody, query: url.searchParams, record }
    const entry = this.#faults.take(match.route.name)
    if (entry === undefined) {
      this.#answer(res, record, this.#process(call))
      return
    }
    record.fault = entry.fault.type
    await this.#applyFault(entry, call, req, res)
  }

  async #applyFault(entry: FaultEntry, call: Call, req: IncomingMessage, res: ServerResponse) {
    const { fault } = entry
    const { record } = call
    switch (fault.type) {
      case 'status': {
        const reply =
          fault.body === undefined
            ? vastError(fault.status, 'injected_fault', `Injected status ${fault.status}`)
            : typeof fault.body === 'string'
              ? text(fault.status, fault.body)
              : json(fault.status, fault.body)
        for (const [name, value] of Object.entries(fault.headers ?? {})) {
          reply.headers[name.toLowerCase()] = value
        }
        this.#answer(res, record, reply)
        return
      }
      case '429': {
        const interval = DOCUMENTED_INTERVALS_MS[call.route.name] ?? 2000
        this.#answer(
          res,
          record,
          tooManyRequests(fault.form, interval, fault.retryAfterSeconds ?? 1),
        )
        return
      }
      case 'delay':
        await this.#sleep(fault.ms)
        if (!this.#closed) this.#answer(res, record, this.#process(call))
        return
      case 'reset':
        req.socket.destroy()
        return
      case 'lost':
        this.#process(call)
        req.socket.destroy()
        return
      case 'malformed-json': {
        // Cutting any JSON text short leaves it invalid: an open object, array or string.
        const body = fault.apply === true ? this.#process(call).body : '{"success": true, "id": 1'
        const cut = body.slice(0, Math.max(1, Math.floor(body.length / 2)))
        this.#answer(res, record, text(200, cut, 'application/json'))
        return
      }
      case 'non-json':
        if (fault.apply === true) this.#process(call)
        this.#answer(res, record, text(200, '<html>gateway</html>', 'text/html'))
        return
      case 'rewrite': {
        const reply = this.#process(call)
        let value: unknown
        try {
          value = JSON.parse(reply.body)
        } catch {
          value = undefined
        }
        const fields = fault.fields
        const body = typeof value === 'object' && value !== null ? { ...value, ...fields } : fields
        this.#answer(res, record, { ...reply, body: JSON.stringify(body) })
        return
      }
      case 'hold': {
        const early = fault.apply !== false ? this.#process(call) : null
        await entry.waitForRelease()
        if (!this.#closed) this.#answer(res, record, early ?? this.#process(call))
        return
      }
    }
  }

  /** Steps 2 to 5: auth, rate limit, scope, handler. Applies the request. */
  #process(call: Call): Reply {
    const { route, record } = call
    if (route.name === 'gpuNames') return json(200, { gpu_names: GPU_NAMES })
    if (call.token === null) {
      return vastError(400, 'auth_error', 'API Key not provided as bearer token.')
    }
    const caller = this.#store.liveByValue(call.token)
    if (caller === undefined) {
      if (route.name.startsWith('instance') && this.#variants.unknownKeyOnInstances === 404) {
        // Two public reports: a wrong or revoked key gets 404 auth_error on the instance routes.
        return vastError(404, 'auth_error', 'Invalid user key')
      }
      const status = route.name === 'list' ? (this.#variants.unknownKeyOnList ?? 401) : 401
      return vastError(status, 'invalid_user_key', 'Invalid user key')
    }
    record.callerKeyId = caller.id
    const identity =
      this.#limiter.identity === 'user' ? `user:${caller.userId}` : `key:${caller.id}`
    const decision = this.#limiter.check(
      route.name,
      identity,
      this.#options.rateClock?.() ?? performance.now(),
    )
    if (!decision.ok) {
      const form = this.#variants.tooManyForm ?? decision.form
      return tooManyRequests(form, decision.intervalMs, decision.waitMs / 1000)
    }
    const scope = ROUTE_SCOPES[route.name]
    if (scope !== null && !hasCategory(caller.permissions, scope)) {
      return this.#scopeRefusal(route.name, scope)
    }
    let body: unknown = null
    const withBody = ['create', 'delete', 'reset', 'instanceCreate', 'instanceManage']
    if (call.rawBody.trim() !== '' && withBody.includes(route.name)) {
      body = parseJson(call.rawBody)
      if (body === undefined) return json(400, { success: false, msg: 'Invalid JSON' })
    }
    switch (route.name) {
      case 'create':
        return createKey(this.#store, caller, body, {
          missingPermissions: this.#options.missingPermissions ?? 'reject',
          variants: this.#variants,
        })
      case 'list':
        return listKeys(this.#store, caller, this.#variants)
      case 'show':
        return showKey(this.#store, caller, route.id)
      case 'delete':
        return deleteKey(this.#store, caller, route.id, this.#variants)
      case 'reset':
        return resetKey(this.#store, caller, body)
      case 'current':
        return currentUser(caller)
      case 'instanceCreate':
        return this.#instances.create(caller.userId, route.id, body, this.#variants, Date.now())
      case 'instanceList':
        return this.#instances.list(caller.userId, call.query, this.#variants, Date.now())
      case 'instanceShow':
        return this.#instances.show(caller.userId, route.id)
      case 'instanceManage':
        return this.#instances.manage(caller.userId, route.id, body, this.#variants)
      case 'instanceDestroy':
        return this.#instances.destroy(caller.userId, route.id, this.#variants, Date.now())
      case 'instanceListV0':
        return deprecatedList()
    }
  }

  #scopeRefusal(route: RouteName, scope: string): Reply {
    if (route === 'delete') {
      const status = this.#options.deleteDeniedStatus ?? 403
      return vastError(status, 'forbidden', 'You do not have permission to delete this API Key.')
    }
    if ((this.#options.missingScopeStatus ?? 403) === 401) {
      return vastError(401, 'insufficient_scope', `This API key lacks the ${scope} permission.`)
    }
    return vastError(403, 'forbidden', 'Insufficient permissions')
  }

  #sleep(ms: number): Promise<void> {
    return trackedSleep(this.#sleeps, ms)
  }

  #answer(res: ServerResponse, record: RequestRecord, reply: Reply): void {
    const skew = this.#variants.clockSkewMs ?? 0
    const dated = skew
      ? { ...reply, headers: { ...reply.headers, date: new Date(Date.now() + skew).toUTCString() } }
      : reply
    if (writeReply(res, dated)) record.status = reply.status
  }
}
