// Runs the Vast.ai API emulator on its own, for demos and manual tries:
//   npm run emulator -- [--port N] [--host H] [--rate-limits] [--rate-limit-scale X]

import { parseArgs } from 'node:util'
import { VastEmulator } from '../emulator/vast.ts'
import type { EmulatorOptions } from '../emulator/vast.ts'

const usage =
  'usage: npm run emulator -- [--port N] [--host H] [--rate-limits] [--rate-limit-scale X]'

function parseOptions(argv: string[]): EmulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'rate-limits': { type: 'boolean', default: false },
      'rate-limit-scale': { type: 'string' },
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
  const rateLimits = scale !== undefined ? { scale } : values['rate-limits']
  return { port, host: values.host, rateLimits }
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
    typeof limits === 'object' ? `on, scaled x${limits.scale}` : limits ? 'on (documented)' : 'off'
  // Printing the parent key is the point here: it is a throwaway value that only this process
  // knows, for pointing a client (or the official CLI with --url) at the emulator.
  console.log(
    [
      'Vast.ai API emulator (loopback, throwaway keys)',
      `  URL:          ${emulator.url}`,
      `  parent key:   ${emulator.parentKey}   (local and throwaway, not a real Vast key)`,
      `  rate limits:  ${limitText}`,
      '',
      'Try:',
      `  curl -s -H "Authorization: Bearer ${emulator.parentKey}" ${emulator.url}/api/v0/auth/apikeys/`,
      `  curl -s ${emulator.url}/__emulator/keys`,
      `  curl -s -X POST -d '{"route":"create","fault":{"type":"status","status":503}}' ${emulator.url}/__emulator/faults`,
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
