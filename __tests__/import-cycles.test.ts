import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from '@jest/globals'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { cycleConfig } from '../eslint.cycles.config.js'

// No import cycles (docs/development.md): `npm run lint` refuses a file that imports, directly or
// through others, a file that imports it (eslint.cycles.config.js, eslint-plugin-import-x's
// no-cycle). This test lints small trees of files written for it, to prove a cycle is caught and a
// tree without one is not, and checks that the project's config applies the rule everywhere.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'vsk-cycles-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Writes the files of one case into a folder of its own and lints them with the cycle rule only. */
async function lint(name: string, files: Record<string, string>): Promise<string[]> {
  const dir = join(scratch, name)
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, ...cycleConfig },
    ],
  })
  const results = await eslint.lintFiles(Object.keys(files).map((file) => join(dir, file)))
  return results.flatMap((result) =>
    result.messages.map((m) => `${relative(dir, result.filePath)}: ${m.ruleId} ${m.message}`),
  )
}

describe('no import cycles', () => {
  it('lint refuses a two-file cycle, in both files', async () => {
    expect(
      await lint('two', {
        'policy.ts': "import { warn } from './lint.ts'\nexport const RULES = [warn]\n",
        'lint.ts': "import { RULES } from './policy.ts'\nexport const warn = () => RULES.length\n",
      }),
    ).toEqual([
      'policy.ts: import-x/no-cycle Dependency cycle detected',
      'lint.ts: import-x/no-cycle Dependency cycle detected',
    ])
  })

  it('lint refuses a cycle through a third file, and one closed by a dynamic import()', async () => {
    const three = await lint('three', {
      'a.ts': "import { b } from './b.ts'\nexport const a = () => b()\n",
      'b.ts': "import { c } from './sub/c.ts'\nexport const b = () => c()\n",
      'sub/c.ts': "import { a } from '../a.ts'\nexport const c = () => a\n",
    })
    expect(three).toHaveLength(3)
    expect(three.every((line) => line.includes('import-x/no-cycle'))).toBe(true)
    const dynamic = await lint('dynamic', {
      'rotate.ts':
        "export const run = async () => (await import('./dry-run.ts')).plan()\nexport const ID = 1\n",
      'dry-run.ts': "import { ID } from './rotate.ts'\nexport const plan = () => ID\n",
    })
    expect(dynamic).toEqual([
      'rotate.ts: import-x/no-cycle Dependency cycle detected',
      'dry-run.ts: import-x/no-cycle Dependency cycle detected',
    ])
  })

  it('lint allows a tree without a cycle (a shared piece in a file of its own)', async () => {
    expect(
      await lint('tree', {
        'rule.ts': 'export interface Rule { name: string }\nexport const CLAIMS = ["repository"]\n',
        'policy.ts':
          "import { CLAIMS, type Rule } from './rule.ts'\nimport { warn } from './lint.ts'\nexport const rules: Rule[] = []\nexport const w = warn(rules, CLAIMS)\n",
        'lint.ts':
          "import type { Rule } from './rule.ts'\nexport const warn = (r: Rule[], c: string[]) => r.length + c.length\n",
      }),
    ).toEqual([])
  })

  it('the project config applies the rule to every TypeScript file', async () => {
    const project = new ESLint({ cwd: ROOT })
    const files = [
      'src/broker/policy.ts',
      'src/action/modes/rotate.ts',
      'src/core/duration.ts',
      'emulator/github-runs.ts',
      'harness/runner.ts',
      'scripts/demo.ts',
      '__tests__/layout.test.ts',
    ]
    for (const file of files) {
      const config = (await project.calculateConfigForFile(join(ROOT, file))) as {
        rules: Record<string, unknown>
      }
      expect([file, JSON.stringify(config.rules['import-x/no-cycle'])]).toEqual([
        file,
        expect.stringMatching(/^\[2/),
      ])
    }
  })
})
