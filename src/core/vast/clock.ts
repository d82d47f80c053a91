import { formatDuration } from '../duration.ts'
import type { VastClient } from './client.ts'

/**
 * Vast's clock, as its answers' `Date` header (RFC 9110) shows it. Deadlines written into key
 * names and the sweep that reads them back are judged by it, so a runner whose clock is wrong
 * neither writes a deadline already past nor ends a running job's key.
 */

/** A difference up to this (ms) is the header's whole seconds and the round trip: not a skew. */
export const CLOCK_NOISE_MS = 2_000
/** A difference beyond this (ms) gets a warning: the runner's clock is wrong. */
export const CLOCK_TOLERANCE_MS = 60_000

/**
 * Vast's time now: `local` moved by the client's measured offset ({@link VastClient.clockOffsetMs})
 * when it exceeds {@link CLOCK_NOISE_MS}; `local` itself when it does not, or when no answer had
 * a `Date` header yet.
 */
export function vastTime(client: VastClient, local: Date): Date {
  const offset = client.clockOffsetMs
  if (offset === undefined || Math.abs(offset) <= CLOCK_NOISE_MS) return local
  return new Date(local.getTime() + offset)
}

/**
 * The warning for a runner clock more than {@link CLOCK_TOLERANCE_MS} off Vast's, or undefined.
 * `what` says what follows Vast's clock instead (e.g. "the key's deadline").
 */
export function clockWarning(client: VastClient, what: string): string | undefined {
  const offset = client.clockOffsetMs
  if (offset === undefined || Math.abs(offset) <= CLOCK_TOLERANCE_MS) return undefined
  const off = formatDuration(Math.round(Math.abs(offset) / 1000) * 1000)
  return (
    `The runner's clock is ${off} ${offset > 0 ? 'behind' : 'ahead of'} Vast's (the Date header of its answer); ` +
    `${what} follows Vast's clock. Set the runner's clock right (NTP).`
  )
}
