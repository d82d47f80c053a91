// Runs the Vast.ai API emulator on its own, for demos and manual tries:
//   npm run emulator -- [--port N] [--host H] [--rate-limits] [--rate-limit-scale X]
//                       [--rate-limit-form F] [--variants '<json>'] [--github]
// --variants takes the VastVariants of emulator/vast-variants.ts, e.g.
//   --variants '{"keyFormat":"vast","listRights":"string","foreignKeyDelete":403}'
// and POST /__emulator/variants changes them while it runs.
// --github also starts the GitHub secrets emulator (emulator/github.ts) on a port of its own,
// with a repository, an environment, an organisation and a token that may write their secrets.
// --oidc also starts the OIDC issuer emulator (emulator/oidc.ts), GitHub's token issuer stand-in,
// for running the key broker locally (docs/broker.md#try-it-locally).

import { parseArgs } from 'node:util'
import { VastEmulator } from '../emulator/vast.ts'
import type { EmulatorOptions, VastVariants } from '../emulator/vast.ts'
import { TOO_MANY_FORMS } from '../emulator/vast-http.ts'
import type { TooManyForm } from '../emulator/vast-http.ts'
import { variantsProblem } from '../emulator/vast-variants.ts'
import { GitHubEmulator } from '../emulator/github.ts'
import { OidcEmulator } from '../emulator/oidc.ts'

const usage =
  'usage: npm run emulator -- [--port N] [--host H] [--rate-limits] [--rate-limit-scale X] ' +
  `[--rate-limit-form ${TOO_MANY_FORMS.join('|')}] [--variants '<json>'] [--github] [--oidc]`

/** The GitHub emulator's fixtures: throwaway names and a throwaway token. */
const GITHUB = {
  repository: 'octo-org/deployer',
  /** More repositories of the organisation, for visibility: selected (the README's examples). */
  others: ['octo-org/trainer', 'octo-org/gpu-trainer'],
  environment: 'production',
  organization: 'octo-org',
  token: 'ghs_emulatortoken0123456789',
}

function parseOptions(argv: string[]): EmulatorOptions & { github: boolean; oidc: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'rate-limits': { type: 'boolean', default: false },
      'rate-limit-scale': { type: 'string' },
      'rate-limit-form': { type: 'string' },
      variants: { type: 'string' },
      github: { type: 'boolean', default: false },
      oidc: { type: 'boolean', default: false },
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
  return {
    port,
    host: values.host,
    rateLimits,
    variants,
    github: values.github,
    oidc: values.oidc,
  }
}

/** Starts the GitHub emulator next to the Vast one; returns what to print and how to stop it. */
async function startGitHub(host: string): Promise<{ lines: string[]; close: () => Promise<void> }> {
  const github = await GitHubEmulator.start({ host })
  github.addRepository(GITHUB.repository, { environments: [GITHUB.environment] })
  for (const other of GITHUB.others)
    github.addRepository(other, { environments: [GITHUB.environment] })
  github.addToken(GITHUB.token, { secretsWrite: true, orgSecretsWrite: true, actionsRead: true })
  const [owner, repo] = GITHUB.repository.split('/')
  return {
    close: () => github.close(),
    lines: [
      '',
      'GitHub secrets emulator (loopback; opens every sealed box it is sent)',
      `  URL:          ${github.url}   (the action's github-api-url)`,
      `  token:        ${GITHUB.token}   (github-token; throwaway)`,
      `  targets:      repositories ${[GITHUB.repository, ...GITHUB.others].join(', ')}, each with environment ${GITHUB.environment}; organisation ${GITHUB.organization}`,
      '',
      'Try:',
      `  curl -s -H "Authorization: Bearer ${GITHUB.token}" ${github.url}/repos/${owner}/${repo}/actions/secrets/public-key`,
      `  curl -s ${github.url}/__emulator/secrets      (every secret written so far, opened)`,
      '  npm run demo -- rotate                        (a rotation walk-through with both emulators)',
    ],
  }
}

async function main(): Promise<void> {
  let options: EmulatorOptions & { github: boolean; oidc: boolean }
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
    process.exit(2)
  }
  const emulator = await VastEmulator.start(options)
  const github = options.github ? await startGitHub(options.host ?? '127.0.0.1') : undefined
  const oidc = options.oidc ? await OidcEmulator.start() : undefined
  const oidcLines = oidc
    ? [
        '',
        "OIDC issuer emulator (loopback; GitHub's token issuer stand-in, for the key broker)",
        `  issuer:       ${oidc.issuer}   (the broker's --issuer)`,
        `  JWKS:         ${oidc.jwksUrl}`,
        '',
        'Start the broker against both emulators, then mint a token and a key:',
        `  npm run broker -- --policy policy.yaml --audience http://127.0.0.1:8080 --issuer ${oidc.issuer} --api-url ${emulator.url} --host 127.0.0.1 --port 8080   (with VAST_ADMIN_API_KEY=${emulator.parentKey})`,
        `  TOKEN=$(curl -s -X POST -d '{"audience":"http://127.0.0.1:8080","repository":"octo-org/app","ref":"refs/heads/main"}' ${oidc.issuer}/__emulator/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).value')`,
        `  curl -s -X POST -H "Authorization: Bearer $TOKEN" -d '{"ttl":"10m"}' http://127.0.0.1:8080/v1/keys`,
      ]
    : ['', 'With --oidc, the OIDC issuer emulator starts too (for the key broker).']
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
      'Chain steps on this account (a key for a later job, deleted by id):',
      `  export VAST_ADMIN_API_KEY=${emulator.parentKey}`,
      `  npm run demo -- try --emulator-url ${emulator.url} permissions=instance-manager revoke=never ttl=3h`,
      `  npm run demo -- try --emulator-url ${emulator.url} mode=delete key-id=<the key-id printed>`,
      ...(github?.lines ?? [
        '',
        'With --github, the GitHub secrets emulator starts too (for mode: rotate).',
      ]),
      ...oidcLines,
      '',
      'Ctrl-C stops it.',
    ].join('\n'),
  )
  const stop = (): void => {
    Promise.all([emulator.close(), github?.close(), oidc?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

await main()
