import { Reader } from './reader.ts'
import { InputError, type InputSource, type InstancesSettings } from './settings.ts'

/** action.yml's defaults of `instances` and `instances-grace` (InstancesSettings, settings.ts). */
export const INSTANCES_DEFAULTS = { instances: 'keep', grace: '10s' } as const
/** Post has about 50 s in all; the grace must leave room for the key and the destroys. */
export const INSTANCES_GRACE_RANGE_MS = { min: 0, max: 30_000 }

/** Yes/no words a user may write for `instances`, and the choice each probably means. */
export const INSTANCES_WORDS = {
  true: 'destroy',
  yes: 'destroy',
  on: 'destroy',
  false: 'keep',
  no: 'keep',
  off: 'keep',
} as const

/**
 * Reads both inputs, a problem per bad one (in `read`); warns when instances-grace is set (not
 * action.yml's default) while instances is keep, which would leave the instances alone.
 */
export function readInstances(read: Reader): InstancesSettings {
  const settings: InstancesSettings = {
    instances: read.choice(
      'instances',
      ['keep', 'destroy'] as const,
      INSTANCES_DEFAULTS.instances,
      INSTANCES_WORDS,
    ),
    graceMs: read.duration('instances-grace', INSTANCES_DEFAULTS.grace, INSTANCES_GRACE_RANGE_MS),
  }
  const grace = read.raw('instances-grace')
  const keep = ['', INSTANCES_DEFAULTS.instances].includes(read.raw('instances')) // not a bad value
  if (keep && grace && grace !== INSTANCES_DEFAULTS.grace) {
    read.warn(
      'instances-grace',
      "it is read only with instances: destroy, and instances is keep: the post step leaves the job's instances alone. Add instances: destroy, or remove instances-grace",
    )
  }
  return settings
}

/** The post step's reading of the same inputs; throws InputError naming each bad one. */
export function readInstancesForPost(source: InputSource): InstancesSettings {
  const read = new Reader(source)
  const settings = readInstances(read)
  if (read.problems.length > 0) throw new InputError(read.problems)
  return settings
}
