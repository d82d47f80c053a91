import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  claimValue,
  ID_CLAIMS,
  MATCH_CLAIMS,
  MAX_CLAIM_LENGTH,
  POLICY_CLAIMS,
} from '../src/broker/claims.ts'
import { decide, parsePolicy } from '../src/broker/policy.ts'
import { policySchema } from '../src/broker/policy-schema.ts'
import { createVerifier, TokenError, type TokenVerifier } from '../src/broker/token.ts'
import { OidcEmulator } from '../emulator/oidc.ts'
import { jobClaims } from './support/broker.ts'

// The claims a policy may match on are listed once (src/broker/claims.ts): the parser, the token
// check, the JSON Schema and docs/broker.md follow that list, and the token check refuses a claim
// of the wrong type, naming it and what was expected.

const AUDIENCE = 'https://vast-broker.example'
let oidc: OidcEmulator
let verify: TokenVerifier

beforeAll(async () => {
  oidc = await OidcEmulator.start()
  verify = createVerifier({ issuer: oidc.issuer, audience: AUDIENCE })
})
afterAll(async () => {
  await oidc.close()
})

const sign = (claims: Record<string, unknown>) =>
  oidc.sign(jobClaims(claims), { audience: AUDIENCE })

describe('one list of policy claims', () => {
  const broker = readFileSync(new URL('../docs/broker.md', import.meta.url), 'utf8')

  it("docs/broker.md's match row lists exactly these claims, the ids as numeric ids", () => {
    const row = /^\| `match` +\|([^\n]*)\|$/m.exec(broker)?.[1] ?? ''
    const listed = row.slice(row.indexOf('to patterns'), row.indexOf('. '))
    expect([...listed.matchAll(/`([a-z_]+)`/g)].map((m) => m[1])).toEqual([...MATCH_CLAIMS])
    expect(listed).toContain(`${ID_CLAIMS.map((c) => `\`${c}\``).join(', ')} (numeric ids`)
  })

  it("docs/broker.md's example refusal lists them as the parser does", () => {
    expect(broker.replace(/\s+/g, ' ')).toContain(
      `is not a claim the broker matches on; use ${MATCH_CLAIMS.join(', ')}\``,
    )
    expect(() => parsePolicy('version: 1\nrules:\n  - {name: r, match: {actor: x}}')).toThrow(
      `use ${MATCH_CLAIMS.join(', ')}`,
    )
  })

  it('the JSON Schema takes its claims and their types from the list', () => {
    const rules = (policySchema().properties as { rules: { items: unknown } }).rules.items as {
      properties: { match: { properties: Record<string, unknown> } }
    }
    const match = rules.properties.match.properties
    expect(Object.keys(match)).toEqual([...MATCH_CLAIMS])
    for (const { name, type } of POLICY_CLAIMS)
      expect([name, JSON.stringify(match[name]).includes('\\\\d{1,20}')]).toEqual([
        name,
        type === 'id',
      ])
  })
})

describe('the token check reads every policy claim by its type', () => {
  it('reads text claims and ids given as digits; an id GitHub would send as a number is its digits', async () => {
    const identity = await verify(
      await sign({ repository_id: '74', repository_owner_id: 65, environment: 'prod' }),
    )
    expect(identity).toMatchObject({
      repository: 'octo-org/gpu-trainer',
      repository_owner: 'octo-org',
      repository_id: '74',
      repository_owner_id: '65',
      ref: 'refs/heads/main',
      environment: 'prod',
      event_name: 'push',
    })
    const policy = parsePolicy(
      'version: 1\nrules:\n  - {name: pinned, match: {repository: octo-org/gpu-trainer, repository_owner_id: 65}, permissions: read-only, max-ttl: 1h}',
    )
    expect(decide(policy, identity)).toMatchObject({ allowed: true })
  })

  it('an absent, null or empty claim is absent (environment outside an environment)', async () => {
    const identity = await verify(await sign({ environment: null, job_workflow_ref: '' }))
    expect(identity.environment).toBeUndefined()
    expect(identity.job_workflow_ref).toBeUndefined()
  })

  it('refuses a claim of the wrong type, naming the claim and what was expected (generated)', async () => {
    const wrongText = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 3 }),
      fc.dictionary(fc.constantFrom('value', 'ref', 'a'), fc.string(), { noNullPrototype: true }),
      fc.constant('x'.repeat(MAX_CLAIM_LENGTH + 1)),
    )
    const wrongId = fc.oneof(
      fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/^\d{1,20}$/.test(s)),
      fc
        .double({ noNaN: true, noDefaultInfinity: true })
        .filter((n) => !(Number.isSafeInteger(n) && n >= 0)),
      fc.boolean(),
      fc.array(fc.nat(), { minLength: 1, maxLength: 2 }),
    )
    const claim = fc.constantFrom(...POLICY_CLAIMS.filter(({ name }) => name !== 'repository'))
    await fc.assert(
      fc.asyncProperty(
        claim.chain((spec) =>
          fc.tuple(fc.constant(spec), spec.type === 'id' ? wrongId : wrongText),
        ),
        async ([spec, value]) => {
          const refused = await verify(await sign({ [spec.name]: value })).then(
            () => undefined,
            (error: unknown) => error,
          )
          expect(refused).toBeInstanceOf(TokenError)
          expect((refused as TokenError).status).toBe(401)
          expect((refused as TokenError).message).toBe(
            `the token's "${spec.name}" claim is not ${spec.type === 'id' ? 'a numeric id (digits, such as "123456789")' : `text of at most ${MAX_CLAIM_LENGTH} characters`}`,
          )
        },
      ),
      { numRuns: 60 },
    )
  })

  it('claimValue: the rules of each type, one by one', () => {
    expect(claimValue({ type: 'id' }, '0042')).toEqual({ value: '0042' })
    expect(claimValue({ type: 'id' }, 7)).toEqual({ value: '7' })
    expect(claimValue({ type: 'id' }, -7)).toHaveProperty('wrong')
    expect(claimValue({ type: 'id' }, 1.5)).toHaveProperty('wrong')
    expect(claimValue({ type: 'id' }, '1'.repeat(21))).toHaveProperty('wrong')
    expect(claimValue({ type: 'text' }, 7)).toHaveProperty('wrong')
    expect(claimValue({ type: 'text' }, 'x'.repeat(MAX_CLAIM_LENGTH))).toHaveProperty('value')
    expect(claimValue({ type: 'text' }, undefined)).toEqual({ value: undefined })
  })
})
