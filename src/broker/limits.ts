/**
 * Per-repository limits and per-replica admission, so that one repository, or a group of them,
 * cannot spend the parent key's share of Vast's rate limit (about one create per 2 s per caller,
 * vast-api.md, so about 30 a minute) for everyone else.
 *
 * A token bucket per repository: `burst` requests at once, refilled at `perMinute`. The store is
 * behind {@link Limiter} (as octo-sts's `pkg/ratelimit`): {@link MemoryLimiter} counts in this
 * process only, so with N replicas a repository may make up to N times the limit; a shared store
 * (Redis, say) can implement the same interface.
 */

export interface LimitDecision {
  allowed: boolean
  /** When refused: how long until one request is allowed again (ms). */
  retryAfterMs: number
}

export interface Limiter {
  /** Takes one request from `key`'s allowance, or says how long to wait. */
  take(key: string): LimitDecision
  /**
   * Gives back what one allowed `take(key)` took, for a request refused before it reached Vast
   * (policy, body, admission, shutdown): a refused try and its retry spend the rate once.
   */
  refund(key: string): void
}

export interface LimitSettings {
  /** Refill rate, requests per minute (> 0). */
  perMinute: number
  /** Bucket size: requests allowed at once (>= 1). */
  burst: number
}

/**
 * Mints: 20 a minute is two thirds of Vast's create rate (about 30 a minute per parent key,
 * vast-api.md); the burst of 20 lets a 20-job matrix start at once even when the load balancer
 * sends every job to one replica. docs/broker.md says which limits fit which matrix sizes.
 */
export const DEFAULT_LIMITS: LimitSettings = { perMinute: 20, burst: 20 }

/**
 * Deletes of a job's own key (the post steps), counted apart from mints so that cleanup is never
 * refused by the mint rate: generous, only a bound against a flood of DELETEs (each costs a list
 * call at Vast).
 */
export const DEFAULT_DELETE_LIMITS: LimitSettings = { perMinute: 120, burst: 60 }

/**
 * Deletes refused as not the caller's (404), per repository: each cost a list call at Vast, whose
 * rate (one a second per parent key, vast-api.md) every repository's cleanup shares. A delete of
 * the caller's own key gives its share back, so a job's cleanup never runs out of it; only
 * deletes of keys that are not its own (a probe, a flood) do.
 */
export const DEFAULT_DELETE_MISS_LIMITS: LimitSettings = { perMinute: 6, burst: 10 }

/** Buckets kept at most; the least recently used go first (a full bucket forgets nothing). */
const MAX_BUCKETS = 10_000

/** One token bucket per key, in this process. */
export class MemoryLimiter implements Limiter {
  readonly #settings: LimitSettings
  readonly #now: () => number
  readonly #buckets = new Map<string, { tokens: number; at: number }>()

  constructor(settings: LimitSettings, now: () => number = Date.now) {
    if (!(settings.perMinute > 0) || !(settings.burst >= 1)) {
      throw new Error('limits: perMinute must be above 0 and burst at least 1')
    }
    this.#settings = settings
    this.#now = now
  }

  take(key: string): LimitDecision {
    const now = this.#now()
    const ratePerMs = this.#settings.perMinute / 60_000
    const bucket = this.#buckets.get(key) ?? { tokens: this.#settings.burst, at: now }
    bucket.tokens = Math.min(this.#settings.burst, bucket.tokens + (now - bucket.at) * ratePerMs)
    bucket.at = now
    this.#buckets.delete(key)
    this.#buckets.set(key, bucket)
    if (this.#buckets.size > MAX_BUCKETS) {
      const oldest = this.#buckets.keys().next().value
      if (oldest !== undefined) this.#buckets.delete(oldest)
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { allowed: true, retryAfterMs: 0 }
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / ratePerMs) }
  }

