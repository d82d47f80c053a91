import {
  createLocalJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
} from 'jose'
import type { FetchLike } from '../core/vast/transport.ts'

/**
 * The issuer's signing keys (its JWKS), cached, for jose's jwtVerify. GitHub's issuer publishes a
 * new key before it signs with it and keeps old ones a while, so a token whose `kid` is not in the
 * cache means the cache is old: the keys are fetched again **at once** (jose's own remote set
 * waits out a 30 s cooldown, so tokens signed with a new key got 401 for up to 30 s). Refetches
 * caused by unknown kids stay bounded, so tokens with made-up kids cannot flood the issuer: at
 * most one per kid per `perKidIntervalMs`, and at most `maxUnknownPerMinute` in any minute. The
 * set is also refetched when older than `maxAgeMs` (keys the issuer dropped stop verifying).
 */
export interface JwksOptions {
  url: URL
  /** Default Node's fetch. */
  fetch?: FetchLike
  /** One fetch may take this long (ms); default 5 s. */
  timeoutMs?: number
  /** Refetch when the cached set is older (ms); default 10 min. */
  maxAgeMs?: number
  /** The same unknown kid refetches at most once in this time (ms); default 60 s. */
  perKidIntervalMs?: number
  /** Refetches caused by unknown kids in any 60 s, at most; default 6. */
  maxUnknownPerMinute?: number
  /**
   * After a failed fetch, no fetch for this long (ms; default 5 s): requests meanwhile are 503 (no
   * keys yet) or use the keys cached (too old), so a failing issuer gets at most one fetch per this
   * interval, however many tokens (well-formed or made up) arrive.
   */
  failureBackoffMs?: number
  /** Called after every fetch (for the metrics): `ok` false when it failed. */
  onFetch?: (outcome: 'ok' | 'failed', cause: 'start' | 'age' | 'unknown-kid') => void
}

/** The issuer's keys could not be read (network, status, not a JWKS): the broker answers 503. */
export class JwksUnavailable extends Error {}

export interface IssuerKeys {
  getKey: JWTVerifyGetKey
  /** True once a fetch succeeded (readiness). */
  readonly fetched: boolean
  /** Fetches now (at start, for readiness); never throws. */
  warm(): Promise<void>
}

/** A cached, bounded-refetch JWKS of one issuer. */
export function issuerKeys(options: JwksOptions): IssuerKeys {
  const timeoutMs = options.timeoutMs ?? 5000
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000
  const perKidMs = options.perKidIntervalMs ?? 60_000
  const maxUnknown = options.maxUnknownPerMinute ?? 6
  const backoffMs = options.failureBackoffMs ?? 5000
  let failedAt = -Infinity
  const doFetch: FetchLike = options.fetch ?? defaultFetch
  let local: ReturnType<typeof createLocalJWKSet> | undefined
  let fetchedAt = 0
  let pending: Promise<void> | undefined
  const kidTried = new Map<string, number>()
  let unknownFetches: number[] = []

  const load = (cause: 'start' | 'age' | 'unknown-kid'): Promise<void> =>
    (pending ??= (async () => {
      if (Date.now() - failedAt < backoffMs) {
        throw new JwksUnavailable(
          `could not fetch the issuer's JWKS less than ${Math.ceil(backoffMs / 1000)} s ago; not asking again yet`,
        )
      }
      try {
        const response = await doFetch(options.url.href, {
          method: 'GET',
          headers: { Accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        })
        const text = await response.text()
        if (response.status !== 200)
          throw new JwksUnavailable(`the issuer's JWKS answered HTTP ${response.status}`)
        let set: unknown
        try {
          set = JSON.parse(text)
        } catch {
          set = undefined
        }
        if (
          typeof set !== 'object' ||
          set === null ||
          !Array.isArray((set as { keys?: unknown }).keys)
        )
          throw new JwksUnavailable("the issuer's JWKS is not a key set")
        local = createLocalJWKSet(set as JSONWebKeySet)
        fetchedAt = Date.now()
        options.onFetch?.('ok', cause)
      } catch (error) {
        failedAt = Date.now()
        options.onFetch?.('failed', cause)
        if (error instanceof JwksUnavailable) throw error
        throw new JwksUnavailable(`could not fetch the issuer's JWKS (${(error as Error).name})`)
      }
    })().finally(() => {
      pending = undefined
    }))

  /** May an unknown `kid` cause a refetch now? Records it when it may. */
  const mayRefetch = (kid: string): boolean => {
    const now = Date.now()
    unknownFetches = unknownFetches.filter((at) => now - at < 60_000)
    const last = kidTried.get(kid)
    if (last !== undefined && now - last < perKidMs) return false
    if (unknownFetches.length >= maxUnknown) return false
    kidTried.set(kid, now)
    if (kidTried.size > 1000) {
      const oldest = kidTried.keys().next().value
      if (oldest !== undefined) kidTried.delete(oldest)
    }
    unknownFetches.push(now)
    return true
  }

  const getKey: JWTVerifyGetKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (!local) await load('start')
    else if (Date.now() - fetchedAt > maxAgeMs) await load('age').catch(() => undefined)
    try {
      return await (local as NonNullable<typeof local>)(header, token)
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !mayRefetch(header.kid ?? '')) throw error
    }
    await load('unknown-kid')
    return (local as NonNullable<typeof local>)(header, token)
  }

  return {
    getKey,
    get fetched() {
      return local !== undefined
    },
    warm: () => load('start').catch(() => undefined),
  }
}

const defaultFetch: FetchLike = async (url, init) => {
  const response = await fetch(url, init)
  return { status: response.status, headers: response.headers, text: () => response.text() }
}
