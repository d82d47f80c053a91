import { existsSync, lstatSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { RunnerJob } from '../harness/runner.ts'
import { formatKeyName } from '../src/core/key-name.ts'
import { STATE } from '../src/action/modes/state.ts'
import { ACTION_YML, shown } from './support/action.ts'
import {
  forgedCase,
  forgedStateProblems,
  newJob,
  PATHS,
  postInputs,
  runMainOn,
  startWorld,
  victimFile,
  WRITE_ENV,
  type World,
} from './support/forged-state.ts'

// Issue 18, finding 1 (and finding 4, post's side): another step of the job writes STATE_* lines
// to $GITHUB_ENV; the harness starts post from the env context and applies main's saved state
// last, as the runner does. Post must act only on what main saved, checked against its inputs.

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

/** main on `path`, then a step that writes `lines` to $GITHUB_ENV, then post. */
async function forge(path: (typeof PATHS)[number], lines: (w: World, job: RunnerJob) => object) {
  const w = (world = await startWorld())
  const job = newJob(w)
  const main = await runMainOn(path, w, job)
  w.vast.clearFaults()
  await job.runStep(WRITE_ENV, { env: { WRITE_ENV: JSON.stringify(lines(w, job)) } })
  const post = await job.runPost({ inputs: postInputs(path, w) })
  return { w, job, main, post }
}

const createState = (w: World, apiUrl: string, name: string) =>
  JSON.stringify({
    apiUrl,
    name,
    revoke: 'post',
    cleanupFailure: 'warn',
    requestTimeoutMs: 500,
    maxAttempts: 1,
  })

describe('forged state never steers post (finding 1)', () => {
  it('main saves every state name post reads, first, even when the inputs are wrong', async () => {
    const { main } = await forge('create input error', () => ({}))
    expect(main.conclusion).toBe('failure')
    expect(Object.keys(main.state).sort()).toEqual(Object.values(STATE).sort())
    expect(main.state[STATE.mode]).toBe('none')
  })

  it('delete mode: a forged create state sends the parent key to no other host', async () => {
    const { w, post } = await forge('delete', (w) => ({
      [`STATE_${STATE.mode}`]: 'create',
      [`STATE_${STATE.create}`]: createState(w, w.capture.url, 'ci-parent'),
      [`STATE_${STATE.keyId}`]: String(w.vast.parentKeyId),
    }))
    expect(w.capture.requests).toEqual([])
    expect(w.vast.isLive(w.vast.parentKey)).toBe(true)
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/Nothing to clean up: the main step made no key to delete/)
  })

  it('sweep mode: a forged key id deletes no key', async () => {
    const { w } = await forge('sweep', (w) => ({
      [`STATE_${STATE.mode}`]: 'create',
      [`STATE_${STATE.create}`]: createState(w, w.vast.url, w.victimName),
      [`STATE_${STATE.keyId}`]: String(w.victimId),
    }))
    expect(w.vast.requestsFor('delete')).toEqual([])
    expect(w.vast.liveKeys().map((k) => k.id)).toContain(w.victimId)
  })

  it('a dry run: a forged uncertain create deletes no key of the job by name', async () => {
    const { w } = await forge('create dry-run', (w) => ({
      [`STATE_${STATE.mode}`]: 'create',
      [`STATE_${STATE.create}`]: createState(w, w.vast.url, w.victimName),
      [`STATE_${STATE.pending}`]: 'true',
      [`STATE_${STATE.sentAt}`]: '1',
    }))
    expect(w.vast.liveKeys().map((k) => k.id)).toContain(w.victimId)
    expect(w.vast.requestsFor('delete')).toEqual([])
  })

  it('a create refused for its inputs: a forged broker state asks for no OIDC token', async () => {
    const { w, post } = await forge('create input error', (w) => ({
      [`STATE_${STATE.mode}`]: 'broker',
      [`STATE_${STATE.broker}`]: JSON.stringify({
        url: w.capture.url,
        audience: 'x',
        cleanupFailure: 'warn',
        requestTimeoutMs: 500,
      }),
      [`STATE_${STATE.keyId}`]: '7',
    }))
    expect(w.oidc.issued).toEqual([])
    expect(w.capture.requests).toEqual([])
    expect(post.conclusion).toBe('success')
  })

  it('a rotation refused for its inputs: a forged config file path removes no file', async () => {
    const { job } = await forge('rotate input error', (_w, job) => ({
      [`STATE_${STATE.mode}`]: 'create',
      [`STATE_${STATE.configFile}`]: victimFile(job).state,
    }))
    expect(existsSync(join(job.workspace, 'victim.txt'))).toBe(true)
  })

  it('a create refused by Vast: a forged key id is not acted on', async () => {
    const { w, post } = await forge('create refused by Vast', (w) => ({
      [`STATE_${STATE.keyId}`]: String(w.victimId),
    }))
    expect(w.vast.liveKeys().map((k) => k.id)).toContain(w.victimId)
    expect(w.vast.requestsFor('delete')).toEqual([])
    expect(post.conclusion).toBe('success')
  })
})

