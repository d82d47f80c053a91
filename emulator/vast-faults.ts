// Injected faults: what they are, and the per-route FIFO queues that hand them out.

import { TOO_MANY_FORMS } from './vast-http.ts'
import type { TooManyForm } from './vast-http.ts'

export type RouteName =
  'create' | 'list' | 'show' | 'delete' | 'reset' | 'current' | 'gpuNames' | InstanceRouteName

/** The instance routes of vast-instances-api.md (I1 to I6; emulator/vast-instances.ts). */
export type InstanceRouteName =
  | 'instanceCreate'
  | 'instanceList'
  | 'instanceShow'
  | 'instanceManage'
  | 'instanceDestroy'
  | 'instanceListV0'

export const ROUTE_NAMES: readonly RouteName[] = [
  'create',
  'list',
  'show',
  'delete',
  'reset',
  'current',
  'gpuNames',
  'instanceCreate',
  'instanceList',
  'instanceShow',
  'instanceManage',
  'instanceDestroy',
  'instanceListV0',
]

export type Fault =
  /** Answer this without applying the request. */
  | { type: 'status'; status: number; body?: string | object; headers?: Record<string, string> }
  /** A 429 in one of the forms seen from Vast (see tooManyRequests), without applying it. */
  | { type: '429'; form: TooManyForm; retryAfterSeconds?: number }
  /** Wait, then handle normally (for client timeouts). */
  | { type: 'delay'; ms: number }
  /** Destroy the socket before applying anything. */
  | { type: 'reset' }
  /** Apply the request, then destroy the socket without answering. */
  | { type: 'lost' }
  /** 200 with a truncated JSON body; `apply` defaults to false. */
  | { type: 'malformed-json'; apply?: boolean }
  /** 200 text/html `<html>gateway</html>`; `apply` defaults to false. */
  | { type: 'non-json'; apply?: boolean }
  /**
   * Hold the response until `release()`. With `apply` (default true) the request is applied on
   * arrival; without it, it is applied at release.
   */
  | { type: 'hold'; apply?: boolean }
  /**
   * Apply the request, then answer with its JSON object answer's fields replaced by `fields`
   * (a hostile or broken answer to a request that did take effect).
   */
  | { type: 'rewrite'; fields: Record<string, unknown> }

export const FAULT_TYPES: readonly Fault['type'][] = [
  'status',
  '429',
  'delay',
  'reset',
  'lost',
  'malformed-json',
  'non-json',
  'hold',
  'rewrite',
]

export interface FaultHandle {
  /** How many more matching requests this fault will take. */
  times: number
  /** Resolves when the first request hits this fault. */
  arrived: Promise<void>
  /** For `hold`: send the held responses now, and answer later hits at once. */
  release(): void
}

/** One queued fault; also the handle given to the caller of `inject`. */
export class FaultEntry implements FaultHandle {
  readonly fault: Fault
  times: number
  readonly arrived: Promise<void>
  released = false
  #signalArrival: () => void = () => {}
  #waiting: (() => void)[] = []

  constructor(fault: Fault, times: number) {
    this.fault = fault
    this.times = times
    this.arrived = new Promise<void>((resolve) => {
      this.#signalArrival = resolve
    })
  }

  hit(): void {
    this.times -= 1
    this.#signalArrival()
  }

  /** Resolves at `release()`, or at once if that already happened. */
  waitForRelease(): Promise<void> {
    if (this.released) return Promise.resolve()
    return new Promise<void>((resolve) => this.#waiting.push(resolve))
  }

  release(): void {
    this.released = true
    const waiting = this.#waiting
    this.#waiting = []
    for (const resolve of waiting) resolve()
  }

  /** Forget held requests without answering them (used by `close()`). */
  drop(): void {
    this.#waiting = []
  }
}

export class FaultQueues {
  #queues = new Map<RouteName, FaultEntry[]>()
  #all = new Set<FaultEntry>()

  add(route: RouteName, fault: Fault, times: number): FaultEntry {
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`times must be a positive integer, got ${times}`)
    }
    const entry = new FaultEntry(fault, times)
    const queue = this.#queues.get(route) ?? []
    queue.push(entry)
    this.#queues.set(route, queue)
    this.#all.add(entry)
    return entry
  }

  /** Takes the next fault for a route, if any: FIFO, one hit per matching request. */
  take(route: RouteName): FaultEntry | undefined {
    const queue = this.#queues.get(route)
    const entry = queue?.[0]
    if (queue === undefined || entry === undefined) return undefined
    entry.hit()
    if (entry.times <= 0) queue.shift()
    return entry
  }

  clear(): void {
    this.#queues.clear()
  }

  /** Drops every held request of every fault ever injected. */
  dropAll(): void {
    for (const entry of this.#all) entry.drop()
  }
}

/** Checks a fault received as JSON by the control API; returns an error message or null. */
export function faultProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'fault must be an object'
  }
  const fault = value as Record<string, unknown>
  const type = fault['type']
  if (typeof type !== 'string' || !(FAULT_TYPES as readonly string[]).includes(type)) {
    return `fault.type must be one of ${FAULT_TYPES.join(', ')}`
  }
  if (type === 'status' && !isStatus(fault['status'])) return 'fault.status must be 100..599'
  if (type === '429' && !(TOO_MANY_FORMS as readonly unknown[]).includes(fault['form'])) {
    return `fault.form must be one of ${TOO_MANY_FORMS.join(', ')}`
  }
  if (type === 'rewrite' && !(typeof fault['fields'] === 'object' && fault['fields'] !== null)) {
    return 'fault.fields must be an object'
  }
  if (type === 'delay' && !(typeof fault['ms'] === 'number' && fault['ms'] >= 0)) {
    return 'fault.ms must be a non-negative number'
  }
  return null
}

function isStatus(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599
}
