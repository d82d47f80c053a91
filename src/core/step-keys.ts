import { setTimeout as delay } from 'node:timers/promises'
import { formatDuration } from './duration.ts'
import { isoSeconds, parseKeyName, type KeyNameFields } from './key-name.ts'
import type { VastClient } from './vast/client.ts'
import { deleteKey, listKeys, type KeyInfo } from './vast/keys.ts'

/**
 * The keys one step run made, found by what their names carry, and the window in which a create
 * request that got no answer can still be applied by the server.
 */

/**
 * The least time (ms) added to `request-timeout` after the last create request that got no
 * answer. The action stops waiting for an answer after request-timeout, but a server that
 * received the request may still be working on it: the same load that made it slow can make it
 * slower still. A server applying it just after the client gave up (say 2 s after a 1 s
 * request-timeout) must land before post's last look, with room for the send time being read a
 * moment before the bytes leave, a `Date`-less clock, and a list that reads from a replica a
 * moment behind the write: 10 s, five times Vast's documented create interval (vast-api.md).
 */
export const LATE_APPLY_MIN_MARGIN_MS = 10_000

/**
 * The margin (ms) after `request-timeout` in which Vast may still apply an unanswered create:
 * half the request-timeout again (a server slower than request-timeout may be slower still), and
 * never less than {@link LATE_APPLY_MIN_MARGIN_MS}. A server that holds a request longer than
 * that is not covered by post: the run-aware sweep (`mode: sweep` with `github-token`) deletes
 * such a key once the run has completed (docs/reliability.md).
 */
export function lateApplyMarginMs(requestTimeoutMs: number): number {
  return Math.max(LATE_APPLY_MIN_MARGIN_MS, Math.ceil(requestTimeoutMs / 2))
}

/** The moment (epoch ms) after which a create sent at `sentAt` can no longer be applied. */
export function uncertaintyEnd(sentAt: number, requestTimeoutMs: number): number {
  return sentAt + requestTimeoutMs + lateApplyMarginMs(requestTimeoutMs)
}

/** The fields that say which step run made a key (the deadline and label are not compared). */
function stepOf(fields: KeyNameFields): string {
  return JSON.stringify([
    fields.kind,
    fields.repository.toLowerCase(),
    fields.runId,
    fields.runAttempt,
    fields.job,
    fields.target ?? '',
    fields.nonce,
  ])
}

/**
 * Whether `name` was made by the same step run as `stepName` (the name main saved in state):
 * same kind, repository, run id and attempt, job, target and nonce. Unparseable names never match.
 */
export function sameStep(name: string, stepName: string): boolean {
  const mine = parseKeyName(stepName)
  const other = parseKeyName(name)
  return mine !== undefined && other !== undefined && stepOf(mine) === stepOf(other)
}

/** Live keys made by the step run that named its key `stepName`, but `except`. */
export async function findStepKeys(
  client: VastClient,
  stepName: string,
  except?: number,
): Promise<KeyInfo[]> {
  return (await listKeys(client)).filter((key) => key.id !== except && sameStep(key.name, stepName))
}

/** Deletes every live key of the step run (but `except`); returns the keys that went. */
export async function deleteStepKeys(
  client: VastClient,
  stepName: string,
  except?: number,
): Promise<KeyInfo[]> {
  const found = await findStepKeys(client, stepName, except)
  for (const key of found) await deleteKey(client, key.id)
  return found
}

export interface LateApplyCheck {
  client: VastClient
  stepName: string
  except?: number
  /** When the last create request without an answer was sent (epoch ms). */
  uncertainAt: number
  requestTimeoutMs: number
  /** The latest moment to start the last look (epoch ms); read again while waiting. */
  lastLookBy: () => number
  log: (message: string) => void
  signal?: AbortSignal
  now?: () => number
}

export interface LateApplyResult {
  deleted: KeyInfo[]
  /** The window ended before the last look: nothing sent can still appear. */
  covered: boolean
  windowEnd: number
}

/**
 * Looks for keys of the step now, then, if the window in which an unanswered create can still be
 * applied has not ended, waits for its end (never past `lastLookBy`) and looks again. Says in the
 * log what it waits for and why. Errors from the API are thrown.
 */
export async function deleteLateKeys(check: LateApplyCheck): Promise<LateApplyResult> {
  const now = check.now ?? Date.now
  const windowEnd = uncertaintyEnd(check.uncertainAt, check.requestTimeoutMs)
  const deleted = await deleteStepKeys(check.client, check.stepName, check.except)
  if (now() >= windowEnd) return { deleted, covered: true, windowEnd }
  const waitUntil = () => Math.min(windowEnd, check.lastLookBy())
  check.log(
    `A create request sent at ${isoSeconds(new Date(check.uncertainAt))} got no answer; Vast could still apply it until ` +
      `${isoSeconds(new Date(windowEnd))} (request-timeout ${formatDuration(check.requestTimeoutMs)} + a margin of ${formatDuration(lateApplyMarginMs(check.requestTimeoutMs))} for a server still working on it). ` +
      `Waiting ${formatDuration(Math.max(1000, Math.ceil((waitUntil() - now()) / 1000) * 1000))} to look again.`,
  )
  // Polled, so that a cancel that shortens the budget also shortens the wait.
  try {
    while (now() < waitUntil()) {
      await delay(
        Math.min(250, waitUntil() - now()),
        undefined,
        check.signal ? { signal: check.signal } : {},
      )
    }
  } catch {
    // Cancelled while waiting: what was found so far is deleted; the caller says what is left.
    return { deleted, covered: false, windowEnd }
  }
  deleted.push(...(await deleteStepKeys(check.client, check.stepName, check.except)))
  return { deleted, covered: now() >= windowEnd, windowEnd }
}
