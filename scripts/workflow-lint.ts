// The workflow linter of `npm run lint:workflows` (run by .ci/run) and __tests__/workflows.test.ts:
// every workflow under .github/workflows/ and every action.yml is parsed and validated with
// GitHub's own parser (@actions/workflow-parser, from actions/languageservices: the schema and
// expression parser behind GitHub's editor support), and held to this repository's rules: every
// third-party action pinned to a full commit SHA with a version comment, `permissions` declared,
// and a `timeout-minutes` on every job. The command line also runs action-validator
// (@action-validator/cli: the SchemaStore workflow schema, glob filters checked against the files)
// on every workflow, as a second, independent check. Not on action.yml: its action schema predates
// `runs.using: node24`.

import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { registerHooks } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import type * as WorkflowParser from '@actions/workflow-parser'
import type * as ActionParserModule from '@actions/workflow-parser/actions/action-parser'

/** The repository root (this file is in scripts/). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url))

type Parser = typeof WorkflowParser
type ActionParser = typeof ActionParserModule

let parsers: Promise<{ workflow: Parser; action: ActionParser }> | undefined

/**
 * Loads GitHub's parser. Its modules import their JSON schemas without `with { type: 'json' }`
 * (they are written for bundlers), which plain Node refuses; a load hook adds the attribute for
 * that package's own JSON files only. Jest loads modules itself, so there the hook is not allowed:
 * its transform scripts/jest-json-imports.js adds the attribute instead.
 */
function loadParsers(): Promise<{ workflow: Parser; action: ActionParser }> {
  parsers ??= (async () => {
    if (process.env.JEST_WORKER_ID === undefined) registerJsonHook()
    const workflow = await import('@actions/workflow-parser')
    const action = await import('@actions/workflow-parser/actions/action-parser')
    return { workflow, action }
  })()
  return parsers
}

function registerJsonHook(): void {
  registerHooks({
    load(url, context, nextLoad) {
      if (url.endsWith('.json') && url.includes('/@actions/workflow-parser/')) {
        const importAttributes = { ...context.importAttributes, type: 'json' }
        return nextLoad(url, { ...context, importAttributes })
      }
      return nextLoad(url, context)
    },
  })
}

