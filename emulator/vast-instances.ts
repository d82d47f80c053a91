// The GPU-instance routes of vast-instances-api.md (I1 create with a label, I2 the v1 list with
// select_filters and keyset paging, I3 show, I4 label / I5 state, I6 destroy), as far as they are
// known, with the contract's open questions as switches (InstanceVariants). Instances belong to
// the account (user), never to a key: any key of the user with the route's scope reaches every
// instance of that user, as on Vast.

import { randomBytes } from 'node:crypto'
import { isRecord, json, vastError } from './vast-http.ts'
import type { Reply } from './vast-http.ts'

/** The contract's open questions, each a switch; every one off (the default answer) when left out. */
export interface InstanceVariants {
  /**
   * DELETE of an instance that is gone, never existed or is another user's (open question 1):
   * 404 `not_found` (default, as the docs show), 200 `success: false`, or 403.
   */
  instanceGoneDelete?: 404 | 200 | 403
  /** An unknown or deleted key on the instance routes: 401 (default) or 404 `auth_error` (reports). */
  unknownKeyOnInstances?: 401 | 404
  /** A new instance appears in the v1 list only this many ms after its create (open question 5). */
  instanceListDelayMs?: number
  /** A destroyed instance stays in the v1 list (`cur_state: unloaded`) for this many ms. */
  destroyedListedMs?: number
  /** The longest label a create accepts (the docs say 256; relabel says 1024). */
  createLabelLimit?: 256 | 1024
  /** A create label over the limit: 400 (default) or cut to the limit (open question 4). */
  createLabelTooLong?: 'reject' | 'truncate'
  /** How `select_filters` label `eq`/`in` compare (open question 3): exact (default), any case, or trimmed. */
  labelFilterMatch?: 'exact' | 'case-insensitive' | 'trimmed'
  /** The server trims surrounding whitespace from labels it stores (open question 3). */
  labelTrimOnStore?: boolean
  /** An empty page answers `instances: null` instead of `[]` (the CLI's tests show both). */
  emptyInstances?: 'array' | 'null'
  /** The page size when `limit` is left out (25, or 5 as a docs branch says). */
  defaultLimit?: 25 | 5
}

export const INSTANCE_VARIANT_CHOICES: Record<keyof InstanceVariants, readonly unknown[] | 'ms'> = {
  instanceGoneDelete: [404, 200, 403],
  unknownKeyOnInstances: [401, 404],
  instanceListDelayMs: 'ms',
  destroyedListedMs: 'ms',
  createLabelLimit: [256, 1024],
  createLabelTooLong: ['reject', 'truncate'],
  labelFilterMatch: ['exact', 'case-insensitive', 'trimmed'],
  labelTrimOnStore: [false, true],
  emptyInstances: ['array', 'null'],
  defaultLimit: [25, 5],
}

export interface InstanceRecord {
  id: number
  userId: number
  label: string | null
  offerId: number
  createdAt: number
  /** When it shows in the v1 list (create + instanceListDelayMs). */
  listedAt: number
  destroyedAt: number | null
  intendedStatus: 'running' | 'stopped'
  /** The per-instance key of I1's answer (a throwaway value; it authenticates nothing here). */
  instanceApiKey: string
}

