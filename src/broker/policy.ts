import { parse as parseYaml } from 'yaml'
import { policyWarnings } from './policy-lint.ts'
import { formatDuration, parseDuration } from '../core/duration.ts'
import {
  parsePermissions,
  PermissionsError,
  sensitiveCategories,
  validatePermissions,
  type Permissions,
} from '../core/permissions.ts'
import {
  CASE_INSENSITIVE,
  ID_CLAIMS,
  IDENTITY_CLAIMS,
  MATCH_CLAIMS,
  type Claims,
  type MatchClaim,
} from './claims.ts'
import type { Policy, PolicyRule } from './policy-rule.ts'

export type { Policy, PolicyRule } from './policy-rule.ts'

/**
 * The broker's trust policy: which GitHub Actions jobs may have a Vast key, with which
 * permissions at most and for how long at most. Data, validated and compiled once at start; a
 * policy that does not validate stops the broker with a message naming the rule and the field.
 *
 *   version: 1
 *   rules:
 *     - name: gpu-trainer-main
 *       match:
 *         repository: octo-org/gpu-trainer
 *         ref: refs/heads/main
 *         event_name: [push, workflow_dispatch]
 *       permissions: instance-manager
 *       max-ttl: 2h
 *
 * Rules are tried in order and the **first** whose `match` fits the token decides (deny when none
 * does). Within `match`, every field listed must fit; a list fits when any of its patterns does.
 * Patterns are exact text or globs: `*` is any run of characters without `/`, `**` any run at all,
 * `?` one character other than `/`. Claims are GitHub's OIDC claims, listed once in
 * src/broker/claims.ts (docs/broker.md).
 */

/** A rule's name: letters, digits, ".", "_" or "-", at most 64. */
export const RULE_NAME = /^[\w.-]{1,64}$/

/** The longest ttl any rule may grant: the action's own ceiling for a job key (7 days). */
export const MAX_RULE_TTL_MS = 7 * 86_400_000

/** A policy that cannot be used: the message names the rule and the field. */
export class PolicyError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * A glob as an anchored regular expression; case-sensitive unless `ignoreCase` (repository and
 * owner names: GitHub treats them case-insensitively, and its token carries them as they were
 * created, so `octo-org/app` must also match `Octo-Org/App`).
 */
