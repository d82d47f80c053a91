// The routes of vast-api.md: how a request path maps to one of them, and the scope each needs.

import type { RouteName } from './vast-faults.ts'

export interface MatchedRoute {
  name: RouteName
  /** The `{id}` path segment of show and delete (an instance's or offer's id), as sent. */
  id: string | null
}

export type RouteMatch = { route: MatchedRoute } | { status: 404 | 405; allow?: string }

/** The category a key must hold to use a route; `null` for routes that need no key. */
export const ROUTE_SCOPES: Readonly<Record<RouteName, string | null>> = {
  create: 'user_write',
  delete: 'user_write',
  reset: 'user_write',
  list: 'user_read',
  show: 'user_read',
  current: 'user_read',
  gpuNames: null,
  instanceCreate: 'instance_write',
  instanceList: 'instance_read',
  instanceShow: 'instance_read',
  instanceManage: 'instance_write',
  instanceDestroy: 'instance_write',
  instanceListV0: 'instance_read',
}

const API_ROOT = '/api/v0/'
const API_V1_ROOT = '/api/v1/'

/**
 * Matches a request. The official CLI keeps any path prefix of a custom base URL, so the API root
 * may come after one (`/prefix/api/v0/...`). Trailing slashes are as in the table: strict, except
 * that `users/current` is accepted with and without one (the CLI and the docs differ).
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const byMethod = (table: Record<string, RouteName>, id: string | null = null): RouteMatch => {
    const name = table[method]
    if (name === undefined) return { status: 405, allow: Object.keys(table).join(', ') }
    return { route: { name, id } }
  }
  // The instance list moved to v1 (vast-instances-api.md, I2); the CLI sends it as is.
  const v1 = path.indexOf(API_V1_ROOT)
  if (v1 >= 0) {
    return path.slice(v1 + API_V1_ROOT.length) === 'instances/'
      ? byMethod({ GET: 'instanceList' })
      : { status: 404 }
  }
  const root = path.indexOf(API_ROOT)
  if (root < 0) return { status: 404 }
  const rest = path.slice(root + API_ROOT.length)
  const ask = /^asks\/([^/]+)\/$/.exec(rest)
  if (ask) return byMethod({ PUT: 'instanceCreate' }, ask[1] ?? null)
  if (rest === 'instances/' || rest === 'instances') return byMethod({ GET: 'instanceListV0' })
  const instance = /^instances\/([^/]+)\/$/.exec(rest)
  if (instance) {
    const table: Record<string, RouteName> = {
      GET: 'instanceShow',
      PUT: 'instanceManage',
      DELETE: 'instanceDestroy',
    }
    return byMethod(table, instance[1] ?? null)
  }
  if (rest === 'auth/apikeys/') return byMethod({ GET: 'list', POST: 'create' })
  const item = /^auth\/apikeys\/([^/]+)\/$/.exec(rest)
  if (item) return byMethod({ GET: 'show', DELETE: 'delete' }, item[1] ?? null)
  if (rest === 'commands/reset_apikey/') return byMethod({ PUT: 'reset' })
  if (rest === 'users/current' || rest === 'users/current/') return byMethod({ GET: 'current' })
  if (rest === 'gpu_names/unique/') return byMethod({ GET: 'gpuNames' })
  return { status: 404 }
}
