// Runs the Vast.ai API emulator on its own, for demos and manual tries:
//   npm run emulator -- [--port N] [--host H] [--rate-limits] [--rate-limit-scale X]
//                       [--rate-limit-form F] [--variants '<json>']
// --variants takes the VastVariants of emulator/vast-variants.ts, e.g.
//   --variants '{"keyFormat":"vast","listRights":"string","foreignKeyDelete":403}'
// and POST /__emulator/variants changes them while it runs.

import { parseArgs } from 'node:util'
import { VastEmulator } from '../emulator/vast.ts'
import type { EmulatorOptions, VastVariants } from '../emulator/vast.ts'
import { TOO_MANY_FORMS } from '../emulator/vast-http.ts'
import type { TooManyForm } from '../emulator/vast-http.ts'
import { variantsProblem } from '../emulator/vast-variants.ts'

const usage =
  'usage: npm run emulator -- [--port N] [--host H] [--rate-limits] [--rate-limit-scale X] ' +
  `[--rate-limit-form ${TOO_MANY_FORMS.join('|')}] [--variants '<json>']`

function parseOptions(argv: string[]): EmulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'rate-limits': { type: 'boolean', default: false },
      'rate-limit-scale': { type: 'string' },
      'rate-limit-form': { type: 'string' },
      variants: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`bad --port ${values.port}`)
  const scaleText = values['rate-limit-scale']
  const scale = scaleText === undefined ? undefined : Number(scaleText)
  if (scale !== undefined && !(Number.isFinite(scale) && scale > 0)) {
    throw new Error(`bad --rate-limit-scale ${scaleText}`)
  }
  const form = values['rate-limit-form']
  if (form !== undefined && !(TOO_MANY_FORMS as readonly string[]).includes(form)) {
    throw new Error(`bad --rate-limit-form ${form}`)
  }
  const rateLimits =
    scale !== undefined || form !== undefined
      ? {
          ...(scale !== undefined ? { scale } : {}),
          ...(form ? { form: form as TooManyForm } : {}),
        }
      : values['rate-limits']
  let variants: VastVariants = {}
  if (values.variants !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(values.variants)
    } catch {
      throw new Error('--variants must be a JSON object')
    }
    const problem = variantsProblem(parsed)
    if (problem !== null) throw new Error(`bad --variants: ${problem}`)
    variants = parsed as VastVariants
  }
  return { port, host: values.host, rateLimits, variants }
}

async function main(): Promise<void> {
  let options: EmulatorOptions
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
    process.exit(2)
  }
  const emulator = await VastEmulator.start(options)
  const limits = options.rateLimits
  const limitText =
    typeof limits === 'object'
      ? `on, scaled x${limits.scale ?? 1}${limits.form ? `, ${limits.form} 429s` : ''}`
      : limits
        ? 'on (documented)'
        : 'off'
  // Printing the parent key is the point here: it is a throwaway value that only this process
  // knows, for pointing a client (or the official CLI with --url) at the emulator.
  console.log(
    [
      'Vast.ai API emulator (loopback, throwaway keys)',
      `  URL:          ${emulator.url}`,
      `  parent key:   ${emulator.parentKey}   (local and throwaway, not a real Vast key)`,
      `  rate limits:  ${limitText}`,
      `  variants:     ${JSON.stringify(emulator.variants)}`,
      '',
      'Try:',
      `  curl -s -H "Authorization: Bearer ${emulator.parentKey}" ${emulator.url}/api/v0/auth/apikeys/`,
      `  curl -s ${emulator.url}/__emulator/keys`,
      `  curl -s -X POST -d '{"route":"create","fault":{"type":"status","status":503}}' ${emulator.url}/__emulator/faults`,
      `  curl -s -X POST -d '{"keyFormat":"vast","listRights":"string"}' ${emulator.url}/__emulator/variants`,
      '',
      'Ctrl-C stops it.',
    ].join('\n'),
  )
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

await main()