export function globPattern(glob: string, ignoreCase = false): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] ?? ''
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*'
      i++
    } else if (char === '*') source += '[^/]*'
    else if (char === '?') source += '[^/]'
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^(?:${source})$`, ignoreCase ? 'si' : 's')
}

/**
 * Reads and validates a policy file's text (YAML or JSON). Raises PolicyError, one line per
 * problem (every field of every rule is checked, so all of them are said at once), each naming the rule
 * (`rules[2] "gpu-trainer-main"`) and the field, for: unknown top-level or rule fields, a rule
 * without a name or with a duplicate one, a `match` that is empty or names a claim the broker does
 * not match on, a pattern that is not text, a rule whose `repository` is absent or not written as
 * `owner/name` (deny by default means a rule must say whom it is for), permissions in none of the action's forms, a missing or malformed `max-ttl`.
 */
export function parsePolicy(text: string): Policy {
  let document: unknown
  try {
    document = parseYaml(text, { maxAliasCount: 100 })
  } catch (error) {
    throw new PolicyError(
      `the policy is not valid YAML: ${String((error as Error).message).split('\n')[0]}`,
    )
  }
  if (!isObject(document))
    throw new PolicyError('the policy must be a mapping with "version" and "rules"')
  // Every problem at once: an operator fixing a policy should not learn of them one run at a time.
  const problems: string[] = []
  const extra = Object.keys(document).filter((key) => key !== 'version' && key !== 'rules')
  if (extra.length > 0) {
    problems.push(
      `unknown top-level field "${extra[0]}"; a policy has only "version: 1" and "rules"`,
    )
  }
  if (document.version !== 1) problems.push('"version" must be 1')
  if (!Array.isArray(document.rules) || document.rules.length === 0) {
    problems.push('"rules" must be a non-empty list (deny by default: no rule, no key)')
    throw new PolicyError(problems.join('\n'))
  }
  const names = new Set<string>()
  const rules: PolicyRule[] = []
  for (const [index, raw] of (document.rules as unknown[]).entries()) {
    try {
      const rule = parseRule(raw, index)
      if (names.has(rule.name)) {
        problems.push(`rules[${index}]: the name "${rule.name}" is used twice`)
        continue
      }
      names.add(rule.name)
      rules.push(rule)
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error
      problems.push(error.message)
    }
  }
  if (problems.length > 0) throw new PolicyError(problems.join('\n'))
  return { rules, warnings: policyWarnings(rules) }
}

/** The fields a rule may have (the JSON Schema, src/broker/policy-schema.ts, lists the same). */
export const RULE_FIELDS = new Set([
  'name',
  'match',
  'permissions',
  'max-ttl',
  'allow-sensitive-permissions',
  'allow-any-owner',
  'destroy-instances',
])

function parseRule(raw: unknown, index: number): PolicyRule {
  const at = (field?: string, name?: string) =>
    `rules[${index}]${name ? ` "${name}"` : ''}${field ? `, field "${field}"` : ''}`
  if (!isObject(raw))
    throw new PolicyError(
      `${at()}: a rule must be a mapping with name, match, permissions and max-ttl`,
    )
  // Every problem of the rule at once (its name first, as every message names the rule).
  const problems: string[] = []
  const name = raw.name
  if (typeof name !== 'string' || !RULE_NAME.test(name)) {
    throw new PolicyError(
      `${at('name')}: give every rule a name of letters, digits, ".", "_" or "-" (at most 64)`,
    )
  }
  const unknown = Object.keys(raw).filter((key) => !RULE_FIELDS.has(key))
  if (unknown.length > 0) {
    problems.push(
      `${at(unknown[0], name)}: unknown field; a rule has name, match, permissions, max-ttl, allow-sensitive-permissions, allow-any-owner and destroy-instances`,
    )
  }
  let match: PolicyRule['match'] | undefined
  try {
    match = parseMatch(raw.match, (field) => at(field, name))
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error
    problems.push(error.message)
  }
  const allowAnyOwner = raw['allow-any-owner']
  if (allowAnyOwner !== undefined && typeof allowAnyOwner !== 'boolean') {
    problems.push(`${at('allow-any-owner', name)}: must be true or false`)
  }
  const wildOwner = match ? wildOwnerPattern(match) : undefined
  if (wildOwner && allowAnyOwner !== true) {
    problems.push(
      `${at(`match.${wildOwner.claim}`, name)}: "${wildOwner.source}" has a glob in the owner part, so a repository of any owner (any public repository on GitHub) would get a key; name the owner, such as "octo-org/*", or set allow-any-owner: true on the rule if that is really meant`,
    )
  }
  let permissions: Permissions | undefined
  try {
    if (typeof raw.permissions === 'string')
      permissions = parsePermissions(raw.permissions, (t) => parseYaml(t))
    else if (
      Array.isArray(raw.permissions) &&
      raw.permissions.every((c) => typeof c === 'string')
    ) {
      permissions = parsePermissions(raw.permissions.join(', '))
    } else if (isObject(raw.permissions)) permissions = validatePermissions(raw.permissions)
    else
      throw new PermissionsError('it is missing; give a preset, a list of categories or a mapping')
  } catch (error) {
    if (!(error instanceof PermissionsError)) throw error
    problems.push(`${at('permissions', name)}: ${error.message}`)
  }
  const allowSensitive = raw['allow-sensitive-permissions']
  if (allowSensitive !== undefined && typeof allowSensitive !== 'boolean') {
    problems.push(`${at('allow-sensitive-permissions', name)}: must be true or false`)
  }
  const sensitive = permissions ? sensitiveCategories(permissions) : []
  if (sensitive.length > 0 && allowSensitive !== true) {
    problems.push(
      `${at('permissions', name)}: it grants ${sensitive.join(', ')}, which would let a CI key mint keys (outliving the rule's max-ttl), spend money or change the team; remove it, or set allow-sensitive-permissions: true on the rule`,
    )
  }
  const ttl = raw['max-ttl']
  const maxTtlMs = typeof ttl === 'string' ? parseDuration(ttl) : undefined
  if (maxTtlMs === undefined || maxTtlMs < 60_000 || maxTtlMs > MAX_RULE_TTL_MS) {
    problems.push(
      `${at('max-ttl', name)}: expected a duration from 1m to ${formatDuration(MAX_RULE_TTL_MS)}, such as "2h"`,
    )
  }
  const destroyInstances = raw['destroy-instances']
  if (destroyInstances !== undefined && typeof destroyInstances !== 'boolean') {
    problems.push(`${at('destroy-instances', name)}: must be true or false`)
  }
  if (problems.length > 0 || !match || !permissions || maxTtlMs === undefined)
    throw new PolicyError(problems.join('\n'))
  return {
    name,
    match,
    permissions,
    maxTtlMs,
    ...(wildOwner ? { anyOwner: true } : {}),
    ...(destroyInstances === true ? { destroyInstances: true } : {}),
  }
}

const GLOB = /[*?]/

/**
 * The first pattern that lets the owner vary: a `repository_owner` glob, or a `repository` glob
 * in its owner part (`*\/*`, `**`, `acme-*\/app`) that no exact `repository_owner` or
 * `repository_owner_id` pins down. Undefined when the owner is fixed.
 */