describe('post checks state against its inputs', () => {
  it('an api-url that changed since main: nothing is sent, and a warning says what did not match', async () => {
    const w = (world = await startWorld())
    const job = newJob(w)
    const main = await runMainOn('create', w, job)
    expect(main.conclusion).toBe('success')
    const post = await job.runPost({
      inputs: { ...postInputs('create', w), 'api-url': w.capture.url },
    })
    expect(w.capture.requests).toEqual([])
    const warning = post.annotations.find((a) => a.level === 'warning')?.message ?? ''
    expect(warning).toMatch(
      /deleted nothing and sent the parent key nowhere.*saved API URL .* is not the api-url input.*Vast\.ai key \d+ stays until a scheduled sweep/,
    )
    expect(post.summary).toMatch(/⚠️ The post step deleted nothing/)
  })

  it('a broker-url that changed since main: no token is asked for', async () => {
    const w = (world = await startWorld())
    const job = new RunnerJob({
      actionYml: ACTION_YML,
      env: {
        ...w.oidc.registerJob({
          repository: 'octo-org/gpu-trainer',
          run_id: '1234567890',
          run_attempt: '1',
        }),
      },
    })
    // main saves broker state (its broker is unreachable: no key is handed out, state stays)
    const inputs = {
      'broker-url': 'http://127.0.0.1:9',
      permissions: 'instance_read',
      'max-attempts': '1',
    }
    await job.runMain({ inputs })
    const issued = w.oidc.issued.length
    await job.runStep(WRITE_ENV, {
      env: { WRITE_ENV: JSON.stringify({ [`STATE_${STATE.keyId}`]: '5' }) },
    })
    const post = await job.runPost({ inputs: { ...inputs, 'broker-url': w.capture.url } })
    expect(w.oidc.issued.length).toBe(issued)
    expect(w.capture.requests).toEqual([])
    expect(shown(post)).toMatch(/saved broker URL .* is not the broker-url input/)
  })
})

