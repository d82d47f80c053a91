import { afterEach, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LoopbackProxy } from '../emulator/proxy.ts'
import { shown } from './support/action.ts'
import { networkWorld, writeEnv, WRITE_ENV, type NetworkWorld } from './support/network.ts'

// The CA file named by NODE_EXTRA_CA_CERTS keeps its path, and a process an earlier step started
// changes what is behind it while post starts: Node reads the file when the process starts, the
// fingerprint reads it a moment later. Modelled without a race: the path becomes a FIFO that gives
// post's first read (Node's, at start-up) the man in the middle's CA too, and every later read the
// job's own CA. The same process takes over the port of the job's proxy and tunnels to the MITM.

let world: NetworkWorld | undefined
let dir: string | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

/** Serves `contents` to successive readers of the FIFO at `path` (the last one from then on). */
function serveFifo(path: string, contents: string[]): { stop(): Promise<void> } {
  let stopped = false
  const served = (async () => {
    for (let i = 0; !stopped; i++) {
      const handle = await open(path, 'w') // waits for a reader
      try {
        if (!stopped) await handle.writeFile(contents[Math.min(i, contents.length - 1)] ?? '')
      } catch {
        // EPIPE: this open met a reader that was already leaving (on a loaded machine the next
        // open can come before the last reader closed); the next reader gets the next content.
      } finally {
        await handle.close()
      }
    }
  })()
  return {
    async stop() {
      stopped = true
      // A reader of our own releases the writer waiting for one.
      const reader = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
      await served.catch(() => undefined)
      await reader.close()
    },
  }
}

it('a CA file swapped behind its path as post starts: the parent key does not reach the MITM', async () => {
  dir = mkdtempSync(join(tmpdir(), 'vsk-ca-swap-'))
  const caPath = join(dir, 'ca.pem')
  const w = (world = await networkWorld((p) => {
    copyFileSync(p.front.caFile, caPath)
    return { HTTPS_PROXY: p.proxy.url, NODE_EXTRA_CA_CERTS: caPath }
  }))
  const inputs = w.s.inputs()
  const main = await w.s.job.runMain({ inputs })
  expect(main.conclusion).toBe('success')
  const keyId = main.outputs['key-id'] ?? ''

  // The earlier step's process: the proxy's port, and the CA path, are now its own.
  const port = Number(new URL(w.proxy.url).port)
  await w.proxy.close()
  const thief = await LoopbackProxy.start({ divert: w.mitmFront.url, port })
  const legit = readFileSync(w.front.caFile, 'utf8')
  rmSync(caPath)
  execFileSync('mkfifo', [caPath])
  const fifo = serveFifo(caPath, [legit, readFileSync(w.bothCas, 'utf8')])
  try {
    const post = await w.s.job.runPost({ inputs })
    expect(w.mitm.requests).toEqual([])
    // Left alive (the job's proxy is gone), and said so with its id.
    expect(shown(post)).toContain(`Vast.ai key ${keyId}`)
  } finally {
    await fifo.stop()
    await thief.close()
  }
})

it("NODE_USE_SYSTEM_CA=1: a CA dropped into the system's CA directory after main is not trusted by post", async () => {
  // The job trusts the system's CAs, from a directory a later step can write (SSL_CERT_DIR here;
  // /etc/ssl/certs itself with sudo). The directory's path does not change; its content does.
  dir = mkdtempSync(join(tmpdir(), 'vsk-ca-dir-'))
  const certs = join(dir, 'certs')
  mkdirSync(certs)
  const w = (world = await networkWorld((p) => {
    copyFileSync(p.front.caFile, join(certs, 'job.pem'))
    return {
      HTTPS_PROXY: p.proxy.url,
      NODE_USE_SYSTEM_CA: '1',
      SSL_CERT_DIR: certs,
      SSL_CERT_FILE: join(dir ?? '', 'none.pem'),
    }
  }))
  const inputs = w.s.inputs()
  const main = await w.s.job.runMain({ inputs })
  expect(main.conclusion).toBe('success')
  const keyId = main.outputs['key-id'] ?? ''

  const port = Number(new URL(w.proxy.url).port)
  await w.proxy.close()
  const thief = await LoopbackProxy.start({ divert: w.mitmFront.url, port })
  copyFileSync(w.mitmFront.caFile, join(certs, 'thief.pem'))
  try {
    const post = await w.s.job.runPost({ inputs })
    expect(w.mitm.requests).toEqual([])
    expect(shown(post)).toContain(
      `the job's network settings changed after the main step (NODE_USE_SYSTEM_CA (the system's CAs))`,
    )
    expect(shown(post)).toContain(`Vast.ai key ${keyId}`)
  } finally {
    await thief.close()
  }
})

