import { afterEach, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LoopbackProxy } from '../emulator/proxy.ts'
import { shown } from './support/action.ts'
import { networkWorld, type NetworkWorld } from './support/network.ts'

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