describe('post deletes only the key main created (finding 4, post side)', () => {
  it.each([
    ['the parent key', 'create answer names the parent'],
    ['another key of the account', 'create answer names another key'],
  ] as const)('a create answer naming %s deletes nothing', async (_what, path) => {
    const { w, post } = await forge(path, () => ({}))
    expect(w.vast.isLive(w.vast.parentKey)).toBe(true)
    expect(w.vast.liveKeys().map((k) => k.id)).toContain(w.victimId)
    expect(w.vast.requestsFor('delete')).toEqual([])
    if (post.annotations.some((a) => a.level === 'warning')) {
      expect(shown(post)).toMatch(/not this step's key|not a positive integer|deleted nothing/)
    }
  })

  it('the key main made is still deleted, after Vast lists it under its name', async () => {
    const { w, main, post } = await forge('create', () => ({}))
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(new RegExp(`Deleted Vast.ai key ${main.outputs['key-id']}\\.`))
    expect(w.vast.liveKeys().map((k) => k.id)).toEqual([w.vast.parentKeyId, w.victimId])
  })
})

describe('export-config (finding 9)', () => {
  it('refuses a config directory in /proc, before any key is made', async () => {
    const w = (world = await startWorld())
    const job = new RunnerJob({ actionYml: ACTION_YML, env: { XDG_CONFIG_HOME: '/proc/self' } })
    const main = await job.runMain({
      inputs: {
        'admin-api-key': w.vast.parentKey,
        'api-url': w.vast.url,
        permissions: 'instance_read',
        'export-config': 'true',
      },
    })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /Input 'export-config': \/proc\/self is in \/proc, a kernel file system/,
    )
    expect(w.vast.requestsFor('create')).toEqual([])
    await job.cleanup()
  }, 180_000)

  it.each([
    ['false', /later steps would use that key, not the scoped key/],
    ['true', /export-env: true sets it to the scoped key/],
  ])('warns when VAST_API_KEY is already set (export-env %s)', async (exportEnv, said) => {
    const w = (world = await startWorld())
    const xdg = mkdtempSync(join(tmpdir(), 'vsk-cfg-'))
    const job = new RunnerJob({
      actionYml: ACTION_YML,
      env: { VAST_API_KEY: 'an-older-key-from-the-workflow', XDG_CONFIG_HOME: xdg },
    })
    const inputs = {
      'admin-api-key': w.vast.parentKey,
      'api-url': w.vast.url,
      permissions: 'instance_read',
      'export-config': 'true',
      'export-env': exportEnv,
    }
    const main = await job.runMain({ inputs })
    expect(main.conclusion).toBe('success')
    const warning = main.annotations.find((a) => /VAST_API_KEY/.test(a.message))?.message ?? ''
    expect(warning).toMatch(/^Input 'export-config': VAST_API_KEY is already set in this job/)
    expect(warning).toMatch(said)
    expect(lstatSync(join(xdg, 'vastai', 'vast_api_key')).isFile()).toBe(true)
    await job.runPost({ inputs })
    expect(existsSync(join(xdg, 'vastai', 'vast_api_key'))).toBe(false)
    await job.cleanup()
    rmSync(xdg, { recursive: true, force: true })
  })
})

describe('job summary (finding 9)', () => {
  it('shows a hostile key name read by a sweep as text: no image, link, mention or tag', async () => {
    const w = (world = await startWorld())
    const label =
      '![x](https://evil.example/i.png) [l](http://evil.example) @octocat <img src=x> www.evil.example'
    const name = formatKeyName({
      label,
      kind: 'job',
      expiresAt: new Date(Date.now() - 3_600_000),
      repository: 'octo-org/gpu-trainer',
      runId: '99',
      runAttempt: '1',
      job: 'train',
      nonce: 'ab12',
    })
    w.vast.addKey({ name })
    const job = newJob(w)
    const main = await job.runMain({
      inputs: { 'admin-api-key': w.vast.parentKey, 'api-url': w.vast.url, mode: 'sweep' },
    })
    expect(main.conclusion).toBe('success')
    expect(main.summary).toContain('@\u200boctocat')
    expect(main.summary).toContain('&lt;img src=x&gt;')
    expect(main.summary).toContain('!\\[x\\](https:\u200b//evil.example/i.png)')
    expect(main.summary).not.toMatch(/<img|!\[x\]\(|\[l\]\(|@octocat|www\.evil/)
    await job.cleanup()
  })
})

describe('forged state (generated)', () => {
  it('in every mode and path, post sends the parent key only to api-url and deletes only the key main made', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), forgedCase, async (path, forged) => {
        expect(await forgedStateProblems(path, forged)).toEqual([])
      }),
      { numRuns: 12 },
    )
  }, 300_000)
})
