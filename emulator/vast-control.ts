// The `/__emulator/` control routes, for the standalone emulator and demos: look at the keys
// (never their secret values), inject or clear faults, switch answer variants and rate limits
// over HTTP. No auth, not recorded.
//
//   GET    /__emulator/keys          the keys, without secret values
//   GET    /__emulator/instances     the instances (ids, labels, destroy times), without their keys
//   POST   /__emulator/faults        {"route": "create", "fault": {...}, "times": 1}
//   DELETE /__emulator/faults
//   GET    /__emulator/variants      the variants in force
//   POST   /__emulator/variants      {"keyFormat": "vast", ...}: merged into those in force
//   POST   /__emulator/rate-limits   false, true or {"scale": 0.1, "form": "plain", ...}

import { ROUTE_NAMES, faultProblem } from './vast-faults.ts'
import type { Fault, RouteName } from './vast-faults.ts'
import { isRecord, json, parseJson, TOO_MANY_FORMS } from './vast-http.ts'
import type { Reply } from './vast-http.ts'
import type { InstanceRecord } from './vast-instances.ts'
import type { KeyRecord } from './vast-keys.ts'
import type { RateLimitSettings } from './vast-rate-limit.ts'
import { variantsProblem } from './vast-variants.ts'
import type { VastVariants } from './vast-variants.ts'

export const CONTROL_PREFIX = '/__emulator/'

export interface Controllable {
  keys(): KeyRecord[]
  instances(): InstanceRecord[]
  inject(route: RouteName, fault: Fault, times?: number): unknown
  clearFaults(): void
  readonly variants: VastVariants
  setVariants(variants: VastVariants): void
  setRateLimits(rateLimits: RateLimitSettings | undefined): void
}

export function controlReply(
  target: Controllable,
  method: string,
  path: string,
  rawBody: string,
): Reply {
  if (path === '/__emulator/keys' && method === 'GET') {
    return json(200, { keys: target.keys().map(({ key: _secret, ...rest }) => rest) })
  }
  if (path === '/__emulator/instances' && method === 'GET') {
    return json(200, {
      instances: target.instances().map(({ instanceApiKey: _secret, ...rest }) => rest),
    })
  }
  if (path === '/__emulator/faults' && method === 'DELETE') {
    target.clearFaults()
    return json(200, { ok: true })
  }
  if (path === '/__emulator/faults' && method === 'POST') {
    const body = parseJson(rawBody)
    if (!isRecord(body)) return json(400, { ok: false, error: 'body must be a JSON object' })
    const route = body['route']
    if (typeof route !== 'string' || !(ROUTE_NAMES as readonly string[]).includes(route)) {
      return json(400, { ok: false, error: `route must be one of ${ROUTE_NAMES.join(', ')}` })
    }
    const problem = faultProblem(body['fault'])
    if (problem !== null) return json(400, { ok: false, error: problem })
    const times = body['times'] ?? 1
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) {
      return json(400, { ok: false, error: 'times must be a positive integer' })
    }
    target.inject(route as RouteName, body['fault'] as Fault, times)
    return json(200, { ok: true })
  }
  if (path === '/__emulator/variants' && method === 'GET') {
    return json(200, { variants: target.variants })
  }
  if (path === '/__emulator/variants' && method === 'POST') {
    const body = parseJson(rawBody)
    const problem = variantsProblem(body)
    if (problem !== null) return json(400, { ok: false, error: problem })
    target.setVariants(body as VastVariants)
    return json(200, { ok: true, variants: target.variants })
  }
  if (path === '/__emulator/rate-limits' && method === 'POST') {
    const body = parseJson(rawBody)
    const problem = rateLimitsProblem(body)
    if (problem !== null) return json(400, { ok: false, error: problem })
    target.setRateLimits(body as RateLimitSettings)
    return json(200, { ok: true })
  }
  return json(404, { ok: false, error: 'unknown control route' })
}

/** Checks rate-limit settings received as JSON; returns an error message or null. */
export function rateLimitsProblem(value: unknown): string | null {
  if (typeof value === 'boolean') return null
  if (!isRecord(value)) return 'rate limits must be true, false or an object'
  const { scale, form, identity, intervalsMs } = value
  if (scale !== undefined && !(typeof scale === 'number' && scale >= 0 && Number.isFinite(scale))) {
    return 'scale must be a non-negative number'
  }
  if (form !== undefined && !(TOO_MANY_FORMS as readonly unknown[]).includes(form)) {
    return `form must be one of ${TOO_MANY_FORMS.join(', ')}`
  }
  if (identity !== undefined && identity !== 'key' && identity !== 'user') {
    return 'identity must be key or user'
  }
  if (intervalsMs !== undefined) {
    if (!isRecord(intervalsMs)) return 'intervalsMs must be an object'
    for (const [route, ms] of Object.entries(intervalsMs)) {
      if (!(ROUTE_NAMES as readonly string[]).includes(route)) return `unknown route ${route}`
      if (!(typeof ms === 'number' && ms >= 0)) return `intervalsMs.${route} must be >= 0`
    }
  }
  return null
}
