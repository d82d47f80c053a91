import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import {
  constants,
  createBrotliCompress,
  createDeflate,
  createGzip,
  createZstdCompress,
} from 'node:zlib'
import type { Transform } from 'node:stream'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LoopbackProxy, PROXIED_HOST } from '../../emulator/proxy.ts'
import { TlsFront } from '../../emulator/tls.ts'
import { VastEmulator } from '../../emulator/vast.ts'
import { findLeaks, RunnerJob, type StepResult } from '../../harness/runner.ts'
import { ACTION_YML, type Scenario } from './action.ts'

/**
 * Test helpers for the network rules (docs/security.md, "The network post trusts"): a later step
 * that writes `$GITHUB_ENV` lines, and a server whose every answer is a compression bomb.
 */

export const WRITE_ENV = fileURLToPath(new URL('../fixtures/write-env.mjs', import.meta.url))

/** A `run:` step of the job that appends `lines` to `$GITHUB_ENV` (before or after main). */
export async function writeEnv(job: RunnerJob, lines: Record<string, string>): Promise<StepResult> {
  return job.runStep(WRITE_ENV, { env: { WRITE_GITHUB_ENV: JSON.stringify(lines) } })
}

export const ENCODINGS = ['gzip', 'deflate', 'br', 'zstd'] as const
export type Encoding = (typeof ENCODINGS)[number]

/** What every bomb inflates to: 16 times the transport's 32 MiB cap. */
export const BOMB_BYTES = 512 * 1024 * 1024

const bombs = new Map<Encoding, Promise<Buffer>>()

function compressor(encoding: Encoding): Transform {
  switch (encoding) {
    case 'gzip':
      return createGzip({ level: 1 })
    case 'deflate':
      return createDeflate({ level: 1 })
    case 'br':
      return createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 1 } })
    case 'zstd':
      return createZstdCompress({ params: { [constants.ZSTD_c_compressionLevel]: 1 } })
  }
}

/** {@link BOMB_BYTES} of `{"x":"000…` compressed with `encoding` (a few hundred kB); made once. */
export function bomb(encoding: Encoding): Promise<Buffer> {
  let made = bombs.get(encoding)
  if (!made) {
    made = new Promise<Buffer>((resolve, reject) => {
      const stream = compressor(encoding)
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => resolve(Buffer.concat(chunks)))
      stream.on('error', reject)
      const zeros = Buffer.alloc(1024 * 1024, '0')
      stream.write('{"x":"')
      let left = BOMB_BYTES / zeros.length
      const pump = () => {
        while (left > 0) {
          left--
          if (!stream.write(zeros)) {
            stream.once('drain', pump)
            return
          }
        }
        stream.end('"}')
      }
      pump()
    })
    bombs.set(encoding, made)
  }
  return made
}

/** A loopback http server answering every request 200 with a bomb in `encoding`. */
export class BombServer {
  requests = 0
  readonly #server: Server
  private constructor(server: Server) {
    this.#server = server
  }

  static async start(encoding: Encoding): Promise<BombServer> {
    const body = await bomb(encoding)
    const server = createServer()
    const bombServer = new BombServer(server)
    server.on('request', (req, res) => {
      bombServer.requests++
      req.resume()
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Encoding': encoding,
        'Content-Length': body.length,
      })
      res.end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return bombServer
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}

/**
 * The network of one job: the Vast emulator behind a trusted TLS front, reached as
 * `https://vast-api.test:<port>` (a name only the test proxies resolve) through a proxy the job
 * sets; and a man in the middle: a second emulator that records whatever reaches it, behind a TLS
 * front with a certificate of its own, and a proxy that diverts every tunnel to it.
 */
export interface NetworkWorld {
  s: Scenario
  front: TlsFront
  proxy: LoopbackProxy
  mitm: VastEmulator
  mitmFront: TlsFront
  mitmProxy: LoopbackProxy
  /** Both certificates in one file (a later step may trust both). */
  bothCas: string
  /** The configured api-url: the real emulator, through a proxy. */
  apiUrl: string
  close(): Promise<void>
}

export async function networkWorld(
  jobEnv: (w: Omit<NetworkWorld, 's' | 'close'>) => Record<string, string>,
): Promise<NetworkWorld> {
  const emulator = await VastEmulator.start()
  const front = await TlsFront.start(emulator.url)
  const proxy = await LoopbackProxy.start()
  const mitm = await VastEmulator.start()
  const mitmFront = await TlsFront.start(mitm.url)
  const mitmProxy = await LoopbackProxy.start({ divert: mitmFront.url })
  const dir = mkdtempSync(join(tmpdir(), 'vsk-cas-'))
  const bothCas = join(dir, 'both.pem')
  writeFileSync(
    bothCas,
    readFileSync(front.caFile, 'utf8') + readFileSync(mitmFront.caFile, 'utf8'),
  )
  const apiUrl = `https://${PROXIED_HOST}:${new URL(front.url).port}`
  const parts = { front, proxy, mitm, mitmFront, mitmProxy, bothCas, apiUrl }
  const job = new RunnerJob({ actionYml: ACTION_YML, env: jobEnv(parts) })
  const secrets = () => [emulator.parentKey, ...emulator.keys().map((k) => k.key)]
  const s: Scenario = {
    emulator,
    job,
    inputs: (extra = {}) => ({
      'admin-api-key': emulator.parentKey,
      'api-url': apiUrl,
      permissions: 'instance_read',
      ...extra,
    }),
    secrets,
    leaks: () => findLeaks(job.logText(), [...new Set(secrets())]),
    close: async () => {
      await job.cleanup()
      await emulator.close()
    },
  }
  return {
    ...parts,
    s,
    close: async () => {
      await s.close()
      for (const closable of [front, proxy, mitm, mitmFront, mitmProxy]) await closable.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
