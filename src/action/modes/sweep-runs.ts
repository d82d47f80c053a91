import { parseKeyName } from '../../core/key-name.ts'
import type { RunReader, RunState } from '../github/runs.ts'
import type { KeyInfo } from '../../core/vast/keys.ts'

/**
 * The run-aware part of a sweep: keys of kind `job` (create mode, deleted by their post step)
 * whose workflow run attempt GitHub shows as completed. Their post step has run or never will
 * (a lost runner), so nothing can still use them. Keys of kind `keep` (revoke: never), `rot`
 * (rotations) and `legacy` (vsk1 names) keep to their deadline; so does a key whose run GitHub
 * cannot show.
 */

/** A managed `job` key and the run attempt its name says made it. */
export interface RunKeyCandidate {
  key: KeyInfo
  repository: string
  runId: string
  runAttempt: string
  expiresAt: Date
}

/** At most this many run attempts are asked about per sweep; the next sweep asks about the rest. */
export const MAX_RUN_LOOKUPS = 200

/** Managed `job` keys in scope (not the parent, not already selected), grouped by run attempt. */
export function runKeyCandidates(
  keys: KeyInfo[],
  options: {
    parentId: number
    repository: string
    scope: 'repository' | 'account'
    skip: Set<number>
  },
): Map<string, RunKeyCandidate[]> {
  const repository = options.repository.toLowerCase()
  const groups = new Map<string, RunKeyCandidate[]>()
  for (const key of keys) {
    if (key.id === options.parentId || options.skip.has(key.id)) continue
    const fields = parseKeyName(key.name)
    if (fields?.kind !== 'job') continue
    if (options.scope === 'repository' && fields.repository.toLowerCase() !== repository) continue
    const id = `${fields.repository.toLowerCase()} ${fields.runId} ${fields.runAttempt}`
    const group = groups.get(id) ?? []
    group.push({
      key,
      repository: fields.repository,
      runId: fields.runId,
      runAttempt: fields.runAttempt,
      expiresAt: fields.expiresAt,
    })
    groups.set(id, group)
  }
  return groups
}

/** What GitHub said about one run attempt, with the keys it made. */
export interface RunOutcome {
  repository: string
  runId: string
  runAttempt: string
  state: RunState
  keys: RunKeyCandidate[]
}

/**
 * Asks GitHub about each run attempt (up to {@link MAX_RUN_LOOKUPS}, while `stop()` is false);
 * returns what it said per run, and how many run attempts were not asked about.
 */
export async function lookUpRuns(
  groups: Map<string, RunKeyCandidate[]>,
  reader: RunReader,
  stop: () => boolean,
): Promise<{ outcomes: RunOutcome[]; notAsked: number }> {
  const outcomes: RunOutcome[] = []
  let notAsked = 0
  for (const keys of groups.values()) {
    const first = keys[0]
    if (!first) continue
    if (stop() || outcomes.length >= MAX_RUN_LOOKUPS) {
      notAsked += 1
      continue
    }
    const state = await reader.attempt(first.repository, first.runId, first.runAttempt)
    outcomes.push({ ...first, state, keys })
  }
  return { outcomes, notAsked }
}
