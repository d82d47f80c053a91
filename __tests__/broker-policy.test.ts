import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { MemoryLimiter } from '../src/broker/limits.ts'
import { decide, globPattern, parsePolicy } from '../src/broker/policy.ts'
import { covers } from '../emulator/vast-permissions.ts'
import { CATEGORIES, validatePermissions, type Permissions } from '../src/core/permissions.ts'
import { excessPermissions, permissionsWithin } from '../src/core/permissions-subset.ts'
import { TEST_POLICY } from './support/broker.ts'

const rule = (fields: string) => `version: 1\nrules:\n  - name: r1\n${fields}`
const good = '    match: {repository: octo-org/app}\n    permissions: read-only\n    max-ttl: 1h\n'

describe('the trust policy', () => {
  it('loads the test policy, first rule first', () => {
    const policy = parsePolicy(TEST_POLICY)
    expect(policy.rules.map((r) => r.name)).toEqual([
      'trainer-main',
      'octo-readers',
      'secret-project',
    ])
    const decision = decide(policy, {
      repository: 'octo-org/gpu-trainer',
      ref: 'refs/heads/main',
      event_name: 'push',
    })
    expect(decision).toMatchObject({ allowed: true, rule: { name: 'trainer-main' } })
  })

  it.each([
    ['not YAML', 'version: 1\nrules: [', /not valid YAML/],
    ['no version', 'rules: []', /"version" must be 1/],
    ['no rules', 'version: 1\nrules: []', /non-empty list/],
    ['an unknown top-level field', 'version: 1\nrule: []', /unknown top-level field "rule"/],
    [
      'a rule without a name',
      'version: 1\nrules:\n  - match: {repository: a/b}',
      /rules\[0\], field "name"/,
    ],
    [
      'an unknown rule field',
      rule(good + '    ttl: 1h\n'),
      /rules\[0\] "r1", field "ttl": unknown field/,
    ],
    [
      'no repository',
      rule('    match: {ref: refs/heads/main}\n    permissions: read-only\n    max-ttl: 1h\n'),
      /"r1", field "match": must name "repository"/,
    ],
    [
      'an unknown claim',
      rule(
        '    match: {repository: a/b, actor: bob}\n    permissions: read-only\n    max-ttl: 1h\n',
      ),
      /"actor" is not a claim/,
    ],
    [
      'a repository without owner',
      rule('    match: {repository: app}\n    permissions: read-only\n    max-ttl: 1h\n'),
      /write owner\/name/,
    ],
    [
      'a pattern that is not text',
      rule('    match: {repository: [a/b, 3]}\n    permissions: read-only\n    max-ttl: 1h\n'),
      /"r1", field "match.repository": must be text/,
    ],
    [
      'unknown permissions',
      rule('    match: {repository: a/b}\n    permissions: instance_raed\n    max-ttl: 1h\n'),
      /"r1", field "permissions": .*did you mean instance_read/,
    ],
    [
      'no max-ttl',
      rule('    match: {repository: a/b}\n    permissions: read-only\n'),
      /"r1", field "max-ttl"/,
    ],
    [
      'a max-ttl over 7 days',
      rule('    match: {repository: a/b}\n    permissions: read-only\n    max-ttl: 8d\n'),
      /field "max-ttl": expected a duration from 1m to 7d/,
    ],
    [
      'a sensitive category without allow-sensitive-permissions',
      rule('    match: {repository: a/b}\n    permissions: [misc, user_write]\n    max-ttl: 1h\n'),
      /"r1", field "permissions": it grants user_write, which would let a CI key mint keys/,
    ],
    [
      'a duplicate name',
      `version: 1\nrules:\n  - name: r1\n${good}  - name: r1\n${good}`,
      /rules\[1\]: the name "r1" is used twice/,
    ],
  ])('refuses %s, naming the rule and field', (_name, text, message) => {
    expect(() => parsePolicy(text)).toThrow(message)
  })

  it.each([
    ['*/*', 'repository'],
    ['**', 'repository'],
    ['acme-ml*/*', 'repository'],
    ['?cme/app', 'repository'],
  ])(
    'refuses repository %s (a glob owner: any repository on GitHub) without allow-any-owner',
    (pattern, field) => {
      const text = rule(
        `    match: {repository: "${pattern}"}\n    permissions: read-only\n    max-ttl: 1h\n`,
      )
      expect(() => parsePolicy(text)).toThrow(
        new RegExp(`"r1", field "match.${field}": .*glob in the owner part.*allow-any-owner: true`),
      )
      const allowed = parsePolicy(
        text.replace('max-ttl: 1h', 'max-ttl: 1h\n    allow-any-owner: true'),
      )
      expect(allowed.warnings).toEqual([
        expect.stringMatching(/rule "r1" admits repositories of any owner/),
      ])
      expect(decide(allowed, { repository: 'stranger/app' }).allowed).toBe(
        pattern !== 'acme-ml*/*' && pattern !== '?cme/app',
      )
    },
  )

  it('refuses a repository_owner glob, accepts an owner pinned by repository_owner or its id', () => {
    expect(() =>
      parsePolicy(
        rule(
          '    match: {repository: "*/app", repository_owner: "octo*"}\n    permissions: read-only\n    max-ttl: 1h\n',
        ),
      ),
    ).toThrow(/field "match.repository_owner": "octo\*" has a glob in the owner part/)
    for (const pin of ['repository_owner: octo-org', 'repository_owner_id: 4242']) {
      const policy = parsePolicy(
        rule(
          `    match: {repository: "*/app", ${pin}}\n    permissions: read-only\n    max-ttl: 1h\n`,
        ),
      )
      expect(policy.warnings).toEqual([])
    }
    expect(parsePolicy(rule(good)).warnings).toEqual([])
  })

  it('matches repository_id and repository_owner_id exactly, and refuses globs in them', () => {
    const policy = parsePolicy(
      rule(
        '    match: {repository: octo-org/app, repository_id: [123, "456"]}\n    permissions: read-only\n    max-ttl: 1h\n',
      ),
    )
    expect(decide(policy, { repository: 'octo-org/app', repository_id: '456' }).allowed).toBe(true)
    expect(decide(policy, { repository: 'octo-org/app', repository_id: '789' }).allowed).toBe(false)
    expect(decide(policy, { repository: 'octo-org/app' }).allowed).toBe(false)
    expect(() =>
      parsePolicy(
        rule(
          '    match: {repository: octo-org/app, repository_owner_id: "12*"}\n    permissions: read-only\n    max-ttl: 1h\n',
        ),
      ),
    ).toThrow(/field "match.repository_owner_id": write the number as text/)
  })

  it('warns about patterns that can never match and rules that never decide', () => {
    const policy = parsePolicy(`version: 1
rules:
  - name: wide
    match: {repository: octo-org/*}
    permissions: read-only
    max-ttl: 1h
  - name: shadowed
    match: {repository: octo-org/app, ref: refs/heads/main}
    permissions: instance-manager
    max-ttl: 1h
  - name: short-ref
    match: {repository: other/app, ref: main, event_name: Push}
    permissions: read-only
    max-ttl: 1h
  - name: contradiction
    match: {repository: other/app, repository_owner: someone-else}
    permissions: read-only
    max-ttl: 1h
`)
    expect(policy.warnings).toEqual([
      expect.stringMatching(/rule "shadowed" never decides: rule "wide" comes first/),
      expect.stringMatching(/rule "short-ref": ref "main" can never match: .*"refs\/heads\/main"/),
      expect.stringMatching(/rule "short-ref": event_name "Push" can never match: .*"push"/),
      expect.stringMatching(
        /rule "contradiction" can never match: repository_owner someone-else is not the owner/,
      ),
    ])
    expect(parsePolicy(TEST_POLICY).warnings).toEqual([])
  })

  it('matches repository and repository_owner without case, like GitHub; refs exactly', () => {
    const policy = parsePolicy(
      rule(
        '    match: {repository: octo-org/app, repository_owner: octo-org, ref: refs/heads/main}\n    permissions: read-only\n    max-ttl: 1h\n',
      ),
    )
    const claims = {
      repository: 'Octo-Org/App',
      repository_owner: 'Octo-Org',
      ref: 'refs/heads/main',
    }
    expect(decide(policy, claims).allowed).toBe(true)
    expect(decide(policy, { ...claims, ref: 'refs/heads/Main' }).allowed).toBe(false)
  })

  it('grants a sensitive category only with allow-sensitive-permissions: true', () => {
    const policy = parsePolicy(
      rule(
        '    match: {repository: a/b}\n    permissions: [misc, billing_write]\n    max-ttl: 1h\n    allow-sensitive-permissions: true\n',
      ),
    )
    expect(Object.keys(policy.rules[0]?.permissions.api ?? {})).toEqual(['billing_write', 'misc'])
  })

  it('globs: * stays within one path segment, ** crosses them, the rest is literal', () => {
    expect(globPattern('octo-org/*').test('octo-org/app')).toBe(true)
    expect(globPattern('octo-org/*').test('octo-org/app/x')).toBe(false)
    expect(globPattern('octo-org/*').test('octo-orgX/app')).toBe(false)
    expect(globPattern('refs/heads/**').test('refs/heads/a/b')).toBe(true)
    expect(globPattern('a.b/c').test('aXb/c')).toBe(false)
    expect(globPattern('release-?').test('release-1')).toBe(true)
  })

  it('a pattern with regular-expression characters matches only itself (generated)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }).filter((s) => !/[*?]/.test(s)),
        fc.string({ maxLength: 20 }),
        (literal, other) => {
          const pattern = globPattern(literal)
          expect(pattern.test(literal)).toBe(true)
          if (other !== literal) expect(pattern.test(other)).toBe(false)
        },
      ),
    )
  })
})