function wildOwnerPattern(
  match: PolicyRule['match'],
): { claim: MatchClaim; source: string } | undefined {
  const ownerGlob = match.repository_owner?.find(({ source }) => GLOB.test(source))
  if (ownerGlob) return { claim: 'repository_owner', source: ownerGlob.source }
  if (match.repository_owner || match.repository_owner_id) return undefined
  const repoGlob = match.repository?.find(({ source }) =>
    GLOB.test(source.startsWith('**') ? '*' : (source.split('/')[0] ?? '')),
  )
  return repoGlob ? { claim: 'repository', source: repoGlob.source } : undefined
}

function parseMatch(raw: unknown, at: (field: string) => string): PolicyRule['match'] {
  if (!isObject(raw) || Object.keys(raw).length === 0) {
    throw new PolicyError(
      `${at('match')}: must be a mapping of claims to patterns, with at least "repository"`,
    )
  }
  const match: PolicyRule['match'] = {}
  for (const [claim, value] of Object.entries(raw)) {
    if (!(MATCH_CLAIMS as readonly string[]).includes(claim)) {
      throw new PolicyError(
        `${at('match')}: "${claim}" is not a claim the broker matches on; use ${MATCH_CLAIMS.join(', ')}`,
      )
    }
    const list = (Array.isArray(value) ? value : [value]).map((item: unknown) =>
      ID_CLAIMS.includes(claim as MatchClaim) && Number.isSafeInteger(item) ? String(item) : item,
    )
    if (list.length === 0 || !list.every((item) => typeof item === 'string' && item.length > 0)) {
      throw new PolicyError(
        `${at(`match.${claim}`)}: must be text, or a non-empty list of text (exact or glob)`,
      )
    }
    if (
      ID_CLAIMS.includes(claim as MatchClaim) &&
      !list.every((item) => typeof item === 'string' && /^\d{1,20}$/.test(item))
    ) {
      throw new PolicyError(
        `${at(`match.${claim}`)}: write the number as text, such as "123456789" (exact match, no globs; GitHub shows it in the token and the repository's API)`,
      )
    }
    match[claim as MatchClaim] = (list as string[]).map((source) => ({
      source,
      pattern: globPattern(source, CASE_INSENSITIVE.includes(claim as MatchClaim)),
    }))
  }
  const repository = match.repository
  if (!repository)
    throw new PolicyError(
      `${at('match')}: must name "repository" (a glob such as "octo-org/*" is fine)`,
    )
  if (repository.some(({ source }) => !source.includes('/') && !source.startsWith('**'))) {
    throw new PolicyError(
      `${at('match.repository')}: write owner/name, such as "octo-org/gpu-trainer" or "octo-org/*"`,
    )
  }
  return match
}

export type Decision =
  | {
      allowed: true
      rule: PolicyRule
      /**
       * The other rules for the caller's repository, each with why it did not decide (fields
       * that did not fit, or "comes after"): a refusal by the deciding rule names them, so a job
       * refused on permissions or ttl learns that another of its rules would have fitted.
       */
      others: string[]
    }
  | { allowed: false; reason: string }

/**
 * The first rule that fits the claims, or a refusal that says what to fix. A refusal names only
 * rules whose repository, owner, repository_id and repository_owner_id all fit the token (the
 * fields of those rules that did not fit, and the token's own values of them), so a caller learns
 * nothing about the rules of other repositories, even one whose name fits a rule's glob.
 */
export function decide(policy: Policy, claims: Claims): Decision {
  const nearMisses: string[] = []
  let decided: PolicyRule | undefined
  for (const rule of policy.rules) {
    const misfits = MATCH_CLAIMS.filter((claim) => {
      const patterns = rule.match[claim]
      if (!patterns) return false
      const value = claims[claim]
      return value === undefined || !patterns.some(({ pattern }) => pattern.test(value))
    })
    if (misfits.length === 0 && !decided) {
      decided = rule
      continue
    }
    // Only rules for this very repository are named: its name, owner and ids must all fit, so a
    // stranger whose repository fits a rule's glob learns nothing of a rule pinned elsewhere.
    if (misfits.some((claim) => IDENTITY_CLAIMS.includes(claim))) continue
    nearMisses.push(
      misfits.length === 0
        ? `rule "${rule.name}" fits too but comes after rule "${decided?.name}" (the first rule that fits decides)`
        : `rule "${rule.name}" wants ${misfits
            .map(
              (claim) =>
                `${claim} ${rule.match[claim]?.map((p) => p.source).join(' or ')} (this job: ${claims[claim] ?? 'none'})`,
            )
            .join(', ')}`,
    )
  }
  if (decided) return { allowed: true, rule: decided, others: nearMisses }
  const seen = MATCH_CLAIMS.filter((claim) => claims[claim] !== undefined)
    .map((claim) => `${claim}=${claims[claim]}`)
    .join(', ')
  return {
    allowed: false,
    reason:
      nearMisses.length > 0
        ? `no rule of the broker's policy fits this job (${seen}): ${nearMisses.join('; ')}`
        : `no rule of the broker's policy is for ${claims.repository ?? 'this repository'}; ask the broker's operators to add one (the token says ${seen})`,
  }
}
