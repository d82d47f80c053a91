import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'

// The text the action and the broker can print, taken from their code with the TypeScript
// compiler: every string literal and every literal part of a template (`${…}` splits a template
// into parts), from src/ (action, core and broker), and emulator/ for what Vast and GitHub answer (the docs
// quote Vast's "Invalid user key" inside the action's message). A quote in the docs "is the code's own" when it can be cut
// into pieces that are each inside one literal part, or a value the code fills in (see quoteFits).

const ROOT = new URL('../../', import.meta.url).pathname

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return tsFiles(path)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : []
  })
}

/** Every literal text in the .ts files under `dirs` (relative to the repository root). */
export function codeLiterals(dirs: readonly string[] = ['src', 'emulator']): string[] {
  const found = new Set<string>()
  for (const file of dirs.flatMap((dir) => tsFiles(join(ROOT, dir)))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest)
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.add(node.text)
      else if (ts.isTemplateExpression(node)) {
        found.add(node.head.text)
        for (const span of node.templateSpans) found.add(span.literal.text)
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return [...found].filter((text) => text.trim() !== '')
}

/**
 * A value the code fills in, as the docs write it: a quoted value ('x', "x"), anything with a
 * digit (401, 15m, 30000), a placeholder (N, M, x, nnn), a name with / _ . : - inside
 * (owner/repo, instance_read, api.instance.destroy), or an upper-case word (ECONNRESET).
 * A plain lower-case word never is: a reworded message cannot hide in one.
 */
const VALUE =
  /'[^']*'|"[^"]*"|[\w.-]*\d[\w.:/-]*|\b(?:[A-Z]|x|nnn)\b|[A-Za-z]\w*(?:[/_.:-]\w+)+|\b[A-Z][A-Z_]{2,}\b/y

/** The pieces of a quote between its elisions (`...`, `…`, `(...)`), each trimmed. */
export function fragments(quote: string): string[] {
  return quote
    .split(/\s*\((?:\.\.\.|…)\)\s*|\s*(?:\.\.\.|…)\s*/)
    .map((f) => f.trim())
    .filter((f) => f !== '')
}

const edges = new WeakMap<readonly string[], { starts: Set<string>; ends: Set<string> }>()
/** Every start and every end of each literal, for the joins of quoteFits. */
function literalEdges(literals: readonly string[]) {
  let found = edges.get(literals)
  if (!found) {
    found = { starts: new Set(), ends: new Set() }
    for (const l of literals)
      for (let k = 1; k <= l.length; k++) {
        found.starts.add(l.slice(0, k))
        found.ends.add(l.slice(l.length - k))
      }
    edges.set(literals, found)
  }
  return found
}

/**
 * Whether `fragment` can be cut into pieces, each either inside one literal of `literals` or a
 * value ({@link VALUE}), as the code builds its messages: two literal pieces meet only where the
 * code joins texts (the first ends a literal, the next starts one: `'...: ' + text`). A literal
 * piece shorter than 8 characters with a letter in it comes only after a value or the fragment's
 * start (`Input '` + 'ttl' + `': `), or is a literal's first word ending the fragment (`line` …).
 * So a changed word cannot pass as a piece of some other message.
 */
export function quoteFits(fragment: string, literals: readonly string[]): boolean {
  const n = fragment.length
  const { starts, ends } = literalEdges(literals)
  // longest[i]: the longest j such that fragment[i, j) is inside one literal
  const longest = Array.from({ length: n }, (_, i) => {
    let candidates = literals.filter((l) => l.includes(fragment[i] ?? ''))
    let j = i
    while (j < n && candidates.length) {
      const piece = fragment.slice(i, j + 1)
      candidates = candidates.filter((l) => l.includes(piece))
      if (candidates.length) j++
    }
    return j
  })
  // states: 0 = at the start or after a value, 1 = after a piece that ends a literal, 2 = other
  const reach = Array.from({ length: n + 1 }, () => [false, false, false])
  reach[0] = [true, false, false]
  for (let i = 0; i < n; i++) {
    const at = reach[i] ?? []
    if (!at.some(Boolean)) continue
    VALUE.lastIndex = i
    const value = VALUE.exec(fragment)
    if (value && value[0].length > 0) {
      const to = reach[i + value[0].length]
      if (to) to[0] = true
    }
    for (let j = i + 1; j <= (longest[i] ?? i); j++) {
      const to = reach[j]
      const piece = fragment.slice(i, j)
      if (!to || !(at[0] || (at[1] && starts.has(piece)))) continue
      const short = piece.length < 8 && /[A-Za-z]/.test(piece)
      if (short && !at[0] && !(j === n && starts.has(`${piece} `))) continue
      to[ends.has(piece) ? 1 : 2] = true
    }
  }
  return (reach[n] ?? []).some(Boolean)
}

/** The backticked quotes in the first column of each table under a bold "**…**" title. */
export function tableQuotes(
  markdown: string,
  skipTitles: RegExp,
): { table: string; quote: string }[] {
  const quotes: { table: string; quote: string }[] = []
  let title = ''
  for (const line of markdown.split('\n')) {
    const bold = /^\*\*([^*]+)\*\*/.exec(line)
    if (bold) title = bold[1] ?? ''
    if (!line.startsWith('| ') || line.startsWith('| Message') || skipTitles.test(title)) continue
    const first = line.slice(2).split(/(?<!\\)\|/)[0] ?? ''
    for (const [, span] of first.matchAll(/`([^`]+)`/g)) {
      const quote = (span ?? '').replaceAll('\\|', '|')
      // a message has words: `HTTP 403`, `ECONNRESET` or `'github-token'` alone are values
      if (quote.trim().split(/\s+/).length >= 3) quotes.push({ table: title, quote })
    }
  }
  return quotes
}

/**
 * The quotes of log text marked in prose: a double-quoted text after "says", "the warning",
 * "logged as" or "the log says so:" (`delete mode says "Would delete key N"`), lines joined.
 */
export function proseQuotes(markdown: string): string[] {
  const text = markdown.replace(/\s*\n\s*/g, ' ')
  return [...text.matchAll(/(?:\bsays|the warning|logged as|the log says so:) "([^"]{6,})"/g)].map(
    (m) => m[1] ?? '',
  )
}
