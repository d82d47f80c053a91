// `npm run broker` and the container's entry point: reads the configuration (src/broker/config.ts),
// starts the HTTP service, stops cleanly on SIGTERM (Cloud Run and Kubernetes send it: requests
// in flight get --shutdown-grace), and reloads the policy on SIGHUP (a bad one is refused and the
// one in use stays).
// `--help` prints the flags; `--check` validates the policy only (src/broker/policy-lint.ts).
import { createFetch } from '../core/vast/transport.ts'
import { ConfigError, readConfig, readPolicyOnly, USAGE } from './config.ts'
import { describeRule } from './policy-lint.ts'
import { policySchema } from './policy-schema.ts'
import { DEFAULT_SHUTDOWN_GRACE_MS } from './server.ts'
import { buildBroker } from './wiring.ts'
import { jsonLogger } from './log.ts'

const args = process.argv.slice(2)
const log = jsonLogger()
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(USAGE + '\n')
} else if (args.includes('--schema')) {
  process.stdout.write(JSON.stringify(policySchema(), null, 2) + '\n')
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
    const problems = (error instanceof ConfigError ? error.message : String(error)).split('\n')
    process.stderr.write(
      `The policy is not valid: ${problems.length} problem(s):\n${problems.map((line) => `  ${line}\n`).join('')}`,
    )
    process.exitCode = 1
  }
} else {
  try {
    const config = readConfig(args, process.env)
    for (const warning of config.policy.warnings) log.warn({ event: 'policy', reason: warning })
    const broker = await buildBroker(config, { log, fetch: await createFetch(process.env) })
    // Handlers first: a SIGTERM right after the start line must still stop cleanly.
    const grace = config.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS
    const stop = (signal: string) => {
      const started = Date.now()
      log.info({
        event: 'stop',
        reason: `${signal}: taking no new requests; those in flight get up to ${grace} ms`,
      })
      // Whatever happens, the process is gone by the end of the grace (before a SIGKILL).
      setTimeout(() => process.exit(0), grace + 500).unref()
      void broker.close(grace).then(({ cut, left }) => {
        log.info({
          event: 'stopped',
          reason: `drained in ${Date.now() - started} ms; ${cut} request(s) cut at the end of the grace, ${left} still running`,
          count: cut,
        })
        process.exit(0)
      })
    }
    // `on`, not `once`: a second SIGTERM or SIGINT during the drain (a repeated signal, Ctrl-C
    // twice) would otherwise kill the process at once, cutting mints whose keys then stay live.
    let stopping = false
    const onSignal = (signal: string) => {
      if (stopping) {
        log.info({ event: 'stop', reason: `${signal} again: already draining` })
        return
      }
      stopping = true
      stop(signal)
    }
    process.on('SIGTERM', () => onSignal('SIGTERM'))
    process.on('SIGINT', () => onSignal('SIGINT'))
    process.on('SIGHUP', () => {
      try {
        const policy = readPolicyOnly(args, process.env)
        broker.setPolicy(policy)
        for (const warning of policy.warnings) log.warn({ event: 'policy', reason: warning })
        log.info({ event: 'policy', reason: `reloaded: ${policy.rules.length} rule(s)` })
      } catch (error) {
        log.error({
          event: 'policy',
          decision: 'error',
          reason: `reload refused, the policy in use stays: ${error instanceof ConfigError ? error.message : String(error)}`,
        })
      }
    })
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
