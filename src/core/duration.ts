const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}

const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/
const PART = /(\d+)(ms|s|m|h|d)/g

/** Parses `30s`, `15m`, `6h`, `2d`, `1h30m` or `500ms` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase()
  if (!DURATION.test(value)) return undefined
  let total = 0
  for (const [, amount, unit] of value.matchAll(PART)) {
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0)
  }
  return Number.isSafeInteger(total) ? total : undefined
}

/** Formats milliseconds the way users write them: `6h`, `1h30m`, `45s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s'
  const parts: string[] = []
  let rest = ms
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit] ?? 1
    const amount = Math.floor(rest / size)
    if (amount > 0) {
      parts.push(`${amount}${unit}`)
      rest -= amount * size
    }
  }
  return parts.join('')
}
