import { formatInstanceLabel, parseInstanceLabel } from '../../src/core/instance-label.ts'

/**
 * Labels that look like `label` but are not it: cut short (a prefix), extended, with spaces or a
 * newline around it, with one letter's case flipped or all upper-cased, and the same job's label
 * for another repository. None of them may be destroyed as the job's.
 */
export function lookAlikes(label: string, repository: string): string[] {
  const out = new Set<string>()
  for (const cut of [1, 2, 13, 26, Math.floor(label.length / 2), label.length - 1]) {
    if (cut > 0 && cut < label.length) out.add(label.slice(0, cut))
  }
  for (const extra of ['x', '0', ' ', '\n', '\t', '.', ':']) {
    out.add(`${label}${extra}`)
    out.add(`${extra}${label}`)
  }
  out.add(` ${label} `)
  out.add(label.toUpperCase())
  for (let i = 0; i < label.length; i++) {
    const c = label[i] ?? ''
    const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()
    if (flipped !== c) out.add(`${label.slice(0, i)}${flipped}${label.slice(i + 1)}`)
  }
  const parsed = parseInstanceLabel(label)
  if (parsed) {
    out.add(
      formatInstanceLabel({
        repository: `${repository}x`,
        runId: parsed.runId,
        runAttempt: parsed.runAttempt,
        job: parsed.jobShown,
        expiresAt: parsed.expiresAt,
        nonce: parsed.nonce,
      }),
    )
  }
  out.delete(label)
  return [...out]
}
