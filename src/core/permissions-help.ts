/**
 * Help for the first mistakes made with the `permissions` input: near-miss names, a file path
 * given instead of the content, YAML indented with tabs, the boolean form one Vast guide shows,
 * and keys that would reach an object's prototype. Every function here only builds text or
 * refuses; parsing itself is in permissions.ts.
 */

/** Keys that JavaScript objects treat specially: refused at any depth of a permissions value. */
export const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const

/**
 * The path of the first forbidden key in a parsed JSON or YAML value (`api.instance_read`), or
 * undefined. `JSON.parse` and the yaml package both keep `__proto__` as an own key, so without
 * this a `{"__proto__": {}}` inside a category would replace the prototype of the copy being built
 * and widen a narrowed category to the whole one.
 */
export function forbiddenKeyPath(value: unknown, at = ''): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  for (const key of Object.keys(value)) {
    const path = at ? `${at}.${key}` : key
    if ((FORBIDDEN_KEYS as readonly string[]).includes(key)) return path
    const found = forbiddenKeyPath((value as Record<string, unknown>)[key], path)
    if (found) return found
  }
  return undefined
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/**
 * The known name `name` was probably meant to be: the same up to case and `-`/`_`, else the one
 * closest within two edits (only for names of four letters or more).
 */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  const plain = (text: string) => text.toLowerCase().replace(/[-_\s]/g, '')
  const same = known.find((k) => plain(k) === plain(name))
  if (same) return same
  if (name.length < 4) return undefined
  let best: string | undefined
  let bestDistance = 3
  for (const k of known) {
    const d = distance(plain(name), plain(k))
    if (d < bestDistance) {
      best = k
      bestDistance = d
    }
  }
  return best
}

/** A value such as `perms.json`, `./ci/vast.yml` or `.github/permissions`: a path, not content. */
export function looksLikePath(value: string): boolean {
  if (/[\s{}:,]/.test(value)) return false
  return /\.(json|ya?ml|txt)$/i.test(value) || /^(\.{0,2}\/|~\/)/.test(value) || value.includes('/')
}

export function pathMessage(value: string, presets: readonly string[]): string {
  return (
    `'${value}' looks like a file path; the action does not read files. Pass the content itself: ` +
    `a preset (${presets.join(', ')}), a list such as instance_read, instance_write, or the JSON or YAML text, ` +
    'for example from a repository variable (permissions: ${{ vars.VAST_PERMISSIONS }}) or from an earlier step ' +
    '(run: echo "json=$(jq -c . perms.json)" >> "$GITHUB_OUTPUT", then permissions: ${{ steps.<id>.outputs.json }})'
  )
}

/** YAML given with tab indentation: the yaml package refuses it with a less helpful message. */
export function indentedWithTabs(value: string): boolean {
  return !value.startsWith('{') && /(^|\n)[ ]*\t/.test(value)
}

export const TABS_MESSAGE =
  'it is YAML indented with tabs, and YAML allows only spaces for indentation: indent with spaces (two per level), or write it as JSON'

/** What a boolean-form name most likely asks for, as API categories. */
const INTENTS: [RegExp, string, string][] = [
  [/instance|template|volume|ssh|offer/, 'instance_read', 'instance_write'],
  [/billing|credit|invoice|payment|earning/, 'billing_read', 'billing_write'],
  [/machine|host/, 'machine_read', 'machine_write'],
  [/team/, 'team_read', 'team_write'],
  [/agent/, 'agents_read', 'agents_write'],
  [/user|account|key|profile/, 'user_read', 'user_write'],
]
const WRITES = /manage|write|create|destroy|delete|edit|start|stop|rent|launch|change|modify|set/

/**
 * Detects the boolean form (`{"manage_instances": true, "read_billing": false}`) and says what the
 * API expects instead, with the categories the true names most likely mean. The form comes from
 * a Vast guide; the API refuses it with 400 invalid_permissions (vast-api.md [wire]).
 */
export function booleanFormMessage(
  api: Record<string, unknown>,
  categories: readonly string[],
  presets: Record<string, { categories: string[] }>,
): string | undefined {
  const entries = Object.entries(api)
  if (!entries.some(([, value]) => typeof value === 'boolean')) return undefined
  const wanted = new Set<string>()
  for (const [name, value] of entries) {
    if (value !== true) continue
    const lower = name.toLowerCase()
    if (categories.includes(lower)) {
      wanted.add(lower)
      continue
    }
    for (const [pattern, read, write] of INTENTS) {
      if (!pattern.test(lower)) continue
      wanted.add(read)
      if (WRITES.test(lower)) wanted.add(write)
      if (read === 'instance_read') wanted.add('misc')
      break
    }
  }
  const chosen = categories.filter((c) => wanted.has(c))
  const shown = Object.keys(api)
    .filter((k) => typeof api[k] === 'boolean')
    .slice(0, 3)
    .map((k) => `"${k}": ${String(api[k])}`)
    .join(', ')
  let text = `it is in the boolean form ({${shown}}) that one Vast guide shows, which the API refuses (400 invalid_permissions). The API maps each category to {} (all of it) or to its allowed actions`
  if (chosen.length === 0) return `${text}, e.g. {"api":{"instance_read":{}}}`
  const example = JSON.stringify({ api: Object.fromEntries(chosen.map((c) => [c, {}])) })
  text += `. From what this asks for: ${example}`
  const preset = Object.entries(presets).find(
    ([, p]) => [...p.categories].sort().join() === [...chosen].sort().join(),
  )
  if (preset) text += `, which is the preset ${preset[0]}`
  return text
}
