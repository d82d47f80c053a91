import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCommand, parseLegacyCommand } from '../harness/commands.ts'
import { parseKeyValueFile } from '../harness/file-commands.ts'
import {
  applyMasks,
  findLeaks,
  loadActionDefinition,
  RunnerJob,
  type RunnerJobOptions,
  type StepResult,
} from '../harness/runner.ts'

const fixtures = join(import.meta.dirname, 'fixtures')
const actionYml = join(fixtures, 'fake-action', 'action.yml')
const laterStep = join(fixtures, 'later-step.mjs')
const SECRET = 'vk_"live/Key+9\\xyz'

const jobs: RunnerJob[] = []
function newJob(options: Partial<RunnerJobOptions> = {}): RunnerJob {
  const job = new RunnerJob({ actionYml, ...options })
  jobs.push(job)
  return job
}
afterEach(async () => {
  await Promise.all(jobs.splice(0).map((job) => job.cleanup()))
})

/** The JSON a fixture printed after `tag ` (read from raw stdout: the log may be masked). */
function report(result: StepResult, tag: string): Record<string, unknown> {
  const line = result.rawStdout.split('\n').find((l) => l.startsWith(`${tag} `))
  if (!line) throw new Error(`no ${tag} line in:\n${result.rawStdout}`)
  return JSON.parse(line.slice(tag.length + 1)) as Record<string, unknown>
}

describe('loadActionDefinition', () => {
  it('resolves entries next to action.yml and reads inputs as strings', () => {
    const definition = loadActionDefinition(actionYml)
    expect(definition.main).toBe(join(fixtures, 'fake-action', 'main.mjs'))
    expect(definition.post).toBe(join(fixtures, 'fake-action', 'post.mjs'))
    expect(definition.postIf).toBeUndefined()
    expect(definition.inputs['key ttl']).toMatchObject({ default: '3600' })
    expect(definition.inputs['admin-api-key']).toMatchObject({ required: true })
    expect(definition.inputs.note?.default).toBeUndefined()
  })

  it('refuses anything but node24', () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-yml-'))
    try {
      writeFileSync(join(dir, 'action.yml'), 'runs:\n  using: node20\n  main: index.js\n')
      expect(() => loadActionDefinition(join(dir, 'action.yml'))).toThrow(/node24/)
    } finally {
      rmSync(dir, { recursive: true })
    }
  })
})

describe('environment and inputs', () => {
  it('passes inputs like the runner and only the runner environment', async () => {
    const job = newJob({
      githubToken: 'ghs_jobtoken123',
      env: { GITHUB_REPOSITORY: 'acme/models', EXTRA: 'yes' },
    })
    const result = await job.runMain({ inputs: { 'admin-api-key': 'k1' }, env: { STEP_ONLY: '1' } })
    expect(result.conclusion).toBe('success')
    const { env, cwd } = report(result, 'REPORT') as { env: Record<string, string>; cwd: string }
    expect(env).toMatchObject({
      INPUT_MODE: 'report',
      'INPUT_ADMIN-API-KEY': 'k1',
      INPUT_KEY_TTL: '3600',
      INPUT_NOTE: '',
      INPUT_TOKEN: 'ghs_jobtoken123',
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_REPOSITORY: 'acme/models',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_RUN_ID: '1234567890',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_ACTION: '__vast-scoped-key',
      GITHUB_WORKSPACE: job.workspace,
      RUNNER_OS: 'Linux',
      EXTRA: 'yes',
      STEP_ONLY: '1',
      PATH: process.env.PATH,
    })
    expect(cwd).toBe(job.workspace)
    expect(env.HOME).not.toBe(homedir())
    expect(env.HOME?.startsWith(job.root)).toBe(true)
    for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH']) {
      expect(env[name]?.startsWith(job.root)).toBe(true)
    }
    // The test process runs with NODE_OPTIONS (jest's ESM flags); the action must not see them.
    expect(process.env.NODE_OPTIONS).toBeDefined()
    expect(env.NODE_OPTIONS).toBeUndefined()
    expect(env.RUNNER_DEBUG).toBeUndefined()
    expect(env.GITHUB_TOKEN).toBeUndefined()
    // github.token is a secret: masked in the log even though the action never masked it.
    expect(result.log.join('\n')).not.toContain('ghs_jobtoken123')
  })

  it('throws on an input action.yml does not declare', async () => {
    const job = newJob()
    await expect(job.runMain({ inputs: { 'admin-api-key': 'k', nope: 'x' } })).rejects.toThrow(
      /Unexpected input 'nope'/,
    )
  })
})

