// Runs a list of runner calls through src/action/runner.ts (`ours`) or @actions/core (`core`), in a
// process of its own so that each writes to its real stdout and file commands exactly as in a
// step. __tests__/runner-conformance.test.ts runs both and compares the bytes.
//
//   node __tests__/support/conformance-driver.ts ours|core '<calls as JSON>'
import * as core from '@actions/core'
import { createRunner } from '../../src/action/runner.ts'
import { Secret } from '../../src/core/secret.ts'

export type Call =
  | ['getInput' | 'getState', string]
  | ['setSecret' | 'info' | 'debug' | 'notice' | 'error' | 'setFailed' | 'appendSummary', string]
  | ['warning', string, { title?: string; line?: number; col?: number }?]
  | ['setOutput' | 'saveState' | 'exportVariable', string, string]
  | ['isDebug']

const [which, json] = process.argv.slice(2)
const calls = JSON.parse(json ?? '[]') as Call[]
const ours = createRunner()
// As in the action: a secret handed out (api-key, VAST_API_KEY) is passed as a Secret.
const secrets = new Set<string>()

for (const call of calls) {
  if (which === 'ours') {
    switch (call[0]) {
      case 'getInput':
        ours.info(`getInput ${JSON.stringify(ours.getInput(call[1]))}`)
        break
      case 'getState':
        ours.info(`getState ${JSON.stringify(ours.getState(call[1]))}`)
        break
      case 'isDebug':
        ours.info(`isDebug ${String(ours.isDebug())}`)
        break
      case 'warning':
        ours.warning(call[1], call[2])
        break
      case 'setOutput':
      case 'exportVariable':
        ours[call[0]](call[1], secrets.has(call[2]) ? new Secret(call[2]) : call[2])
        break
      case 'saveState':
        ours.saveState(call[1], call[2])
        break
      case 'setSecret':
        secrets.add(call[1])
        ours.setSecret(call[1])
        break
      default:
        ours[call[0]](call[1])
    }
  } else {
    switch (call[0]) {
      case 'getInput':
        core.info(`getInput ${JSON.stringify(core.getInput(call[1]))}`)
        break
      case 'getState':
        core.info(`getState ${JSON.stringify(core.getState(call[1]))}`)
        break
      case 'isDebug':
        core.info(`isDebug ${String(core.isDebug())}`)
        break
      case 'warning': {
        if (!call[2]) {
          core.warning(call[1])
          break
        }
        const { title, line, col } = call[2]
        core.warning(call[1], { title, startLine: line, startColumn: col })
        break
      }
      case 'setOutput':
      case 'saveState':
      case 'exportVariable':
        core[call[0]](call[1], call[2])
        break
      case 'appendSummary':
        await core.summary.addRaw(call[1]).write()
        break
      default:
        core[call[0]](call[1])
    }
  }
}