/** I4's limit on a label, whatever the create limit is. */
const RELABEL_LIMIT = 1024
const MAX_PAGE = 25
const FILTER_OPS = new Set(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notin'])
const COMPUTED_COLUMNS = new Set(['dph_total', 'num_gpus', 'duration', 'offline'])

type Filter = (row: Record<string, unknown>) => boolean

export class InstanceStore {
  readonly #instances = new Map<number, InstanceRecord>()
  readonly #usedOffers = new Set<number>()
  #nextId = 7_000_001

  /** Every instance ever made, destroyed ones included, in id order. */
  all(): InstanceRecord[] {
    return [...this.#instances.values()]
  }

  /** Seeds an instance directly (no HTTP, no rate limit). */
  add(opts: {
    userId: number
    label: string | null
    now: number
    listDelayMs?: number
    offerId?: number
  }): InstanceRecord {
    const record: InstanceRecord = {
      id: this.#nextId++,
      userId: opts.userId,
      label: opts.label,
      offerId: opts.offerId ?? 0,
      createdAt: opts.now,
      listedAt: opts.now + (opts.listDelayMs ?? 0),
      destroyedAt: null,
      intendedStatus: 'running',
      instanceApiKey: randomBytes(32).toString('hex'),
    }
    this.#instances.set(record.id, record)
    return record
  }

  /** I1. `PUT /api/v0/asks/{offer_id}/`: an offer is single use, as on Vast. */
  create(userId: number, offer: string | null, body: unknown, v: InstanceVariants, now: number) {
    if (offer === null || !/^\d+$/.test(offer) || Number(offer) < 1) {
      return vastError(400, 'invalid_args', 'invalid ask_id')
    }
    const offerId = Number(offer)
    if (!isRecord(body)) return vastError(400, 'invalid_args', 'Invalid JSON body')
    if (this.#usedOffers.has(offerId)) {
      return body['cancel_unavail'] === true
        ? vastError(410, 'no_such_ask', `Instance type by id ${offerId} is no longer available.`)
        : vastError(404, 'no_such_ask', `Instance type by id ${offerId} is not available.`)
    }
    const given = body['label'] ?? null
    if (given !== null && typeof given !== 'string') {
      return vastError(400, 'invalid_args', 'label must be a string')
    }
    let label: string | null = given
    const limit = v.createLabelLimit ?? 256
    if (label !== null && label.length > limit) {
      if ((v.createLabelTooLong ?? 'reject') === 'reject') {
        return vastError(400, 'invalid_args', `label must be at most ${limit} characters`)
      }
      label = label.slice(0, limit)
    }
    if (label !== null && v.labelTrimOnStore === true) label = label.trim()
    this.#usedOffers.add(offerId)
    const listDelayMs = v.instanceListDelayMs ?? 0
    const record = this.add({ userId, label, now, listDelayMs, offerId })
    return json(200, {
      success: true,
      new_contract: record.id,
      instance_api_key: record.instanceApiKey,
    })
  }

  /** I2. `GET /api/v1/instances/`: the caller's instances, filtered, by id, 25 a page at most. */
  list(userId: number, query: URLSearchParams, v: InstanceVariants, now: number): Reply {
    const filter = parseFilters(query.get('select_filters'), v)
    if (typeof filter === 'string') return vastError(400, 'invalid_request', filter)
    const order = parseOrder(query.get('order_by'))
    if (typeof order === 'string') return vastError(400, 'invalid_request', order)
    const desc = order.desc
    const limitText = query.get('limit')
    let limit = limitText === null ? (v.defaultLimit ?? 25) : Number(limitText)
    if (!Number.isInteger(limit))
      return vastError(400, 'invalid_request', 'limit must be an integer')
    if (limit <= 0) limit = 5
    limit = Math.min(limit, MAX_PAGE)
    let after: number | undefined
    const token = query.get('after_token')
    if (token !== null && token !== '') {
      const decoded = /^c(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'))
      if (!decoded) return vastError(400, 'invalid_token', 'Invalid after_token')
      after = Number(decoded[1])
    }
    const rows = this.all()
      .filter((i) => i.userId === userId && this.#listed(i, v, now))
      .map((i) => rowOf(i))
      .filter(filter)
    if (desc) rows.reverse()
    const labelCounts: Record<string, number> = {}
    for (const row of rows) {
      const key = typeof row.label === 'string' ? row.label : ''
      labelCounts[key] = (labelCounts[key] ?? 0) + 1
    }
    const rest =
      after === undefined ? rows : rows.filter((row) => (desc ? row.id < after : row.id > after))
    const page = rest.slice(0, limit)
    const last = page.at(-1)
    const more = rest.length > page.length && last !== undefined
    return json(200, {
      success: true,
      instances_found: page.length,
      total_instances: rows.length,
      label_counts: labelCounts,
      next_token: more ? Buffer.from(`c${last.id}`).toString('base64url') : null,
      instances: page.length === 0 && v.emptyInstances === 'null' ? null : page,
    })
  }

  /** I3. `GET /api/v0/instances/{id}/`: 200 `{"instances": null}` for one that is gone or not found. */
  show(userId: number, id: string | null): Reply {
    const record = this.#own(userId, id)
    const live = record !== undefined && record.destroyedAt === null
    return json(200, { instances: live ? rowOf(record) : null })
  }

  /** I4 and I5: `PUT /api/v0/instances/{id}/` with `label` or `state`. */
  manage(userId: number, id: string | null, body: unknown, v: InstanceVariants): Reply {
    const record = this.#own(userId, id)
    if (record === undefined || record.destroyedAt !== null) {
      return vastError(404, 'no_such_instance', `Instance ${id ?? ''} not found.`)
    }
    if (!isRecord(body)) return vastError(400, 'invalid_args', 'Invalid JSON body')
    if ('label' in body) {
      const label = body['label']
      if (label !== null && typeof label !== 'string') {
        return vastError(400, 'invalid_args', 'label must be a string')
      }
      if (typeof label === 'string' && label.length > RELABEL_LIMIT) {
        return vastError(
          400,
          'label_too_long',
          'Please limit label length to 1024 characters, ideally less than 128.',
        )
      }
      record.label = typeof label === 'string' && v.labelTrimOnStore === true ? label.trim() : label
      return json(200, { success: true, msg: `label for ${record.id} set to '${label ?? ''}'` })
    }
    const state = body['state']
    if (state === 'stopped' || state === 'running') {
      record.intendedStatus = state
      return json(200, { success: true })
    }
    return vastError(400, 'invalid_args', 'Nothing to change: give label or state')
  }

  /** I6. `DELETE /api/v0/instances/{id}/`: asynchronous; the row may stay listed a while. */
  destroy(userId: number, id: string | null, v: InstanceVariants, now: number): Reply {
    if (id === null || !/^\d+$/.test(id)) {
      return vastError(400, 'invalid_args', 'invalid instance_id')
    }
    const record = this.#own(userId, id)
    if (record === undefined || record.destroyedAt !== null) {
      switch (v.instanceGoneDelete ?? 404) {
        case 200:
          return json(200, { success: false, msg: 'Instance not found' })
        case 403:
          return vastError(403, 'forbidden', 'You do not have permission to destroy this instance.')
        default:
          return vastError(404, 'not_found', 'Instance not found')
      }
    }
    record.destroyedAt = now
    return json(200, { success: true })
  }

  #own(userId: number, id: string | null): InstanceRecord | undefined {
    if (id === null || !/^\d+$/.test(id)) return undefined
    const record = this.#instances.get(Number(id))
    return record?.userId === userId ? record : undefined
  }

  #listed(i: InstanceRecord, v: InstanceVariants, now: number): boolean {
    if (now < i.listedAt) return false
    if (i.destroyedAt === null) return true
    return now < i.destroyedAt + (v.destroyedListedMs ?? 0)
  }
}

/** A row as the v1 list and show give it: the fields a sweep reads (contract, I2). */
function rowOf(i: InstanceRecord): Record<string, unknown> & { id: number } {
  const destroyed = i.destroyedAt !== null
  return {
    id: i.id,
    label: i.label,
    actual_status: destroyed ? 'exited' : i.intendedStatus,
    intended_status: i.intendedStatus,
    cur_state: destroyed ? 'unloaded' : i.intendedStatus,
    next_state: destroyed ? 'unloaded' : i.intendedStatus,
    status_msg: destroyed ? 'released on destroy' : null,
    start_date: i.createdAt / 1000,
    end_date: null,
    machine_id: 4242,
    gpu_name: 'RTX 4090',
    verification: 'verified',
    dph_total: 0.42,
  }
}

/** `select_filters` as a predicate, or the 400's message. */
function parseFilters(text: string | null, v: InstanceVariants): Filter | string {
  if (text === null || text === '') return () => true
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return 'select_filters is not JSON'
  }
  if (!isRecord(value)) return 'select_filters must be an object'
  const tests: Filter[] = []
  for (const [column, ops] of Object.entries(value)) {
    if (COMPUTED_COLUMNS.has(column)) return `cannot filter on computed column ${column}`
    if (!isRecord(ops)) return `filter on ${column} must be an object of operators`
    for (const [op, operand] of Object.entries(ops)) {
      if (!FILTER_OPS.has(op)) return `unknown operator ${op}`
      if ((op === 'in' || op === 'notin') && !Array.isArray(operand)) {
        return `${op} takes a list`
      }
      tests.push((row) => compare(column, row[column], op, operand, v))
    }
  }
  return (row) => tests.every((test) => test(row))
}

function compare(column: string, cell: unknown, op: string, operand: unknown, v: InstanceVariants) {
  const fold = (x: unknown): unknown => {
    if (column !== 'label' || typeof x !== 'string') return x
    const how = v.labelFilterMatch ?? 'exact'
    return how === 'case-insensitive' ? x.toLowerCase() : how === 'trimmed' ? x.trim() : x
  }
  const a = fold(cell)
  const same = (b: unknown) => a === fold(b)
  switch (op) {
    case 'eq':
      return same(operand)
    case 'neq':
      return !same(operand)
    case 'in':
      return (operand as unknown[]).some(same)
    case 'notin':
      return !(operand as unknown[]).some(same)
    default: {
      if (typeof a !== 'number' || typeof operand !== 'number') return false
      if (op === 'gt') return a > operand
      if (op === 'gte') return a >= operand
      if (op === 'lt') return a < operand
      return a <= operand
    }
  }
}

/** `order_by`: the emulator orders by id only (asc default, or desc), as keyset paging needs. */
function parseOrder(text: string | null): { desc: boolean } | string {
  if (text === null || text === '') return { desc: false }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return 'order_by is not JSON'
  }
  if (!Array.isArray(value) || value.length === 0) return 'order_by must be a non-empty list'
  const first: unknown = value[0]
  if (!isRecord(first) || first['col'] !== 'id') return 'the emulator orders by id only'
  const dir = first['dir'] ?? 'asc'
  return dir === 'desc' || dir === 'asc' ? { desc: dir === 'desc' } : 'dir must be asc or desc'
}

/** The deprecated v0 list (I2-old): retired with 410. */
export function deprecatedList(): Reply {
  return vastError(
    410,
    'deprecated_endpoint',
    '/api/v0/instances/ is deprecated. Use /api/v1/instances/ instead.',
  )
}
