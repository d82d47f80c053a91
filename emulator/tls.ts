// An https front for a loopback emulator, for tests of the https path (the one real users take)
// and of HTTPS_PROXY. It makes a throwaway self-signed certificate for 127.0.0.1 (and for
// PROXIED_HOST, the name the test proxy resolves to loopback) with the openssl
// command, terminates TLS and passes the bytes on to the emulator's plain-http port. The child
// process trusts the certificate through NODE_EXTRA_CA_CERTS.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:tls'
import type { Server } from 'node:tls'
import { PROXIED_HOST } from './proxy.ts'

export class TlsFront {
  /** The certificate to trust: pass it as NODE_EXTRA_CA_CERTS. */
  readonly caFile: string
  readonly #dir: string
  readonly #sockets = new Set<Socket>()
  #server: Server | undefined
  #url = ''

  private constructor(dir: string) {
    this.#dir = dir
    this.caFile = join(dir, 'cert.pem')
  }

  /** Serves https on a free loopback port and forwards to `target` (http://host:port). */
  static async start(target: string): Promise<TlsFront> {
    const dir = mkdtempSync(join(tmpdir(), 'vsk-tls-'))
    // prettier-ignore
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:' + PROXIED_HOST,
    ], { stdio: 'ignore' })
    const front = new TlsFront(dir)
    await front.#listen(new URL(target))
    return front
  }

  /** e.g. https://127.0.0.1:41234 */
  get url(): string {
    return this.#url
  }

  async #listen(target: URL): Promise<void> {
    const server = createServer(
      { key: readFileSync(join(this.#dir, 'key.pem')), cert: readFileSync(this.caFile) },
      (secure) => {
        const plain = connect(Number(target.port), target.hostname)
        for (const socket of [secure, plain]) {
          this.#sockets.add(socket)
          socket.on('close', () => this.#sockets.delete(socket))
          socket.on('error', () => {
            secure.destroy()
            plain.destroy()
          })
        }
        secure.pipe(plain).pipe(secure)
      },
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.#server = server
    this.#url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve(),
    )
    rmSync(this.#dir, { recursive: true, force: true })
  }
}