describe('file commands and later steps', () => {
  it('parses outputs, state, env, path and summary and hands them to post and later steps', async () => {
    const job = newJob()
    const main = await job.runMain({ inputs: { mode: 'files', 'admin-api-key': 'k' } })
    expect(main.outputs).toEqual({ 'key-id': '123', notes: 'line one\nline two=2', empty: '' })
    expect(main.state).toEqual({ 'key-id': '123', expires: '2026-11-22T10:00:00Z' })
    expect(main.exportedEnv).toEqual({ VAST_KEY_ID: '123', MULTI: 'a\nb=c' })
    expect(main.paths).toEqual(['/opt/fake-bin'])
    expect(main.summary).toBe('### Key created\n')
    expect(main.files.output).toContain('notes<<ghadelimiter_1')
    // The runner refuses NODE_OPTIONS from GITHUB_ENV with an error, without failing the step.
    expect(main.annotations).toEqual([
      {
        level: 'error',
        message: "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
        properties: {},
      },
    ])
    expect(main.conclusion).toBe('success')

    const post = await job.runPost({ inputs: { 'admin-api-key': 'k' } })
    expect(report(post, 'POST')).toEqual({
      state: { 'STATE_key-id': '123', STATE_expires: '2026-11-22T10:00:00Z' },
      mode: 'report', // inputs are evaluated again for post: the default this time
      vastKeyId: '123',
      multi: 'a\nb=c',
    })

    const step = await job.runStep(laterStep)
    expect(report(step, 'STEP')).toEqual({
      vastKeyId: '123',
      multi: 'a\nb=c',
      firstPath: '/opt/fake-bin',
      action: '__run',
    })
  })

  it('fails on a non-zero exit, still reads the files, and post-if always() runs post', async () => {
    const job = newJob()
    const main = await job.runMain({ inputs: { mode: 'fail', 'admin-api-key': 'k' } })
    expect(main).toMatchObject({ exitCode: 3, signal: null, conclusion: 'failure' })
    expect(main.state).toEqual({ 'key-id': '9' })
    expect(main.log).toEqual(['Error: something broke'])
    expect(job.status).toBe('failure')
    expect(job.postShouldRun()).toBe(true)
    const post = await job.runPost({ inputs: { 'admin-api-key': 'k' } })
    expect(report(post, 'POST')).toMatchObject({ state: { 'STATE_key-id': '9' } })
  })

  it('records deprecated commands; set-env is disabled and fails the step', async () => {
    const job = newJob()
    const main = await job.runMain({ inputs: { mode: 'deprecated', 'admin-api-key': 'k' } })
    expect(main.deprecatedCommands).toEqual(['set-output', 'save-state', 'set-env'])
    expect(main.outputs).toEqual({ legacy: '1' })
    expect(main.state).toEqual({ legacy: '2' })
    expect(main.exportedEnv).toEqual({})
    expect(main.exitCode).toBe(0)
    expect(main.conclusion).toBe('failure')
    expect(main.log).toContain(
      "Error: Unable to process command '::set-env name=LEGACY::3' successfully.",
    )
  })
})

