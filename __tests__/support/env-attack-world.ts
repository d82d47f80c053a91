import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LoopbackProxy } from '../../emulator/proxy.ts'
import { TlsFront } from '../../emulator/tls.ts'

// The servers of support/env-attack.ts that live for a whole run: the job's https front and proxy,
// and the attacker's recorder, TLS front (its own certificate) and MITM proxy.

export interface Recorded {
  server: string
  text: string
}

/** The attacker's fake Vast / broker / token service: records everything, answers "yes". */
function recorderHandler(records: Recorded[], server: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      records.push({
        server,
        text: `${req.method ?? ''} ${req.url ?? ''}\n${JSON.stringify(req.headers)}\n${Buffer.concat(chunks).toString('utf8')}`,
      })
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(
        JSON.stringify({ success: true, value: 'attacker-token', apikeys: [], result: 'deleted' }),
      )
    })
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

export interface AttackWorld {
  legitTls: TlsFront
  /** Points the legit TLS front at this case's Vast emulator. */
  forwardTo(port: number): void
  legitProxy: LoopbackProxy
  /** Plain http on loopback: the attacker's fake Vast, broker and token service. */
  attackerUrl: string
  /** The same, behind TLS with the attacker's certificate (trusted only with `attackerCa`). */
  attackerTls: TlsFront
  /** The attacker's proxy: records plain requests, and MITMs every CONNECT. */
  attackerProxyUrl: string
  deadProxyUrl: string
  /** Answers 401 to everything: the GitHub API of a rotation that fails before any key. */
  deadGitHubUrl: string
  dir: string
  decoy: string
  records: Recorded[]
  close(): Promise<void>
}

export async function startAttackWorld(): Promise<AttackWorld> {
  const records: Recorded[] = []
  // The legit https front forwards to whichever emulator the case runs (each case has its own).
  let target = 0
  const forwarder = createNetServer((socket) => {
    const upstream = connect(target, '127.0.0.1')
    socket.pipe(upstream).pipe(socket)
    for (const s of [socket, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        socket.destroy()
        upstream.destroy()
      })
    }
  })
  await new Promise<void>((resolve) => forwarder.listen(0, '127.0.0.1', resolve))
  const sockets = new Set<Socket>()
  const legitTls = await TlsFront.start(
    `http://127.0.0.1:${(forwarder.address() as AddressInfo).port}`,
  )
  const legitProxy = await LoopbackProxy.start()
  const attacker = createServer(recorderHandler(records, 'attacker'))
  const attackerUrl = await listen(attacker)
  const attackerTls = await TlsFront.start(attackerUrl)
  const tlsPort = Number(new URL(attackerTls.url).port)
  const proxy = createServer(recorderHandler(records, 'attacker proxy'))
  proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    records.push({ server: 'attacker proxy', text: `CONNECT ${req.url ?? ''}` })
    const upstream = connect(tlsPort, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    for (const s of [socket, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        socket.destroy()
        upstream.destroy()
      })
    }
  })
  const attackerProxyUrl = await listen(proxy)
  // A port that refuses: listen, note it, close.
  const dead = createServer()
  const deadProxyUrl = await listen(dead)
  await close(dead)
  const github = createServer((_req, res) => {
    res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"Bad credentials"}')
  })
  const deadGitHubUrl = await listen(github)
  const dir = mkdtempSync(join(tmpdir(), 'vsk-attack-'))
  mkdirSync(join(dir, 'ca'))
  writeFileSync(join(dir, 'ca', 'attacker.pem'), '')
  const decoy = join(dir, 'decoy-file')
  writeFileSync(decoy, 'not the action’s file\n')
  return {
    legitTls,
    forwardTo: (port) => {
      target = port
    },
    legitProxy,
    attackerUrl,
    attackerTls,
    attackerProxyUrl,
    deadProxyUrl,
    deadGitHubUrl,
    dir,
    decoy,
    records,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await close(proxy)
      await close(attacker)
      await close(github)
      await attackerTls.close()
      await legitTls.close()
      await legitProxy.close()
      await new Promise<void>((resolve) => forwarder.close(() => resolve()))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
