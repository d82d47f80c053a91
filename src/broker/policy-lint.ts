import { formatDuration } from '../core/duration.ts'
import { MATCH_CLAIMS, type MatchClaim } from './claims.ts'
import type { PolicyRule } from './policy-rule.ts'

/**
 * What a policy that loads may still get wrong: rules that can never fit a GitHub token, rules
 * that never decide because an earlier rule admits every job they would, and rules that admit any
 * owner. The broker logs these as warnings at start; `npm run broker -- --check` prints them.
 *
 * Facts about the claims (GitHub's "About security hardening with OpenID Connect"): `ref` is the
 * full ref (`refs/heads/main`, `refs/tags/v1`, `refs/pull/7/merge`); `event_name` is the lower-case
 * event (`push`, `pull_request`, `workflow_dispatch`).
 */
export function policyWarnings(rules: PolicyRule[]): string[] {
  const warnings: string[] = []
  for (const [index, rule] of rules.entries()) {
    const named = `rule "${rule.name}"`
    if (rule.anyOwner) {
      warnings.push(
        `${named} admits repositories of any owner (allow-any-owner: true): any repository on GitHub, public ones included, can get a key within this rule`,
      )
    }
    for (const { source } of rule.match.ref ?? []) {
      if (!source.startsWith('refs/') && !source.startsWith('*')) {
        warnings.push(
          `${named}: ref "${source}" can never match: the token's ref is the full ref, such as "refs/heads/${source}" or "refs/tags/${source}"`,
        )
      } else if (/^refs\//.test(source) && /^refs\/(?!heads\/|tags\/|pull\/)[^*?]/.test(source)) {
        warnings.push(
          `${named}: ref "${source}" does not start with refs/heads/, refs/tags/ or refs/pull/ (exact case); check it`,
        )
      }
    }
    for (const { source } of rule.match.event_name ?? []) {
      if (/[A-Z]/.test(source)) {
        warnings.push(
          `${named}: event_name "${source}" can never match: GitHub's event names are lower-case, such as "${source.toLowerCase()}"`,
        )
      }
    }
    const contradiction = ownerContradiction(rule)
    if (contradiction) warnings.push(`${named} can never match: ${contradiction}`)
    const shadow = rules.slice(0, index).find((earlier) => admitsAll(earlier, rule))
    if (shadow) {
      warnings.push(
        `${named} never decides: rule "${shadow.name}" comes first and admits every job it would (the first rule that fits decides; put the narrower rule first)`,
      )
    }
  }
  return warnings
}

const GLOB = /[*?]/

/** The literal owners of `repository` against the literal `repository_owner`s, when all are literal. */
function ownerContradiction(rule: PolicyRule): string | undefined {
  const owners = rule.match.repository_owner
  const repositories = rule.match.repository
  if (!owners || !repositories) return undefined
  if ([...owners, ...repositories].some(({ source }) => GLOB.test(source.split('/')[0] ?? ''))) {
    return undefined
  }
  const wanted = new Set(owners.map(({ source }) => source.toLowerCase()))
  const fits = repositories.some(({ source }) =>
    wanted.has((source.split('/')[0] ?? '').toLowerCase()),
  )
  return fits
    ? undefined
    : `repository_owner ${owners.map((p) => p.source).join(' or ')} is not the owner of repository ${repositories.map((p) => p.source).join(' or ')}`
}

/**
 * True when every token `later` admits, `earlier` admits too: each claim `earlier` constrains,
 * `later` constrains as well, with patterns each of which `earlier` covers (a literal it matches,
 * or the very same glob). Sufficient, not necessary: some shadowing goes unnoticed.
 */
function admitsAll(earlier: PolicyRule, later: PolicyRule): boolean {
  return MATCH_CLAIMS.every((claim: MatchClaim) => {
    const wide = earlier.match[claim]
    if (!wide) return true
    const narrow = later.match[claim]
    if (!narrow) return false
    return narrow.every(({ source }) =>
      wide.some((p) => p.source === source || (!GLOB.test(source) && p.pattern.test(source))),
    )
  })
}

/** One line per rule for `--check`: what it matches, what it grants, for how long. */
export function describeRule(rule: PolicyRule): string {
  const match = MATCH_CLAIMS.filter((claim) => rule.match[claim])
    .map((claim) => `${claim} ${rule.match[claim]?.map((p) => p.source).join(' | ')}`)
    .join('; ')
  const grants = Object.keys(rule.permissions.api).join(', ')
  return `rule "${rule.name}": jobs with ${match} get at most ${grants} for at most ${formatDuration(rule.maxTtlMs)}${rule.anyOwner ? ' (any owner: allow-any-owner)' : ''}`
}