describe('workflow commands', () => {
  it('shows the log as the runner displays it', async () => {
    const job = newJob()
    const main = await job.runMain({ inputs: { mode: 'commands', 'admin-api-key': 'k' } })
    const stdoutLog = main.log.filter((line) => !line.startsWith('Error: from stderr'))
    expect(stdoutLog).toEqual([
      'plain line',
      '##[group]Create key',
      'inside group',
      '##[endgroup]',
      'Warning: be careful',
      'line two',
      'Notice: all good',
      '::unknown-command::shown as is',
      '::stop-commands::***', // tokens longer than 6 characters are masked for the job
      '::warning::ignored while stopped',
      '::***::',
      'Warning: after resume',
    ])
    expect(main.log).toContain('Error: from stderr at 100%')
    expect(main.annotations).toContainEqual({
      level: 'warning',
      message: 'be careful\nline two',
      properties: { file: 'src/a.ts', line: '3', title: 'Heads up: read, then act' },
    })
    expect(main.annotations).toContainEqual({
      level: 'notice',
      message: 'all good',
      properties: { title: 'Note' },
    })
    expect(main.annotations).toContainEqual({
      level: 'error',
      message: 'from stderr at 100%',
      properties: {},
    })
    expect(main.annotations).toHaveLength(4)
  })

  it('with debug: ##[debug] lines, echoed commands, runner debug lines and RUNNER_DEBUG', async () => {
    const job = newJob()
    const main = await job.runMain({
      inputs: { mode: 'commands', 'admin-api-key': 'k' },
      debug: true,
    })
    const stdoutLog = main.log.filter((line) => !line.includes('from stderr'))
    expect(stdoutLog.slice(0, 5)).toEqual([
      'plain line',
      '##[debug]debug message',
      '::group::Create key',
      '##[group]Create key',
      'inside group',
    ])
    expect(main.log).toContain('##[debug]indented')
    expect(main.log).toContain('##[debug]Save intra-action state key-id = 123')
    expect(main.log).toContain('##[debug]Node Action run completed with exit code 0')

    const reportJob = newJob()
    const reported = await reportJob.runMain({ inputs: { 'admin-api-key': 'k' }, debug: true })
    const { env } = report(reported, 'REPORT') as { env: Record<string, string> }
    expect(env).toMatchObject({ RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' })
  })
})

describe('masking', () => {
  it('masks a value and its encodings after ::add-mask::, for the rest of the job', async () => {
    const job = newJob()
    const main = await job.runMain({ inputs: { mode: 'mask', 'admin-api-key': SECRET } })
    const basicAuth = Buffer.from(`user:${SECRET}`).toString('base64')
    expect(main.log).toEqual([
      `before mask: ${SECRET}`, // printed before the mask existed
      'after mask: ***',
      'base64: ***',
      `basic auth: ${basicAuth.slice(0, 8)}***`, // the shifted base64 variant
      'json: {"key":"***"}',
      'uri: https://example.test/?k=***',
      'multi: ***',
      'multi:   ***  ',
      "Warning: Can't add secret mask for empty string in ##[add-mask] command.",
    ])
    expect(main.masks).toEqual([SECRET, 'first-line-secret\n  second-line-secret  '])
    expect(job.masks).toEqual(main.masks)
    expect(main.rawStdout).toContain(`after mask: ${SECRET}`)

    const post = await job.runPost({ inputs: { 'admin-api-key': SECRET } })
    expect(post.log).toContain('post sees: ***')
    expect(post.log.join('\n')).not.toContain(SECRET)
  })

  it('applyMasks: every encoder, overlaps merged into one ***', () => {
    const secret = `p@ss w'rd<&>"x\\`
    const forms = {
      base64: Buffer.from(secret).toString('base64'),
      json: JSON.stringify(secret).slice(1, -1),
      uri: encodeURIComponent(secret).replace(/'/g, '%27'),
      xml: 'p@ss w&apos;rd&lt;&amp;&gt;&quot;x\\',
      expression: `p@ss w''rd<&>"x\\`,
    }
    for (const form of Object.values(forms)) {
      expect(applyMasks(`[${form}]`, [secret])).toBe('[***]')
    }
    expect(applyMasks('abcdef', ['abcd', 'cdef'])).toBe('***')
    expect(applyMasks('"quoted-secret"', ['"quoted-secret"'])).toBe('***')
    expect(applyMasks('x quoted-secret x', ['"quoted-secret"'])).toBe('x *** x')
    expect(applyMasks('line: two', ['one\n two '])).toBe('line: ***')
    expect(applyMasks('nothing here', ['', '   '])).toBe('nothing here')
  })

  it('findLeaks: a secret is fine only inside its own ::add-mask:: line', () => {
    const multi = 'line-one-secret\nline-two-secret'
    const clean = `::add-mask::${SECRET}\n  ::add-mask::line-one-secret%0Aline-two-secret\nall good\n`
    expect(findLeaks(clean, [SECRET, multi])).toEqual([])
    expect(findLeaks(`${clean}key=${SECRET}\n`, [SECRET, multi])).toEqual([SECRET])
    expect(findLeaks(`${clean}line-one-secret\nline-two-secret`, [SECRET, multi])).toEqual([multi])
    expect(findLeaks(`auth ${Buffer.from(SECRET).toString('base64')}`, [SECRET])).toEqual([SECRET])
    expect(findLeaks(`::add-mask::other ${SECRET}`, [SECRET])).toEqual([SECRET])
  })

  it('findLeaks over allText() catches a secret saved in a file command', async () => {
    const safe = newJob()
    await safe.runMain({ inputs: { mode: 'safe', 'admin-api-key': SECRET } })
    expect(findLeaks(safe.allText(), [SECRET])).toEqual([])

    const leaky = newJob()
    const main = await leaky.runMain({ inputs: { mode: 'leak-file', 'admin-api-key': SECRET } })
    expect(main.log.join('\n')).not.toContain(SECRET)
    expect(findLeaks(leaky.allText(), [SECRET])).toEqual([SECRET])
  })
})

describe('cancellation and timeout', () => {
  function readyPromise(): { ready: Promise<void>; onOutput: (line: string) => void } {
    let resolveReady: () => void = () => undefined
    const ready = new Promise<void>((resolve) => (resolveReady = resolve))
    return { ready, onOutput: (line) => line === 'ready' && resolveReady() }
  }

  it('sends SIGINT, then SIGTERM, then SIGKILL, and concludes cancelled', async () => {
    const job = newJob()
    const { ready, onOutput } = readyPromise()
    const main = await job.runMain({
      inputs: { mode: 'sleep', 'admin-api-key': 'k' },
      onOutput,
      cancelAfter: { when: ready },
      cancelGraceMs: 300,
      killGraceMs: 200,
    })
    expect(main.signalsSent.map((s) => s.signal)).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL'])
    const [int, term, kill] = main.signalsSent.map((s) => s.atMs) as [number, number, number]
    expect(term - int).toBeGreaterThanOrEqual(290)
    expect(kill - term).toBeGreaterThanOrEqual(190)
    expect(main).toMatchObject({
      signal: 'SIGKILL',
      exitCode: null,
      cancelled: true,
      conclusion: 'cancelled',
    })
    expect(main.log).toEqual(['ready', 'got SIGINT', 'got SIGTERM'])
    expect(job.status).toBe('cancelled')
  })

  it('an action that exits on SIGINT gets nothing more', async () => {
    const job = newJob()
    const { ready, onOutput } = readyPromise()
    const main = await job.runMain({
      inputs: { mode: 'graceful', 'admin-api-key': 'k' },
      onOutput,
      cancelAfter: { when: ready },
    })
    expect(main.signalsSent.map((s) => s.signal)).toEqual(['SIGINT'])
    expect(main).toMatchObject({ exitCode: 0, cancelled: true, conclusion: 'cancelled' })
    expect(main.log).toEqual(['ready', 'cleaning up'])
  })

  it('kills on timeout', async () => {
    const job = newJob()
    const main = await job.runMain({
      inputs: { mode: 'sleep', 'admin-api-key': 'k' },
      timeoutMs: 400,
    })
    expect(main).toMatchObject({
      timedOut: true,
      cancelled: false,
      signal: 'SIGKILL',
      conclusion: 'failure',
    })
    expect(main.durationMs).toBeGreaterThanOrEqual(390)
  })
})

describe('parsers', () => {
  it('parseCommand unescapes data and properties like the runner', () => {
    expect(parseCommand('::error file=a%2Cb.ts,line=1,,bad,=x::50%25 done%0Anext')).toEqual({
      command: 'error',
      properties: { file: 'a,b.ts', line: '1' },
      data: '50% done\nnext',
    })
    expect(parseCommand('   ::Add-Mask::v')).toMatchObject({ command: 'Add-Mask', data: 'v' })
    expect(parseCommand('::not-registered::x')).toBeUndefined()
    expect(parseCommand('text ::error::x')).toBeUndefined()
    expect(parseLegacyCommand('text ##[warning file=x%3B.ts]msg%5D')).toEqual({
      command: 'warning',
      properties: { file: 'x;.ts' },
      data: 'msg]',
    })
  })

  it('parseKeyValueFile follows EnvFileKeyValuePairs', () => {
    expect(parseKeyValueFile('a=1\n\nb<<E\nx\r\ny\nE\nc=d<<e\nf<<=\n=\n=v\n').pairs).toEqual([
      ['a', '1'],
      ['b', 'x\r\ny'],
      ['c', 'd<<e'],
      ['f', ''],
      ['', 'v'],
    ])
    expect(parseKeyValueFile('a<<E\nE').pairs).toEqual([['a', '']])
    expect(parseKeyValueFile('a=1\nb<<E\nno end\n')).toEqual({
      pairs: [['a', '1']],
      error: "Invalid value. Matching delimiter not found 'E'",
    })
    expect(parseKeyValueFile('a<<E\nx').error).toBe('Invalid value. EOF marker missing new line.')
    expect(parseKeyValueFile('just text\n').error).toBe("Invalid format 'just text'")
    expect(parseKeyValueFile('<<E\nE\n').error).toMatch(/Name must not be empty/)
  })
})