  refund(key: string): void {
    const bucket = this.#buckets.get(key)
    if (bucket) bucket.tokens = Math.min(this.#settings.burst, bucket.tokens + 1)
  }
}

/** How a replica admits mints: how many at once, how many wait, and how long a wait may be. */
export interface AdmissionSettings {
  /** Mints sent to Vast at once (>= 1). */
  concurrency: number
  /** Mints waiting at most, all repositories together; more get 429 at once. */
  maxQueued: number
  /** Mints of one repository waiting at most (so that a few cannot fill the queue). */
  maxQueuedPerRepository: number
  /** A mint whose expected wait is longer gets 429 with Retry-After at once (ms). */
  maxWaitMs: number
  /** The least time one mint takes of Vast's rate: its create interval (ms, vast-api.md). */
  createIntervalMs: number
}

/**
 * Two mints at Vast at once; up to 20 of one repository wait in the queue (a 20-job matrix split
 * over two replicas waits about 10 x Vast's 2 s create interval) instead of being refused; a wait
 * longer than 30 s is refused at once with Retry-After (the action's POST waits 90 s at most).
 */
export const DEFAULT_ADMISSION: AdmissionSettings = {
  concurrency: 2,
  maxQueued: 100,
  maxQueuedPerRepository: 20,
  maxWaitMs: 30_000,
  createIntervalMs: 2_000,
}

export type Admission =
  | { allowed: true; waitedMs: number; release(): void }
  | { allowed: false; retryAfterMs: number; reason: 'full' | 'slow' | 'gone' }

interface Waiter {
  wake: () => void
  gone: boolean
}

/**
 * The mints of one replica: at most `concurrency` at Vast, the rest waiting in one queue per
 * repository, served round-robin across repositories (each repository with waiting mints gets one
 * turn in every round, however many it sent). A mint that would wait longer than `maxWaitMs` (its
 * place in the rounds times the time one mint takes, learned from the mints done, never less than
 * Vast's create interval) or find `maxQueued` waiting (or `maxQueuedPerRepository` of its own)
 * is refused at once, with how long to wait.
 * Per replica: N replicas admit N times as much, and Vast's rate is still one per parent key.
 */
export class FairAdmission {
  readonly #settings: AdmissionSettings
  readonly #now: () => number
  /** Map order is the round-robin order: a repository served goes to the end. */
  readonly #queues = new Map<string, Waiter[]>()
  #running = 0
  #mintMs: number

  constructor(settings: AdmissionSettings = DEFAULT_ADMISSION, now: () => number = Date.now) {
    if (!(settings.concurrency >= 1) || !(settings.maxQueued >= 0)) {
      throw new Error('admission: concurrency must be at least 1 and maxQueued at least 0')
    }
    this.#settings = settings
    this.#now = now
    this.#mintMs = settings.createIntervalMs * settings.concurrency
  }

  /** Mints at Vast now. */
  get running(): number {
    return this.#running
  }

  /** Mints waiting, all repositories together. */
  get queued(): number {
    let count = 0
    for (const queue of this.#queues.values()) count += queue.length
    return count
  }

  /**
   * How long a new mint of `key` would wait (ms): the mints served before it in the rounds
   * (its own repository's waiting ones, and from each other repository as many as take turns
   * before it), each taking one slot of this replica's rate.
   */
  expectedWaitMs(key: string): number {
    if (this.#running < this.#settings.concurrency && this.queued === 0) return 0
    const own = this.#queues.get(key)?.length ?? 0
    let ahead = own
    for (const [other, queue] of this.#queues) {
      if (other !== key) ahead += Math.min(queue.length, own + 1)
    }
    return (ahead + 1) * this.#slotMs()
  }

  /**
   * Waits for a turn of `key`, or refuses at once. `signal` (the client went away) takes a waiting
   * mint out of its queue. The caller must call release() when its mint is done.
   */
  async enter(key: string, signal?: AbortSignal): Promise<Admission> {
    const started = this.#now()
    if (this.#running < this.#settings.concurrency && this.queued === 0) {
      this.#running += 1
      return this.#admitted(started)
    }
    const waitMs = this.expectedWaitMs(key)
    const queue = this.#queues.get(key) ?? []
    const full =
      this.queued >= this.#settings.maxQueued ||
      queue.length >= this.#settings.maxQueuedPerRepository
    if (full || waitMs > this.#settings.maxWaitMs) {
      return {
        allowed: false,
        retryAfterMs: Math.max(waitMs, this.#slotMs()),
        reason: full ? 'full' : 'slow',
      }
    }
    this.#queues.set(key, queue)
    const woken = await new Promise<boolean>((resolve) => {
      const waiter: Waiter = { wake: () => resolve(true), gone: false }
      queue.push(waiter)
      signal?.addEventListener(
        'abort',
        () => {
          waiter.gone = true
          const index = queue.indexOf(waiter)
          if (index >= 0) queue.splice(index, 1)
          if (queue.length === 0 && this.#queues.get(key) === queue) this.#queues.delete(key)
          resolve(false)
        },
        { once: true },
      )
    })
    if (!woken) return { allowed: false, retryAfterMs: 0, reason: 'gone' }
    return this.#admitted(started)
  }

  #slotMs(): number {
    return Math.max(this.#settings.createIntervalMs, this.#mintMs / this.#settings.concurrency)
  }

  #admitted(started: number): Admission {
    const entered = this.#now()
    let released = false
    return {
      allowed: true,
      waitedMs: entered - started,
      release: () => {
        if (released) return
        released = true
        // What one mint took, smoothed: the wait estimate follows Vast's real pace.
        this.#mintMs = 0.8 * this.#mintMs + 0.2 * Math.max(0, this.#now() - entered)
        this.#running -= 1
        this.#next()
      },
    }
  }

  /** Gives the free slot to the first repository in the rounds; it goes to the end. */
  #next(): void {
    for (const [key, queue] of this.#queues) {
      const waiter = queue.shift()
      this.#queues.delete(key)
      if (queue.length > 0) this.#queues.set(key, queue)
      if (!waiter || waiter.gone) continue
      this.#running += 1
      waiter.wake()
      return
    }
  }
}