// An earlier step can keep main's JavaScript from ever running: `NODE_USE_ENV_PROXY=1` with a
// `HTTP_PROXY` that is no URL makes Node 24 exit at start-up, before saveEveryStateName; the runner
// still runs post (post-if: always()). A process the earlier step left running then writes to
// main's $GITHUB_ENV file (or a later `if: always()` step does): a working proxy of its own, a CA
// it trusts, and every STATE_* line, the network fingerprint included. The fingerprint is sealed
// with the parent key (an HMAC keyed with the admin-api-key input), which the forger does not
// have, so post sends nothing. (Forged state over the job's own, unchanged network is not sealed:
// see the report of the security review.)
it('main kept from starting: forged state and network do not carry the parent key to a MITM', async () => {
  const { networkFingerprint } = await import('../src/core/network-fingerprint.ts')
  const w = (world = await networkWorld((p) => ({
    HTTPS_PROXY: p.proxy.url,
    NODE_EXTRA_CA_CERTS: p.front.caFile,
  })))
  const inputs = w.s.inputs()
  await writeEnv(w.s.job, { NODE_USE_ENV_PROXY: '1', HTTP_PROXY: '::not-a-url' })
  const main = await w.s.job.runMain({ inputs })
  expect(main.conclusion).toBe('failure')
  expect(main.state).toEqual({})
  const postNetwork = {
    HTTPS_PROXY: w.mitmProxy.url,
    HTTP_PROXY: w.mitmProxy.url,
    NODE_EXTRA_CA_CERTS: w.bothCas,
    NODE_USE_ENV_PROXY: '',
  }
  const name = 'gha-other [vsk2 m=job exp=20991231T000000Z repo=o/r run=1-1 job=j n=abcd1234]'
  // A shell step's or a left-over process's write; this helper is Node, so it runs with its own
  // NODE_USE_ENV_PROXY off.
  const forged = {
    ...postNetwork,
    STATE_mode: 'create',
    STATE_create: JSON.stringify({
      apiUrl: inputs['api-url'],
      name,
      revoke: 'post',
      cleanupFailure: 'warn',
      requestTimeoutMs: 5000,
      maxAttempts: 1,
    }),
    'STATE_key-id': '7',
    'STATE_create-pending': '',
    STATE_network: networkFingerprint({ ...postNetwork }),
  }
  await w.s.job.runStep(WRITE_ENV, {
    env: { WRITE_GITHUB_ENV: JSON.stringify(forged), NODE_USE_ENV_PROXY: '' },
  })
  await w.s.job.runPost({ inputs })
  expect(w.mitm.requests).toEqual([])
})

it("main kept from starting, the job's network left alone: forged state deletes no other job's key", async () => {
  const w = (world = await networkWorld((p) => ({
    HTTPS_PROXY: p.proxy.url,
    NODE_EXTRA_CA_CERTS: p.front.caFile,
  })))
  const other = w.s.emulator.addKey({
    name: 'gha-other [vsk2 m=job exp=20991231T000000Z repo=o/r run=1-1 job=j n=abcd1234]',
  })
  const inputs = w.s.inputs()
  await writeEnv(w.s.job, { NODE_USE_ENV_PROXY: '1', HTTP_PROXY: '::not-a-url' })
  const main = await w.s.job.runMain({ inputs })
  expect(main.conclusion).toBe('failure')
  const forged = {
    HTTP_PROXY: '',
    NODE_USE_ENV_PROXY: '',
    STATE_mode: 'create',
    STATE_create: JSON.stringify({
      apiUrl: inputs['api-url'],
      name: other.name,
      revoke: 'post',
      cleanupFailure: 'warn',
      requestTimeoutMs: 5000,
      maxAttempts: 1,
    }),
    'STATE_key-id': String(other.id),
    'STATE_create-pending': '',
    STATE_network: '',
  }
  const { networkFingerprint } = await import('../src/core/network-fingerprint.ts')
  forged.STATE_network = networkFingerprint({
    HTTPS_PROXY: w.proxy.url,
    NODE_EXTRA_CA_CERTS: w.front.caFile,
    HTTP_PROXY: '',
    NODE_USE_ENV_PROXY: '',
  })
  await w.s.job.runStep(WRITE_ENV, {
    env: { WRITE_GITHUB_ENV: JSON.stringify(forged), NODE_USE_ENV_PROXY: '' },
  })
  await w.s.job.runPost({ inputs })
  expect(w.s.emulator.liveKeys().map((k) => k.id)).toContain(other.id)
  expect(w.s.emulator.requests).toEqual([])
})