const permissionsArb: fc.Arbitrary<Permissions> = fc
  .dictionary(
    fc.constantFrom(...CATEGORIES),
    fc.oneof(
      fc.constant({}),
      fc.dictionary(
        fc.constantFrom('create', 'destroy', 'read'),
        fc.oneof(
          fc.constant({}),
          fc.record({
            constraints: fc.record({ id: fc.record({ eq: fc.integer({ min: 1, max: 3 }) }) }),
          }),
        ),
        { minKeys: 1, maxKeys: 2 },
      ),
    ),
    { minKeys: 1, maxKeys: 4 },
  )
  .map((api) => validatePermissions({ api }))

describe('permissionsWithin', () => {
  it('agrees with the subset rule the Vast emulator applies (generated)', () => {
    fc.assert(
      fc.property(permissionsArb, permissionsArb, (granted, requested) => {
        expect(permissionsWithin(granted, requested)).toBe(covers(granted, requested))
        expect(permissionsWithin(granted, granted)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('names what goes beyond the grant', () => {
    const granted = validatePermissions({ api: { misc: {}, instance_write: { create: {} } } })
    const requested = validatePermissions({
      api: { misc: {}, instance_write: { create: {}, destroy: {} }, billing_write: {} },
    })
    expect(excessPermissions(granted, requested)).toEqual([
      'billing_write',
      'instance_write.destroy',
    ])
  })
})

describe('the limiter', () => {
  it('allows the burst, then one request per refill interval, per key', () => {
    let now = 0
    const limiter = new MemoryLimiter({ perMinute: 6, burst: 2 }, () => now)
    expect(limiter.take('a').allowed).toBe(true)
    expect(limiter.take('a').allowed).toBe(true)
    const refused = limiter.take('a')
    expect(refused).toEqual({ allowed: false, retryAfterMs: 10_000 })
    expect(limiter.take('b').allowed).toBe(true)
    now = 10_000
    expect(limiter.take('a').allowed).toBe(true)
    expect(limiter.take('a').allowed).toBe(false)
  })
})
