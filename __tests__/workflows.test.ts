import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import {
  ROOT,
  lintAction,
  lintWorkflow,
  parserErrors,
  pinProblems,
  workflowFiles,
} from '../scripts/workflow-lint.ts'

// Every workflow and action.yml parses with GitHub's own parser (@actions/workflow-parser) without
// a single error, and keeps the repository's rules (pinned actions, permissions, timeouts). The
// broken examples prove the checks can fail.

const { workflows, actions } = workflowFiles()
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')

describe('GitHub workflow parser', () => {
  it('finds the workflows and actions', () => {
    expect(workflows).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/codeql.yml',
        '.github/workflows/release.yml',
        '.github/workflows/self-test.yml',
      ]),
    )
    expect(actions).toContain('action.yml')
  })

  it.each(workflows)('%s parses without errors and keeps the rules', async (file) => {
    expect(await lintWorkflow(file, read(file))).toEqual([])
  })

  it.each(actions)('%s parses without errors', async (file) => {
    expect(await lintAction(file, read(file))).toEqual([])
  })

  it("accepts every workflow example of the README and docs/ (GitHub's parser, as a user would paste it)", async () => {
    const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)]
    const examples = pages.flatMap((page) =>
      [...read(page).matchAll(/```yaml\n([\s\S]*?)```/g)]
        .map((m, i) => ({ page, i, block: m[1] ?? '' }))
        .filter(({ block }) => /^jobs:/m.test(block)),
    )
    expect(examples.filter((e) => e.page === 'README.md').length).toBeGreaterThanOrEqual(4)
    for (const { page, i, block } of examples) {
      const workflow = /^on:/m.test(block) ? block : `on: push\n${block}`
      const example = `${page} example ${i}`
      expect({ example, errors: await parserErrors(example, workflow) }).toEqual({
        example,
        errors: [],
      })
    }
    // And the README's warning holds: unquoted JSON permissions are refused.
    const unquoted =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: o/r@v1\n        with:\n          permissions: {"api":{"instance_read":{}}}\n'
    expect((await parserErrors('unquoted.yml', unquoted)).join('\n')).toMatch(
      /A mapping was not expected/,
    )
  })

  it('reports a bad expression, an unknown key, a missing timeout and an unpinned action', async () => {
    const bad = [
      'on: push',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo ${{ github.sha( }}',
      '        bogus: 1',
      '      - uses: actions/checkout@v7',
      '',
    ].join('\n')
    const problems = (await lintWorkflow('bad.yml', bad)).join('\n')
    expect(problems).toMatch(/Line: 7.*Unexpected symbol/)
    expect(problems).toMatch(/Unexpected value 'bogus'/)
    expect(problems).toMatch(/job a has no timeout-minutes/)
    expect(problems).toMatch(/actions\/checkout@v7 is not pinned/)
  })

  it('reports a bad action.yml: an unknown runtime and a broken default expression', async () => {
    const bad =
      'name: x\ndescription: y\ninputs:\n  a:\n    default: ${{ github.sha( }}\nruns:\n  using: node99\n  main: a.js\n'
    const problems = (await lintAction('action.yml', bad)).join('\n')
    expect(problems).toMatch(/Unexpected value 'node99'/)
    expect(problems).toMatch(/Line: 5.*Unexpected symbol/)
  })

  it('wants a version comment after a SHA, and local actions that exist', () => {
    const sha = 'a'.repeat(40)
    expect(pinProblems('w.yml', `      - uses: actions/checkout@${sha} # v7.0.1\n`)).toEqual([])
    expect(pinProblems('w.yml', `      - uses: actions/checkout@${sha}\n`)).toEqual([
      `w.yml:1: actions/checkout@${sha} needs its version as a comment (# v1.2.3)`,
    ])
    expect(pinProblems('w.yml', '      - uses: ./no/such/action\n')).toEqual([
      'w.yml:1: local action ./no/such/action does not exist',
    ])
  })
})
