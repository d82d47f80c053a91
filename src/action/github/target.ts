import type { SecretTarget } from '../inputs/settings.ts'

/**
 * A secret's target in words, for logs, errors and job summaries:
 * `repository secret NAME of owner/repo`, `environment secret NAME (env prod) of owner/repo`,
 * `organisation secret NAME of org`. The organisation's visibility is not part of it: it is a
 * setting of the one secret, not another secret.
 */
export function describeTarget(target: SecretTarget, secretName: string): string {
  if (target.scope === 'repository')
    return `repository secret ${secretName} of ${target.repository}`
  if (target.scope === 'environment') {
    return `environment secret ${secretName} (env ${target.environment}) of ${target.repository}`
  }
  return `organisation secret ${secretName} of ${target.organization}`
}
