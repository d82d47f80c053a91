// The `/__emulator/` control routes, for the standalone emulator and demos: look at the keys
// (never their secret values) and inject or clear faults over HTTP. No auth, not recorded.

import { ROUTE_NAMES, faultProblem } from './vast-faults.ts'
import type { Fault, RouteName } from './vast-faults.ts'
import { isRecord, json, parseJson } from './vast-http.ts'
import type { Reply } from './vast-http.ts'
import type { KeyRecord } from './vast-keys.ts'

export const CONTROL_PREFIX = '/__emulator/'

export interface Controllable {
  keys(): KeyRecord[]
  inject(route: RouteName, fault: Fault, times?: number): unknown
  clearFaults(): void
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
  return json(404, { ok: false, error: 'unknown control route' })
}
