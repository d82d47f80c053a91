// `npm run docs:tables`: the inputs and outputs tables of README.md and docs/inputs.md, generated
// from action.yml and written between their markers. `-- --check` writes nothing and exits 1 when
// a file differs from what action.yml gives (__tests__/docs-tables.test.ts checks the same).
// A new input or output appears in the docs by running this script: never edit the tables by hand.

import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { parse as parseYaml } from 'yaml'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

interface Entry {
  name: string
  description: string
  default: string
}

/** The inputs and outputs of an action.yml text, in file order, descriptions on one line. */
export function readInterface(actionYml: string): { inputs: Entry[]; outputs: Entry[] } {
  const doc = parseYaml(actionYml) as {
    inputs?: Record<string, { description?: string; default?: unknown }>
    outputs?: Record<string, { description?: string }>
  }
  const entries = (map: Record<string, { description?: string; default?: unknown }> = {}) =>
    Object.entries(map).map(([name, spec]) => ({
      name,
      description: (spec.description ?? '').replace(/\s+/g, ' ').trim(),
      default:
        spec.default === undefined
          ? ''
          : typeof spec.default === 'string'
            ? spec.default
            : JSON.stringify(spec.default),
    }))
  return { inputs: entries(doc.inputs), outputs: entries(doc.outputs) }
}

/**
 * The first sentence of a description (a period, then a space and a capital or a backtick, outside
 * parentheses), cut at a word to at most `max` characters with "…" when longer.
 */
export function firstSentence(description: string, max = 110): string {
  let depth = 0
  let end = description.length
  for (let i = 0; i < description.length; i++) {
    const c = description[i]
    if (c === '(') depth++
    else if (c === ')') depth = Math.max(0, depth - 1)
    else if (
      c === '.' &&
      depth === 0 &&
      /^ [A-Z`]/.test(description.slice(i + 1, i + 3)) &&
      !/\b(e\.g|i\.e)$/.test(description.slice(0, i))
    ) {
      end = i + 1
      break
    }
  }
  const sentence = description.slice(0, end)
  if (sentence.length <= max) return sentence
  let cut = sentence.slice(0, max).replace(/\s+\S*$/, '')
  // never leave a parenthesis or a backtick span open: cut before the first one left open
  const opens: number[] = []
  let tick = -1
  for (let i = 0; i < cut.length; i++) {
    if (cut[i] === '`') tick = tick < 0 ? i : -1
    else if (tick < 0 && cut[i] === '(') opens.push(i)
    else if (tick < 0 && cut[i] === ')') opens.pop()
  }
  const openAt = Math.min(opens[0] ?? cut.length, tick < 0 ? cut.length : tick)
  cut = cut.slice(0, openAt).replace(/[\s,;:]+$/, '')
  return `${cut} …`
}

const cell = (text: string) => text.replaceAll('|', '\\|')
const code = (text: string) => (text === '' ? '' : `\`${text}\``)

/** A default as the README's short table shows it: `${{ strategy.job-total }}` as the context. */
const shortDefault = (text: string) => code(/^\$\{\{\s*(.+?)\s*\}\}$/.exec(text)?.[1] ?? text)

async function prettierMarkdown(text: string): Promise<string> {
  const config = (await resolveConfig(`${ROOT}README.md`)) ?? {}
  return format(text, { ...config, parser: 'markdown' })
}

/** What goes between each pair of markers, keyed by file and marker name. */
export async function generated(
  actionYml: string,
): Promise<Record<string, Record<string, string>>> {
  const { inputs, outputs } = readInterface(actionYml)
  const readmeInputs = [
    '| Input | Default | In short ([all of it](docs/inputs.md)) |',
    '| --- | --- | --- |',
    ...inputs.map(
      (i) =>
        `| \`${i.name}\` | ${cell(shortDefault(i.default))} | ${cell(firstSentence(i.description, 90))} |`,
    ),
  ].join('\n')
  const readmeOutputs = [
    '| Output | In short ([all of it](docs/inputs.md#outputs)) |',
    '| --- | --- |',
    ...outputs.map((o) => `| \`${o.name}\` | ${cell(firstSentence(o.description, 90))} |`),
  ].join('\n')
  const full = (list: Entry[], withDefault: boolean) =>
    list
      .map(
        (e) =>
          `- **\`${e.name}\`**${withDefault && e.default !== '' ? ` (default \`${e.default}\`)` : ''}: ${e.description}`,
      )
      .join('\n')
  return {
    'README.md': {
      inputs: await prettierMarkdown(readmeInputs),
      outputs: await prettierMarkdown(readmeOutputs),
    },
    'docs/inputs.md': {
      inputs: await prettierMarkdown(full(inputs, true)),
      outputs: await prettierMarkdown(full(outputs, false)),
    },
  }
}

const markers = (name: string) =>
  [
    `<!-- ${name}: generated from action.yml by npm run docs:tables; do not edit -->\n`,
    `<!-- end of ${name} -->`,
  ] as const

/** `text` with the part between the markers of `name` replaced by `content`; throws without them. */
export function between(text: string, name: string, content: string): string {
  const [start, end] = markers(name)
  const from = text.indexOf(start)
  const to = text.indexOf(end, from)
  if (from < 0 || to < 0) throw new Error(`no markers for ${name}: ${start.trim()} … ${end}`)
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`
}

/** Each file as it should be: the generated parts put between their markers. */
export async function expectedFiles(): Promise<Record<string, { now: string; want: string }>> {
  const parts = await generated(readFileSync(`${ROOT}action.yml`, 'utf8'))
  const files: Record<string, { now: string; want: string }> = {}
  for (const [file, byName] of Object.entries(parts)) {
    const now = readFileSync(`${ROOT}${file}`, 'utf8')
    let want = now
    for (const [name, content] of Object.entries(byName)) want = between(want, name, content)
    files[file] = { now, want }
  }
  return files
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check')
  let stale = 0
  for (const [file, { now, want }] of Object.entries(await expectedFiles())) {
    if (now === want) continue
    stale++
    if (check) console.error(`${file}: its tables differ from action.yml; run npm run docs:tables`)
    else writeFileSync(`${ROOT}${file}`, want)
    if (!check) console.log(`${file}: tables written from action.yml`)
  }
  if (check && stale) process.exitCode = 1
}
