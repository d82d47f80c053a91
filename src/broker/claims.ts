/**
 * The claims of GitHub's OIDC token that a broker policy may match on: the one list the policy
 * parser (src/broker/policy.ts), the token check (src/broker/token.ts), the JSON Schema
 * (src/broker/policy-schema.ts) and the lint (src/broker/policy-lint.ts) derive theirs from;
 * `__tests__/broker-claims.test.ts` keeps docs/broker.md's list equal to it.
 *
 * Facts about the claims, from GitHub's "About security hardening with OpenID Connect"
 * (docs.github.com, "Understanding the OIDC token"; the claim tables are in its "OpenID Connect
 * reference"): every custom claim is a JSON string in GitHub's example token, the numeric ids
 * included (`"repository_id": "74"`, `"repository_owner_id": "65"`); `repository` is `owner/name`;
 * `ref` is the full ref (`refs/heads/main`); `event_name` is the lower-case event (`push`);
 * `environment` is present only for a job that uses an environment. The ids
 * (`repository_id`, `repository_owner_id`) never change when a repository or an account is
 * renamed, and are never reused when one is deleted (GitHub's "immutable subject claims").
 *
 * Each claim has:
 * - `type`: `text` (a JSON string) or `id` (a numeric id: digits as a JSON string, as GitHub
 *   sends it; a JSON integer is read as its digits). The token check refuses a claim of another
 *   type, naming the claim and what was expected (see `claimValue`).
 * - `identity`: the claim says whose repository it is. A refusal names a rule only when all of
 *   the rule's identity claims fit the token, so a stranger learns nothing of other repositories'
 *   rules (src/broker/policy.ts, `decide`).
 * - `ignoreCase`: GitHub compares the value without case (repository and owner names: the token
 *   carries them as they were created, `Octo-Org/App`, and `octo-org/app` is the same repository).
 */
export const POLICY_CLAIMS = [
  { name: 'repository', type: 'text', identity: true, ignoreCase: true },
  { name: 'repository_owner', type: 'text', identity: true, ignoreCase: true },
  { name: 'repository_id', type: 'id', identity: true, ignoreCase: false },
  { name: 'repository_owner_id', type: 'id', identity: true, ignoreCase: false },
  { name: 'ref', type: 'text', identity: false, ignoreCase: false },
  { name: 'environment', type: 'text', identity: false, ignoreCase: false },
  { name: 'job_workflow_ref', type: 'text', identity: false, ignoreCase: false },
  { name: 'event_name', type: 'text', identity: false, ignoreCase: false },
] as const satisfies readonly ClaimSpec[]

export interface ClaimSpec {
  name: string
  type: 'text' | 'id'
  identity: boolean
  ignoreCase: boolean
}

/** A claim a rule may match on. */
export type MatchClaim = (typeof POLICY_CLAIMS)[number]['name']

/** The claims a rule may match on, in the order policies, refusals and docs list them. */
export const MATCH_CLAIMS: readonly MatchClaim[] = POLICY_CLAIMS.map((claim) => claim.name)

const named = (test: (claim: (typeof POLICY_CLAIMS)[number]) => boolean): readonly MatchClaim[] =>
  POLICY_CLAIMS.filter(test).map((claim) => claim.name)

/** Numeric ids, matched exactly (no globs): a rule pinned on them survives name reuse. */
export const ID_CLAIMS = named((claim) => claim.type === 'id')

/** The claims that say whose repository it is: a refusal names a rule only when all fit. */
export const IDENTITY_CLAIMS = named((claim) => claim.identity)

/** Claims GitHub compares without case (repository and owner names); the others are exact. */
export const CASE_INSENSITIVE = named((claim) => claim.ignoreCase)

/** The claims a decision reads, as text; absent claims are undefined (`environment` outside environments). */
export type Claims = Partial<Record<MatchClaim, string>>

/** The longest claim value the broker reads, in characters (GitHub's are far shorter). */
export const MAX_CLAIM_LENGTH = 512

/** What a claim of this type must be, for a refusal. */
export function expectedOf(type: ClaimSpec['type']): string {
  return type === 'id'
    ? 'a numeric id (digits, such as "123456789")'
    : `text of at most ${MAX_CLAIM_LENGTH} characters`
}

/**
 * A token claim's value as the policy reads it: the text (an id as its digits), or undefined when
 * the token does not carry it (absent, null or the empty string, as before types were checked).
 * Returns `{ wrong }` with what was expected when the claim is there but of another type: a
 * number, boolean, list or object for a text claim; anything but 1-20 digits (text, or a
 * non-negative safe integer) for an id; text longer than MAX_CLAIM_LENGTH.
 */
export function claimValue(
  spec: Pick<ClaimSpec, 'type'>,
  raw: unknown,
): { value: string | undefined } | { wrong: string } {
  if (raw === undefined || raw === null || raw === '') return { value: undefined }
  const wrong = { wrong: expectedOf(spec.type) }
  if (spec.type === 'id' && typeof raw === 'number') {
    return Number.isSafeInteger(raw) && raw >= 0 ? { value: String(raw) } : wrong
  }
  if (typeof raw !== 'string' || raw.length > MAX_CLAIM_LENGTH) return wrong
  if (spec.type === 'id' && !/^\d{1,20}$/.test(raw)) return wrong
  return { value: raw }
}
