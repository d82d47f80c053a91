import type { MatchClaim } from './claims.ts'
import type { Permissions } from '../core/permissions.ts'

/**
 * A loaded policy, as src/broker/policy.ts compiles it from the file: what the decision
 * (`decide`), the lint (src/broker/policy-lint.ts) and the request checks (src/broker/requests.ts)
 * read. Its own file so that the parser may run the lint without the lint importing the parser.
 */
export interface PolicyRule {
  name: string
  /** Claim name to its compiled patterns (any may match); `source` keeps what was written. */
  match: Partial<Record<MatchClaim, { source: string; pattern: RegExp }[]>>
  permissions: Permissions
  maxTtlMs: number
  /** The rule admits repositories of any owner (`allow-any-owner: true` and a glob owner). */
  anyOwner?: boolean
  /**
   * `destroy-instances: true`: the key comes with an instance label, and the DELETE that ends the
   * key destroys the instances with that label (src/broker/instances.ts, docs/instances.md).
   */
  destroyInstances?: boolean
}

export interface Policy {
  rules: PolicyRule[]
  /** What the broker logs as warnings at start (rules that admit any owner, ...). */
  warnings: string[]
}
