import { afterEach, describe, expect, it } from '@jest/globals'
import { setTimeout as sleep } from 'node:timers/promises'
import { VastEmulator } from '../emulator/vast.ts'
import type { EmulatorOptions } from '../emulator/vast.ts'

// The instance routes of the emulator (vast-instances-api.md I1-I6) over real HTTP, with the
// contract's open questions as variants.

const started: VastEmulator[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()))
})

async function start(options?: EmulatorOptions): Promise<VastEmulator> {
  const emulator = await VastEmulator.start(options)
  started.push(emulator)
  return emulator
}

interface Answer {
  status: number
  body: Record<string, unknown>
}

async function call(
  e: VastEmulator,
  method: string,
  path: string,
  options: { body?: unknown; key?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${e.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${options.key ?? e.parentKey}`,
      'Content-Type': 'application/json',
    },
    ...(method === 'GET' ? {} : { body: JSON.stringify(options.body ?? {}) }),
  })
  const text = await response.text()
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    body = { text }
  }
  return { status: response.status, body }
}

let offer = 100
const create = (e: VastEmulator, label: string | null, extra: Record<string, unknown> = {}) =>
  call(e, 'PUT', `/api/v0/asks/${offer++}/`, {
    body: { client_id: 'me', image: 'pytorch/pytorch', label, cancel_unavail: true, ...extra },
  })

function listPath(query: Record<string, unknown>): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    params.set(name, typeof value === 'string' ? value : JSON.stringify(value))
  }
  return `/api/v1/instances/?${params.toString()}`
}

/** Every page of a list, as the CLI reads it. */
async function listAll(e: VastEmulator, query: Record<string, unknown> = {}) {
  const rows: Array<Record<string, unknown>> = []
  let token: string | null = null
  let pages = 0
  do {
    const answer = await call(
      e,
      'GET',
      listPath({ limit: 25, ...query, ...(token ? { after_token: token } : {}) }),
    )
    expect(answer.status).toBe(200)
    rows.push(...((answer.body.instances as Array<Record<string, unknown>> | null) ?? []))
    token = (answer.body.next_token as string | null) ?? null
    pages += 1
  } while (token)
  return { rows, pages }
}

const labelEq = (label: string) => ({ select_filters: { label: { eq: label } } })

describe('instance routes', () => {
  it('creates with a label, lists it, shows it, destroys it', async () => {
    const e = await start()
    const made = await create(e, 'ci:octo/repo:1.1:train:n1')
    expect(made.status).toBe(200)
    expect(made.body).toMatchObject({ success: true, new_contract: expect.any(Number) })
    expect(made.body.instance_api_key).toMatch(/^[0-9a-f]{64}$/)
    const id = made.body.new_contract as number
    const listed = await listAll(e, labelEq('ci:octo/repo:1.1:train:n1'))
    expect(listed.rows.map((r) => r.id)).toEqual([id])
    expect(listed.rows[0]).toMatchObject({
      label: 'ci:octo/repo:1.1:train:n1',
      cur_state: 'running',
    })
    const shown = await call(e, 'GET', `/api/v0/instances/${id}/?owner=me`)
    expect(shown.body.instances).toMatchObject({ id })
    const destroyed = await call(e, 'DELETE', `/api/v0/instances/${id}/`)
    expect(destroyed).toEqual({ status: 200, body: { success: true } })
    expect((await call(e, 'GET', `/api/v0/instances/${id}/?owner=me`)).body).toEqual({
      instances: null,
    })
    expect((await listAll(e)).rows).toEqual([])
    expect(e.liveInstances()).toEqual([])
    // a second destroy: 404 not_found by default
    expect(await call(e, 'DELETE', `/api/v0/instances/${id}/`)).toEqual({
      status: 404,
      body: { success: false, error: 'not_found', msg: 'Instance not found' },
    })
  })

  it('pages 25 at a time with next_token until the end, filters on label exactly', async () => {
    const e = await start()
    for (let i = 0; i < 60; i++) e.addInstance({ label: i % 2 === 0 ? 'even' : 'odd' })
    e.addInstance({ label: 'Even' })
    e.addInstance({ label: null })
    const all = await listAll(e)
    expect(all.rows).toHaveLength(62)
    expect(all.pages).toBe(3)
    const even = await listAll(e, labelEq('even'))
    expect(even.rows).toHaveLength(30)
    expect(new Set(even.rows.map((r) => r.label))).toEqual(new Set(['even']))
    const ids = even.rows.map((r) => r.id as number)
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
    const first = await call(e, 'GET', listPath({ ...labelEq('even'), limit: 25 }))
    expect(first.body).toMatchObject({ instances_found: 25, total_instances: 30 })
    const inList = await listAll(e, { select_filters: { label: { in: ['even', 'Even'] } } })
    expect(inList.rows).toHaveLength(31)
  })

  it('refuses bad filters, bad tokens and the retired v0 list', async () => {
    const e = await start()
    expect(
      (await call(e, 'GET', listPath({ select_filters: { label: { like: 'x' } } }))).body,
    ).toMatchObject({ error: 'invalid_request' })
    expect(
      (await call(e, 'GET', listPath({ select_filters: { dph_total: { gt: 1 } } }))).status,
    ).toBe(400)
    expect((await call(e, 'GET', listPath({ after_token: 'nonsense' }))).body).toMatchObject({
      error: 'invalid_token',
    })
    expect(await call(e, 'GET', '/api/v0/instances/')).toMatchObject({
      status: 410,
      body: { error: 'deprecated_endpoint' },
    })
  })

  it('needs instance_read to list and instance_write to destroy, for every instance of the user', async () => {
    const e = await start()
    const reader = e.addKey({ name: 'r', permissions: { api: { instance_read: {} } } })
    const writer = e.addKey({ name: 'w', permissions: { api: { instance_write: {} } } })
    const theirs = e.addInstance({ label: 'made by a person in the console' })
    expect((await call(e, 'GET', listPath({}), { key: reader.key })).status).toBe(200)
    expect((await call(e, 'GET', listPath({}), { key: writer.key })).status).toBe(403)
    expect(
      (await call(e, 'DELETE', `/api/v0/instances/${theirs.id}/`, { key: reader.key })).status,
    ).toBe(403)
    // a label is no ownership: any key with instance_write reaches every instance of the account
    expect(
      (await call(e, 'DELETE', `/api/v0/instances/${theirs.id}/`, { key: writer.key })).status,
    ).toBe(200)
  })

  it("never shows or destroys another user's instance", async () => {
    const e = await start()
    const other = e.addInstance({ label: 'x', userId: 2002 })
    expect((await listAll(e)).rows).toEqual([])
    expect((await call(e, 'GET', `/api/v0/instances/${other.id}/`)).body).toEqual({
      instances: null,
    })
    expect((await call(e, 'DELETE', `/api/v0/instances/${other.id}/`)).status).toBe(404)
    expect(e.liveInstances()).toHaveLength(1)
  })

  it('labels and stops through PUT, with the relabel limit of 1024', async () => {
    const e = await start()
    const i = e.addInstance({ label: null })
    expect(
      (await call(e, 'PUT', `/api/v0/instances/${i.id}/`, { body: { label: 'new' } })).body,
    ).toMatchObject({ success: true })
    expect(i.label).toBe('new')
    const long = await call(e, 'PUT', `/api/v0/instances/${i.id}/`, {
      body: { label: 'x'.repeat(1025) },
    })
    expect(long).toMatchObject({ status: 400, body: { error: 'label_too_long' } })
    await call(e, 'PUT', `/api/v0/instances/${i.id}/`, { body: { state: 'stopped' } })
    const row = (await listAll(e)).rows[0]
    expect(row).toMatchObject({ cur_state: 'stopped', intended_status: 'stopped' })
  })

  it('uses an offer once: a repeated create gets no_such_ask', async () => {
    const e = await start()
    const body = { client_id: 'me', image: 'x', label: 'a' }
    expect((await call(e, 'PUT', '/api/v0/asks/9/', { body })).status).toBe(200)
    expect(await call(e, 'PUT', '/api/v0/asks/9/', { body })).toMatchObject({
      status: 404,
      body: { error: 'no_such_ask' },
    })
    expect(e.liveInstances()).toHaveLength(1)
  })
})

describe('instance variants', () => {
  it('create label limit: 256 rejected by default, or cut, or 1024', async () => {
    const e = await start()
    expect((await create(e, 'x'.repeat(257))).status).toBe(400)
    e.setVariants({ createLabelTooLong: 'truncate' })
    expect((await create(e, 'y'.repeat(300))).status).toBe(200)
    expect(e.liveInstances()[0]?.label).toBe('y'.repeat(256))
    e.setVariants({ createLabelLimit: 1024, createLabelTooLong: 'reject' })
    expect((await create(e, 'z'.repeat(1000))).status).toBe(200)
  })

  it('a delay before a new instance is listed; show sees it at once', async () => {
    const e = await start({ variants: { instanceListDelayMs: 60_000 } })
    const made = await create(e, 'late')
    const id = made.body.new_contract as number
    expect((await listAll(e, labelEq('late'))).rows).toEqual([])
    expect((await call(e, 'GET', `/api/v0/instances/${id}/`)).body.instances).toMatchObject({ id })
    e.setVariants({ instanceListDelayMs: 300 })
    const createdAt = Date.now()
    const soon = (await create(e, 'soon')).body.new_contract as number
    let rows: Array<Record<string, unknown>> = []
    while (rows.length === 0) {
      rows = (await listAll(e, labelEq('soon'))).rows
      if (rows.length === 0) await sleep(50)
    }
    expect(rows[0]?.id).toBe(soon)
    expect(Date.now() - createdAt).toBeGreaterThanOrEqual(300)
  })

  it('destroyed instances still listed a while as unloaded; show says null', async () => {
    const e = await start({ variants: { destroyedListedMs: 60_000 } })
    const i = e.addInstance({ label: 'gone' })
    await call(e, 'DELETE', `/api/v0/instances/${i.id}/`)
    expect((await listAll(e)).rows).toEqual([
      expect.objectContaining({ id: i.id, cur_state: 'unloaded' }),
    ])
    expect((await call(e, 'GET', `/api/v0/instances/${i.id}/`)).body).toEqual({ instances: null })
  })

  it('a gone instance on destroy: 404, 200 success false, or 403', async () => {
    const e = await start()
    e.setVariants({ instanceGoneDelete: 200 })
    expect(await call(e, 'DELETE', '/api/v0/instances/424242/')).toEqual({
      status: 200,
      body: { success: false, msg: 'Instance not found' },
    })
    e.setVariants({ instanceGoneDelete: 403 })
    expect((await call(e, 'DELETE', '/api/v0/instances/424242/')).status).toBe(403)
  })

  it('an unknown key on the instance routes: 401, or 404 auth_error', async () => {
    const e = await start()
    const bad = 'f'.repeat(64)
    expect((await call(e, 'GET', listPath({}), { key: bad })).status).toBe(401)
    e.setVariants({ unknownKeyOnInstances: 404 })
    expect(await call(e, 'GET', listPath({}), { key: bad })).toMatchObject({
      status: 404,
      body: { error: 'auth_error' },
    })
    expect((await call(e, 'DELETE', '/api/v0/instances/1/', { key: bad })).body).toMatchObject({
      error: 'auth_error',
    })
  })

  it('label filter looser than exact: any case, or trimmed; labels trimmed on store', async () => {
    const e = await start({ variants: { labelFilterMatch: 'case-insensitive' } })
    e.addInstance({ label: 'Job-A' })
    e.addInstance({ label: ' job-a ' })
    expect((await listAll(e, labelEq('job-a'))).rows).toHaveLength(1)
    e.setVariants({ labelFilterMatch: 'trimmed' })
    expect((await listAll(e, labelEq('job-a'))).rows).toHaveLength(1)
    e.setVariants({ labelTrimOnStore: true })
    await create(e, '  padded  ')
    expect(e.liveInstances().at(-1)?.label).toBe('padded')
  })

  it('empty pages as null, and the default page size of 5', async () => {
    const e = await start({ variants: { emptyInstances: 'null', defaultLimit: 5 } })
    expect((await call(e, 'GET', listPath({}))).body.instances).toBeNull()
    for (let i = 0; i < 7; i++) e.addInstance({ label: 'p' })
    const page = await call(e, 'GET', '/api/v1/instances/')
    expect(page.body).toMatchObject({ instances_found: 5, total_instances: 7 })
  })

  it('rate limits per route at the documented intervals (destroy 3 s)', async () => {
    const e = await start({ rateLimits: true })
    const a = e.addInstance({ label: 'a' })
    const b = e.addInstance({ label: 'b' })
    expect((await call(e, 'DELETE', `/api/v0/instances/${a.id}/`)).status).toBe(200)
    const refused = await call(e, 'DELETE', `/api/v0/instances/${b.id}/`)
    expect(refused.status).toBe(429)
    expect(JSON.stringify(refused.body)).toMatch(/threshold=3\.0/)
  })

  it('control API lists instances without their keys, and checks ms variants', async () => {
    const e = await start()
    e.addInstance({ label: 'c' })
    const answer = await fetch(`${e.url}/__emulator/instances`)
    const text = await answer.text()
    expect(JSON.parse(text)).toMatchObject({ instances: [expect.objectContaining({ label: 'c' })] })
    expect(text).not.toMatch(/instanceApiKey/)
    const bad = await fetch(`${e.url}/__emulator/variants`, {
      method: 'POST',
      body: JSON.stringify({ instanceListDelayMs: -1 }),
    })
    expect(bad.status).toBe(400)
  })
})
