// `npm run broker` and the container's entry point: reads the configuration (broker/config.ts),
// starts the HTTP service, and stops cleanly on SIGTERM (Cloud Run and Kubernetes send it).
import { createFetch } from '../src/core/vast/transport.ts'
import { ConfigError, readConfig } from './config.ts'
import { buildBroker } from './wiring.ts'
import { jsonLogger } from './log.ts'

const log = jsonLogger()
try {
  const config = readConfig(process.argv.slice(2), process.env)
  for (const warning of config.policy.warnings) log.warn({ event: 'policy', reason: warning })
  const broker = await buildBroker(config, { log, fetch: await createFetch(process.env) })
  log.info({
    event: 'start',
    reason: `listening on ${broker.url}, ${config.policy.rules.length} rule(s)`,
  })
  const stop = () => {
    log.info({ event: 'stop' })
    void broker.close().then(() => process.exit(0))
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
} catch (error) {
  log.error({
    event: 'start',
    decision: 'error',
    reason: error instanceof ConfigError ? error.message : String(error),
  })
  process.exitCode = 1
}
