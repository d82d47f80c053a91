import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { chokepointRules } from '../eslint.chokepoint.config.js'

// Only src/action/runner.ts may print: a new print path around the chokepoint fails `npm run lint`, and
// this test proves the rule catches every way to print (and that it covers all of src/).

const ROOT = fileURLToPath(new URL('..', import.meta.url))

const BYPASSES = [
  "console.log('x')",
  "console.error('x')",
  "globalThis.console.warn('x')",
  "process.stdout.write('x')",
  "process.stderr.write('x')",
  "process['stdout'].write('x')",
  'const { stdout } = process; stdout.write("x")',
  "import { stdout } from 'node:process'; stdout.write('x')",
  "import console from 'node:console'; console.log('x')",
  "import * as core from '@actions/core'; core.info('x')",
  "import { writeSync } from 'node:fs'; writeSync(1, 'x')",
  "import fs from 'node:fs'; fs.writeSync(2, 'x')",
  "import fs from 'node:fs'; fs.appendFileSync('/dev/stdout', 'x')",
  "import fs from 'node:fs'; fs.createWriteStream('/proc/self/fd/1')",
  "process._rawDebug('x')",
]

/** Printing, spelled out (a second line of defence beside the lint rule). */
const PRINTS =
  /\bprocess\s*(\.|\[)\s*['"]?(stdout|stderr)|\bconsole\s*\.\s*(log|error|warn|info|debug|trace|dir|table|group)\b|\{\s*(stdout|stderr)\b|@actions\/core|\/dev\/(stdout|stderr)/

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  )
}

/** The action's sources and core's (the broker prints its own JSON logs: src/broker/log.ts). */
const actionAndCore = () =>
  [join(ROOT, 'src', 'action'), join(ROOT, 'src', 'core')].flatMap((dir) => sourceFiles(dir))

describe('the chokepoint cannot be printed around', () => {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: chokepointRules },
    ],
  })

  it.each(BYPASSES)('lint refuses %s', async (code) => {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, 'src/action/new-mode.ts') })
    expect(result?.messages.map((m) => m.message).join('\n')).toMatch(/Runner|console/)
  })

  it('lint allows ordinary code', async () => {
    const [result] = await eslint.lintText(
      "import { writeSync } from 'node:fs'\nexport const f = (fd: number) => writeSync(fd, 'x')\nexport const o = { out: 1 }",
      { filePath: join(ROOT, 'src/action/new-mode.ts') },
    )
    expect(result?.messages).toEqual([])
  })

  it('the project config applies the rules to every file of the action and core but runner.ts', async () => {
    const project = new ESLint({ cwd: ROOT })
    const files = actionAndCore()
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const config = (await project.calculateConfigForFile(file)) as {
        rules: Record<string, unknown>
      }
      const on = JSON.stringify(config.rules['no-restricted-properties'] ?? 'off').startsWith('[2')
      expect([relative(ROOT, file), on]).toEqual([
        relative(ROOT, file),
        !file.endsWith('runner.ts'),
      ])
    }
  })

  it('no file of the action or core but runner.ts spells out a print', () => {
    for (const file of actionAndCore()) {
      if (file.endsWith(join('src', 'action', 'runner.ts'))) continue
      const text = readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '')
      expect([relative(ROOT, file), PRINTS.exec(text)?.[0]]).toEqual([
        relative(ROOT, file),
        undefined,
      ])
    }
  })
})
