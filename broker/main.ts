// `npm run broker` and the container's entry point: reads the configuration (broker/config.ts),
// starts the HTTP service, and stops cleanly on SIGTERM (Cloud Run and Kubernetes send it).
// `--help` prints the flags; `--check` validates the policy only (broker/policy-lint.ts).
import { createFetch } from '../src/core/vast/transport.ts'
import { ConfigError, readConfig, readPolicyOnly, USAGE } from './config.ts'
import { describeRule } from './policy-lint.ts'
import { buildBroker } from './wiring.ts'
import { jsonLogger } from './log.ts'

const args = process.argv.slice(2)
const log = jsonLogger()
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(USAGE + '\n')
} else if (args.includes('--check') || args.includes('--check-policy')) {
  try {
    const policy = readPolicyOnly(
      args.filter((arg) => arg !== '--check' && arg !== '--check-policy'),
      process.env,
    )
    const lines = policy.rules.map((rule, index) => `${index + 1}. ${describeRule(rule)}`)
    lines.push('Rules are tried in order; the first that fits decides; no rule, no key.')
    for (const warning of policy.warnings) lines.push(`warning: ${warning}`)
    lines.push(
      `The policy is valid: ${policy.rules.length} rule(s), ${policy.warnings.length} warning(s).`,
    )
    process.stdout.write(lines.join('\n') + '\n')
  } catch (error) {
    process.stderr.write(
      `The policy is not valid: ${error instanceof ConfigError ? error.message : String(error)}\n`,
    )
    process.exitCode = 1
  }
} else {
  try {
    const config = readConfig(args, process.env)
    for (const warning of config.policy.warnings) log.warn({ event: 'policy', reason: warning })
    const broker = await buildBroker(config, { log, fetch: await createFetch(process.env) })
    // Handlers first: a SIGTERM right after the start line must still stop cleanly.
    const stop = () => {
      log.info({ event: 'stop' })
      void broker.close().then(() => process.exit(0))
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
    log.info({
      event: 'start',
      reason: `listening on ${broker.url}, ${config.policy.rules.length} rule(s)`,
    })
  } catch (error) {
    log.error({
      event: 'start',
      decision: 'error',
      reason: error instanceof ConfigError ? error.message : String(error),
    })
    process.exitCode = 1
  }
}
