import { errors, jwtVerify, type JWTPayload } from 'jose'
import { issuerKeys, JwksUnavailable, type IssuerKeys } from './jwks.ts'
import { claimValue, MAX_CLAIM_LENGTH, POLICY_CLAIMS, type Claims } from './claims.ts'

/**
 * Checks a GitHub Actions OIDC token before any policy runs: RS256 only, signed by a key the
 * issuer publishes (JWKS fetched and cached; refetched at once on an unknown `kid`, bounded:
 * src/broker/jwks.ts), the configured issuer and audience, `exp`, `nbf` and `iat` present and within 60 s of
 * skew, the claims a key name needs, and the type of every claim a policy matches on
 * (src/broker/claims.ts: text, or a numeric id). Facts about the tokens: GitHub's "About security
 * hardening with OpenID Connect" (issuer `https://token.actions.githubusercontent.com`, JWKS at
 * `<issuer>/.well-known/jwks`, claims `repository`, `run_id`, `run_attempt`, ...).
 */

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
/** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. */
export const CLOCK_TOLERANCE_S = 60
/** A token older than this (by `iat`) is refused even before its `exp`. */
export const MAX_TOKEN_AGE = '1h'

export interface VerifierOptions {
  issuer: string
  audience: string
  /** Default `<issuer>/.well-known/jwks`. */
  jwksUrl?: string
  /** The issuer's keys (default: fetched from jwksUrl, src/broker/jwks.ts). */
  keys?: IssuerKeys
  /** The clock the time claims are checked against (tests move it); default the system clock. */
  now?: () => Date
}

/** The identity a verified token carries: the claims policy and key names read. */
export interface JobIdentity extends Claims {
  repository: string
  runId: string
  runAttempt: string
}

/**
 * A token that was refused (`status` 401), or could not be checked now (503: the issuer's keys
 * could not be read). `message` says what to fix and never quotes the token.
 */
export class TokenError extends Error {
  readonly status: 401 | 503
  constructor(message: string, status: 401 | 503 = 401) {
    super(message)
    this.status = status
  }
}

export type TokenVerifier = (token: string) => Promise<JobIdentity>

/** A verifier bound to one issuer, audience and JWKS cache (one per broker process). */
export function createVerifier(options: VerifierOptions): TokenVerifier {
  const keys = (options.keys ?? issuerKeys({ url: jwksUrlOf(options) })).getKey
  return async (token: string) => {
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
      throw new TokenError("the bearer token is not a JWT; send the job's GitHub OIDC token")
    }
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_S,
        maxTokenAge: MAX_TOKEN_AGE,
        requiredClaims: ['exp', 'iat', 'nbf', 'repository', 'run_id', 'run_attempt'],
        ...(options.now ? { currentDate: options.now() } : {}),
      }))
    } catch (error) {
      const unavailable =
        error instanceof JwksUnavailable ||
        error instanceof errors.JWKSTimeout ||
        error instanceof errors.JWKSInvalid ||
        !(error instanceof errors.JOSEError)
      throw new TokenError(explain(error, options), unavailable ? 503 : 401)
    }
    return identity(payload)
  }
}

/** Where the issuer's keys are: `jwksUrl`, or `<issuer>/.well-known/jwks`. */
export function jwksUrlOf(options: Pick<VerifierOptions, 'issuer' | 'jwksUrl'>): URL {
  return new URL(options.jwksUrl ?? `${options.issuer.replace(/\/+$/, '')}/.well-known/jwks`)
}

/**
 * The job's identity from a verified payload. Raises TokenError (401) for a `repository` that is
 * not owner/name, a `run_id` or `run_attempt` that is not a number, or a policy claim
 * (src/broker/claims.ts) of the wrong type: `the token's "<claim>" claim is not <expected>`.
 */
function identity(payload: JWTPayload): JobIdentity {
  const text = (name: string) => {
    const value = payload[name]
    return typeof value === 'string' && value.length > 0 && value.length <= MAX_CLAIM_LENGTH
      ? value
      : undefined
  }
  const repository = text('repository')
  const runId = text('run_id')
  const runAttempt = text('run_attempt')
  if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    throw new TokenError('the token\'s "repository" claim is not owner/name')
  }
  if (!runId || !/^\d{1,20}$/.test(runId) || !runAttempt || !/^\d{1,6}$/.test(runAttempt)) {
    throw new TokenError('the token\'s "run_id" or "run_attempt" claim is not a number')
  }
  const found: JobIdentity = { repository, runId, runAttempt }
  for (const spec of POLICY_CLAIMS) {
    if (spec.name === 'repository') continue
    const read = claimValue(spec, payload[spec.name])
    if ('wrong' in read) {
      throw new TokenError(`the token's "${spec.name}" claim is not ${read.wrong}`)
    }
    if (read.value !== undefined) found[spec.name] = read.value
  }
  return found
}

function explain(error: unknown, options: VerifierOptions): string {
  if (error instanceof errors.JWTExpired) {
    return error.claim === 'iat'
      ? `the token was issued more than ${MAX_TOKEN_AGE} ago; ask the runner for a fresh one`
      : 'the token has expired; ask the runner for a fresh one (tokens last minutes: request it just before calling the broker)'
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing')
      return `the token has no "${error.claim}" claim; send a GitHub Actions OIDC token`
    switch (error.claim) {
      case 'aud':
        return `the token's audience is not this broker's; ask for a token with audience "${options.audience}" (broker-audience)`
      case 'iss':
        return `the token was not issued by ${options.issuer}; send a GitHub Actions OIDC token from that issuer`
      case 'nbf':
        return 'the token is not valid yet (nbf is in the future); check the clocks'
      case 'iat':
        return 'the token says it was issued in the future; check the clocks'
      default:
        return `the token's "${error.claim}" claim is not acceptable`
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return 'the token is not signed with RS256; only RS256 tokens from the issuer are accepted'
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return 'the token is signed with a key the issuer does not publish (unknown kid)'
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return "the token's signature does not verify against the issuer's keys"
  }
  if (
    error instanceof JwksUnavailable ||
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid
  ) {
    return "the broker could not read the issuer's keys (JWKS); try again later"
  }
  if (error instanceof errors.JOSEError)
    return "the token is malformed; send the job's GitHub OIDC token"
  return 'the broker could not check the token; try again later'
}
