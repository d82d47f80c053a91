import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { KEY, parse, problems, valid } from './support/inputs.ts'

// The inputs of delete and sweep mode (force; github-token and github-api-url, shared with
// rotate mode).

describe('parseInputs, delete and sweep modes', () => {
  it('reads delete mode without permissions', async () => {
    const { settings } = await parse({ 'admin-api-key': KEY, mode: 'delete', 'key-id': '1227' })
    expect(settings).toMatchObject({ mode: 'delete', keyId: 1227 })
  })

  it.each([
    [{ 'key-id': '' }, /required in delete mode/],
    [{ 'key-id': 'abc' }, /'abc' is not a key id/],
    [{ 'key-id': '0' }, /'0' is not a key id/],
    [{ 'key-id': '12.5' }, /not a key id/],
  ])('refuses delete mode with %j', async (override, message) => {
    const found = await problems({ 'admin-api-key': KEY, mode: 'delete', ...override })
    expect(found).toEqual([expect.stringMatching(/^Input 'key-id': /)])
    expect(found[0]).toMatch(message)
  })

  it('reads sweep mode with its defaults', async () => {
    const { settings } = await parse({ 'admin-api-key': KEY, mode: 'sweep' })
    expect(settings).toMatchObject({
      mode: 'sweep',
      scope: 'repository',
      graceMs: 0,
      dryRun: false,
      budgetMs: 600_000,
    })
  })

  it('reads every sweep input', async () => {
    const { settings } = await parse({
      'admin-api-key': KEY,
      mode: 'sweep',
      'sweep-scope': 'account',
      grace: '1h',
      'dry-run': 'true',
      'sweep-budget': '2m',
    })
    expect(settings).toMatchObject({
      scope: 'account',
      graceMs: 3_600_000,
      dryRun: true,
      budgetMs: 120_000,
    })
  })

  it.each([
    [{ 'sweep-scope': 'org' }, 'sweep-scope', /use one of: repository, account/],
    [{ grace: 'later' }, 'grace', /not a duration/],
    [{ 'dry-run': 'maybe' }, 'dry-run', /not a boolean/],
    [{ 'sweep-budget': '0s' }, 'sweep-budget', /out of range/],
  ])('refuses sweep mode with %j', async (override, input, message) => {
    const found = await problems({ 'admin-api-key': KEY, mode: 'sweep', ...override })
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(new RegExp(`^Input '${input}': `))
    expect(found[0]).toMatch(message)
  })
})

describe('force, and github-token in sweep and rotate mode (issue 10)', () => {
  it('reads force in delete mode, and warns about it in other modes', async () => {
    const del = await parse({
      ...valid,
      permissions: '',
      mode: 'delete',
      'key-id': '7',
      force: 'true',
    })
    expect(del.settings).toMatchObject({ mode: 'delete', keyId: 7, force: true })
    const create = await parse({ ...valid, force: 'true' })
    expect(create.settings.warnings.join('\n')).toMatch(/Input 'force' is ignored in create mode/)
    expect(await problems({ ...valid, mode: 'delete', 'key-id': '7', force: 'yes' })).toEqual([
      expect.stringMatching(/force.*'yes' is not a boolean/),
    ])
  })

  it('checks github-token alike in sweep and rotate mode: short is refused, never masked', async () => {
    const rotate = {
      mode: 'rotate',
      'key-name': 'ci-deploy',
      permissions: 'instance_read',
      'secret-name': 'VAST_KEY',
    }
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }).filter((t) => /^[A-Za-z0-9_]+$/.test(t)),
        fc.constantFrom({ mode: 'sweep' }, rotate),
        async (token, mode) => {
          const inputs = { 'admin-api-key': KEY, ...mode, 'github-token': token }
          if (token.length < 20) {
            expect(await problems(inputs)).toEqual([
              expect.stringMatching(/^Input 'github-token': it is only \d+ characters long/),
            ])
          } else {
            expect((await parse(inputs)).masked).toContain(token)
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('reads github-token (masked) and github-api-url in sweep mode', async () => {
    const { settings, masked } = await parse({
      'admin-api-key': KEY,
      mode: 'sweep',
      'github-token': 'ghs_token_value_of_forty_characters_xyz1',
      'github-api-url': 'https://ghes.example.com/api/v3',
    })
    if (settings.mode !== 'sweep') throw new Error('expected sweep settings')
    expect(masked).toContain('ghs_token_value_of_forty_characters_xyz1')
    expect(settings.githubToken?.reveal()).toBe('ghs_token_value_of_forty_characters_xyz1')
    expect(settings.githubApiUrl).toBe('https://ghes.example.com/api/v3')
    expect(settings.warnings).toEqual([])
    expect(
      await problems({ 'admin-api-key': KEY, mode: 'sweep', 'github-api-url': 'ftp://x' }),
    ).toEqual([expect.stringMatching(/github-api-url/)])
    // the same checks as in rotate mode: one line, long enough to be a token
    expect(
      await problems({ 'admin-api-key': KEY, mode: 'sweep', 'github-token': 'ghs_short' }),
    ).toEqual([expect.stringMatching(/^Input 'github-token': it is only 9 characters long/)])
    expect(
      await problems({ 'admin-api-key': KEY, mode: 'sweep', 'github-token': `${KEY}\nx` }),
    ).toEqual([expect.stringMatching(/^Input 'github-token': it contains whitespace/)])
  })

  it('runs a sweep without github-token as before', async () => {
    const { settings } = await parse({ 'admin-api-key': KEY, mode: 'sweep' })
    if (settings.mode !== 'sweep') throw new Error('expected sweep settings')
    expect(settings.githubToken).toBeUndefined()
  })
})