/** `uses:` values in a YAML text, with their line (1-based) and any trailing comment. */
function usesLines(content: string): { line: number; uses: string; comment: string }[] {
  const found: { line: number; uses: string; comment: string }[] = []
  content.split('\n').forEach((text, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*['"]?([^'"\s#]+)['"]?\s*(?:#\s*(.*))?$/.exec(text)
    if (m) found.push({ line: i + 1, uses: m[1] ?? '', comment: (m[2] ?? '').trim() })
  })
  return found
}

/**
 * This repository's rules for `uses:`: a local action (`./path`) must exist; any other action is
 * pinned to a full 40-hex commit SHA followed by a `# vX.Y.Z` comment (so Dependabot can update
 * both, and a moved tag cannot change what runs).
 */
export function pinProblems(file: string, content: string): string[] {
  const problems: string[] = []
  for (const { line, uses, comment } of usesLines(content)) {
    const at = `${file}:${line}`
    if (uses.startsWith('./')) {
      if (!existsSync(join(ROOT, uses))) problems.push(`${at}: local action ${uses} does not exist`)
      continue
    }
    if (uses.startsWith('docker://')) continue
    const m = /^[^@\s]+@([0-9a-f]{40})$/.exec(uses)
    if (!m) {
      problems.push(`${at}: ${uses} is not pinned to a full commit SHA (owner/repo@<40 hex>)`)
    } else if (!/^v\d+(\.\d+){0,2}$/.test(comment)) {
      problems.push(`${at}: ${uses} needs its version as a comment (# v1.2.3)`)
    }
  }
  return problems
}

/**
 * Problems in one workflow: every error of GitHub's parser (schema, expressions, conversion),
 * the pinning rules, a top-level `permissions`, and `timeout-minutes` on every job. Empty when clean.
 */
export async function lintWorkflow(file: string, content: string): Promise<string[]> {
  const problems = await parserErrors(file, content)
  problems.push(...pinProblems(file, content))
  let doc: unknown
  try {
    doc = parseYaml(content)
  } catch {
    return problems // GitHub's parser has reported the YAML error
  }
  const root = (doc ?? {}) as { permissions?: unknown; jobs?: Record<string, unknown> }
  if (!('permissions' in root)) problems.push(`${file}: no top-level permissions`)
  for (const [id, job] of Object.entries(root.jobs ?? {})) {
    const spec = (job ?? {}) as Record<string, unknown>
    // A job that calls a reusable workflow takes no timeout-minutes of its own.
    if (!('uses' in spec) && !('timeout-minutes' in spec)) {
      problems.push(`${file}: job ${id} has no timeout-minutes`)
    }
  }
  return problems
}

/** Only the errors of GitHub's parser (schema, expressions, conversion) for one workflow. */
export async function parserErrors(file: string, content: string): Promise<string[]> {
  const { workflow } = await loadParsers()
  const trace = new workflow.NoOperationTraceWriter()
  const parsed = workflow.parseWorkflow({ name: file, content }, trace)
  const problems = parsed.context.errors.getErrors().map((e) => e.message)
  if (parsed.value === undefined) return problems.length ? problems : [`${file}: empty workflow`]
  const template = await workflow.convertWorkflowTemplate(parsed.context, parsed.value)
  for (const error of template.errors ?? []) {
    if (!problems.includes(error.Message)) problems.push(error.Message)
  }
  return problems
}

/** Problems in one action.yml: every error of GitHub's action parser, and the pinning rules. */
export async function lintAction(file: string, content: string): Promise<string[]> {
  const { action, workflow } = await loadParsers()
  const parsed = action.parseAction({ name: file, content }, new workflow.NoOperationTraceWriter())
  const problems = parsed.context.errors.getErrors().map((e) => e.message)
  if (parsed.value === undefined && problems.length === 0) problems.push(`${file}: empty`)
  return [...problems, ...pinProblems(file, content)]
}

/** The workflow files and action.yml files of the repository, relative to ROOT. */
export function workflowFiles(): { workflows: string[]; actions: string[] } {
  const dir = join(ROOT, '.github', 'workflows')
  const workflows = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => relative(ROOT, join(dir, f)))
  const actionsDir = join(ROOT, '.github', 'actions')
  const local = existsSync(actionsDir)
    ? readdirSync(actionsDir).map((d) => relative(ROOT, join(actionsDir, d, 'action.yml')))
    : []
  return { workflows: workflows.sort(), actions: ['action.yml', ...local.sort()] }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { workflows, actions } = workflowFiles()
  let count = 0
  for (const file of workflows) {
    const problems = await lintWorkflow(file, readFileSync(join(ROOT, file), 'utf8'))
    count += problems.length
    console.log(problems.length ? problems.map((p) => `✗ ${p}`).join('\n') : `✓ ${file}`)
    const validator = join(ROOT, 'node_modules', '.bin', 'action-validator')
    const run = spawnSync(validator, [file], { cwd: ROOT, encoding: 'utf8' })
    if (run.status !== 0) {
      count += 1
      console.log(`✗ ${file}: action-validator failed:\n${run.stdout}${run.stderr}`)
    } else {
      console.log(`✓ ${file} (action-validator)`)
    }
  }
  for (const file of actions) {
    const problems = await lintAction(file, readFileSync(join(ROOT, file), 'utf8'))
    count += problems.length
    console.log(problems.length ? problems.map((p) => `✗ ${p}`).join('\n') : `✓ ${file}`)
  }
  console.log(
    `${workflows.length} workflows, ${actions.length} actions: ${count} problem(s) (GitHub's workflow parser, action-validator)`,
  )
  process.exitCode = count ? 1 : 0
}
