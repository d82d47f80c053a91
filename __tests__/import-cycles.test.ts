import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from '@jest/globals'

// No import cycles (docs/development.md): `npm run lint` ends with `npm run lint:cycles`,
// dependency-cruiser with depcruise.config.js over every folder of TypeScript. This test runs the
// same command on small trees written for it, to prove that a cycle is caught (two files, three,
// one closed by a dynamic import(), one made of type-only imports) and a tree without one is not,
// and that lint:cycles covers every folder that holds TypeScript.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CLI = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs')
const scratch = mkdtempSync(join(tmpdir(), 'vsk-cycles-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Writes one case's files into a folder of its own and cruises it as lint:cycles does. */
async function cruise(name: string, files: Record<string, string>) {
  const dir = join(scratch, name)
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  return new Promise<{ failed: boolean; out: string }>((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'src', '--config', join(ROOT, 'depcruise.config.js')],
      { cwd: dir },
      (error, stdout, stderr) => resolve({ failed: error !== null, out: `${stdout}${stderr}` }),
    )
  })
}

describe('no import cycles', () => {
  it('lint:cycles refuses a two-file cycle and names both files', async () => {
    const { failed, out } = await cruise('two', {
      'src/policy.ts': "import { warn } from './lint.ts'\nexport const RULES = [warn]\n",
      'src/lint.ts':
        "import { RULES } from './policy.ts'\nexport const warn = () => RULES.length\n",
    })
    expect(failed).toBe(true)
    expect(out).toMatch(/error no-circular: src\/(policy|lint)\.ts → \s*src\/(lint|policy)\.ts/)
  })

  it.each([
    [
      'through a third file',
      {
        'src/a.ts': "import { b } from './b.ts'\nexport const a = () => b()\n",
        'src/b.ts': "import { c } from './sub/c.ts'\nexport const b = () => c()\n",
        'src/sub/c.ts': "import { a } from '../a.ts'\nexport const c = () => a\n",
      },
    ],
    [
      'closed by a dynamic import()',
      {
        'src/rotate.ts':
          "export const run = async () => (await import('./dry-run.ts')).plan()\nexport const ID = 1\n",
        'src/dry-run.ts': "import { ID } from './rotate.ts'\nexport const plan = () => ID\n",
      },
    ],
    [
      'of type-only imports',
      {
        'src/rotate.ts':
          "import type { Plan } from './dry-run.ts'\nexport interface Deps { plan: Plan }\n",
        'src/dry-run.ts':
          "import type { Deps } from './rotate.ts'\nexport type Plan = (deps: Deps) => void\n",
      },
    ],
  ])('lint:cycles refuses a cycle %s', async (name, files) => {
    const { failed, out } = await cruise(name.replace(/\W+/g, '-'), files)
    expect([failed, /error no-circular/.test(out)]).toEqual([true, true])
  })

  it('lint:cycles passes a tree without a cycle (the shared piece in a file of its own)', async () => {
    const { failed, out } = await cruise('tree', {
      'src/rule.ts':
        "export interface Rule { name: string }\nexport const CLAIMS = ['repository']\n",
      'src/policy.ts':
        "import { CLAIMS, type Rule } from './rule.ts'\nimport { warn } from './lint.ts'\nexport const rules: Rule[] = []\nexport const w = warn(rules, CLAIMS)\n",
      'src/lint.ts':
        "import type { Rule } from './rule.ts'\nexport const warn = (r: Rule[], c: string[]) => r.length + c.length\n",
    })
    expect({ failed, out }).toEqual({
      failed: false,
      out: expect.stringContaining('no dependency violations'),
    })
  })

  it('lint runs lint:cycles, over every top-level folder that holds TypeScript', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    expect(scripts.lint).toContain('npm run --silent lint:cycles')
    const folders = (scripts['lint:cycles'] ?? '').split(' ').slice(1, -2)
    const withTypeScript = readdirSync(ROOT, { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() &&
          !['node_modules', 'dist', 'coverage'].includes(entry.name) &&
          !entry.name.startsWith('.'),
      )
      .map((entry) => entry.name)
      .filter((dir) =>
        readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).some(
          (file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.includes('fixtures'),
        ),
      )
    expect(folders.sort()).toEqual(withTypeScript.sort())
  })
})
