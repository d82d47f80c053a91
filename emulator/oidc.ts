// A loopback emulator of GitHub Actions' OIDC issuer, for the key broker's tests and demo: its own
// RSA key pair, the discovery document and JWKS of an issuer, and the runner's token request
// endpoint (what ACTIONS_ID_TOKEN_REQUEST_URL points at), which issues an RS256 token with the
// job's claims for the audience asked for. It can also sign any token at all, for attack tests.
//
// Facts (GitHub's "About security hardening with OpenID Connect" and @actions/core's getIDToken):
// the request is `GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=<aud>` with
// `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>`, the answer `{"value": "<jwt>"}`; the
// issuer publishes its keys at `<issuer>/.well-known/jwks`; tokens are RS256 with `kid`, and carry
// iss, aud, sub, exp, nbf, iat, jti, repository, repository_owner, run_id, run_attempt, ref, ...

import {
  createHmac,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SignJWT } from 'jose'

/** The claims of one job, as GitHub puts them into its OIDC token. */
export interface JobClaims {
  repository: string
  run_id: string
  run_attempt: string
  ref?: string
  environment?: string
  event_name?: string
  job_workflow_ref?: string
  repository_owner?: string
  [claim: string]: unknown
}

export interface SignOptions {
  audience?: string
  issuer?: string
  /** Seconds from now; defaults: iat/nbf now, exp now + 300. */
  iatOffset?: number
  nbfOffset?: number
  expOffset?: number
  /** Leave a timing claim out. */
  omit?: ('exp' | 'iat' | 'nbf')[]
  /** Sign with this key instead of the issuer's (a token "from another key"). */
  key?: KeyObject
  kid?: string
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url')
}

export class OidcEmulator {
  readonly #server: Server
  #privateKey: KeyObject
  #publicKey: KeyObject
  /** The kid of the key the issuer signs with now. */
  kid = `emu-${randomBytes(4).toString('hex')}`
  /** Every key the JWKS publishes, the signing one last. */
  readonly #published: { kid: string; publicKey: KeyObject }[] = []
  readonly #jobs = new Map<string, JobClaims>()
  /** How many times the JWKS was fetched. */
  jwksFetches = 0
  /** Every token the token endpoint issued, in order (tests look for them in logs and state). */
  readonly issued: string[] = []
  /** Answer the token endpoint with this status instead (e.g. 403 like a job without id-token: write). */
  tokenEndpointStatus: number | undefined
  /**
   * Faults for the next token requests, one each, in order, before normal answers resume: a
   * status (answered with a JSON error), `'reset'` (the connection destroyed, no answer) or
   * `'empty'` (200 without a token). Public reports of GitHub's token service show 5xx and resets.
   */
  readonly tokenFaults: (number | 'reset' | 'empty')[] = []
  /** Token requests the token endpoint received (faulted ones included). */
  tokenRequests = 0
  /** Seconds added to the issuer's clock: the iat, nbf and exp of every token it signs. */
  clockOffsetS = 0
  #url = ''

  private constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    this.#privateKey = privateKey
    this.#publicKey = publicKey
    this.#published.push({ kid: this.kid, publicKey })
    this.#server = createServer((req, res) => this.#handle(req, res))
  }

  /** Listens on 127.0.0.1 (port 0: any free one); tokens are minted by /token and /__emulator/token. */
  static async start(): Promise<OidcEmulator> {
    const emulator = new OidcEmulator()
    await new Promise<void>((resolve) => emulator.#server.listen(0, '127.0.0.1', resolve))
    const { port } = emulator.#server.address() as AddressInfo
    emulator.#url = `http://127.0.0.1:${port}`
    return emulator
  }

  /** The issuer (`iss` of its tokens). */
  get issuer(): string {
    return this.#url
  }

  get jwksUrl(): string {
    return `${this.#url}/.well-known/jwks`
  }

  /**
   * A key rotation, as GitHub's issuer does it: a new key pair is published in the JWKS (the old
   * one stays published) and signs every token from now on. Returns the new kid.
   */
  rotateKey(): string {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    this.#privateKey = privateKey
    this.#publicKey = publicKey
    this.kid = `emu-${randomBytes(4).toString('hex')}`
    this.#published.push({ kid: this.kid, publicKey })
    return this.kid
  }

  /** The issuer's public key (for the "HS256 signed with the public key" attack). */
  get publicKey(): KeyObject {
    return this.#publicKey
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  /**
   * Registers a job: the environment a runner gives a job with `permissions: id-token: write`
   * (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN).
   */
  registerJob(claims: JobClaims): {
    ACTIONS_ID_TOKEN_REQUEST_URL: string
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: string
  } {
    const requestToken = randomBytes(24).toString('hex')
    this.#jobs.set(requestToken, claims)
    return {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${this.#url}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    }
  }

  /** An RS256 token with these claims, signed by the issuer's key unless `options.key` is given. */
  async sign(claims: JobClaims, options: SignOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000) + this.clockOffsetS
    const payload: Record<string, unknown> = {
      sub: `repo:${claims.repository}:ref:${claims.ref ?? 'refs/heads/main'}`,
      repository_owner: claims.repository.split('/')[0],
      jti: randomUUID(),
      ...claims,
    }
    const times = {
      iat: now + (options.iatOffset ?? 0),
      nbf: now + (options.nbfOffset ?? 0),
      exp: now + (options.expOffset ?? 300),
    }
    for (const [name, value] of Object.entries(times)) {
      if (!options.omit?.includes(name as 'exp')) payload[name] = value
    }
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? this.kid })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? 'vast-broker')
      .sign(options.key ?? this.#privateKey)
  }

  /** A token with `alg: none` and no signature. */
  unsigned(claims: JobClaims, audience: string): string {
    const now = Math.floor(Date.now() / 1000)
    const header = b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))
    const body = b64url(
      JSON.stringify({
        ...claims,
        iss: this.issuer,
        aud: audience,
        iat: now,
        nbf: now,
        exp: now + 300,
      }),
    )
    return `${header}.${body}.`
  }

  /** HS256 with the issuer's public key (PEM) as the HMAC secret: the classic confusion attack. */
  hs256WithPublicKey(claims: JobClaims, audience: string): string {
    const now = Math.floor(Date.now() / 1000)
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: this.kid }))
    const body = b64url(
      JSON.stringify({
        ...claims,
        iss: this.issuer,
        aud: audience,
        iat: now,
        nbf: now,
        exp: now + 300,
      }),
    )
    const secret = this.#publicKey.export({ type: 'spki', format: 'pem' })
    const signature = createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url')
    return `${header}.${body}.${signature}`
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.#url)
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (url.pathname === '/.well-known/openid-configuration') {
      return reply(200, {
        issuer: this.issuer,
        jwks_uri: this.jwksUrl,
        id_token_signing_alg_values_supported: ['RS256'],
      })
    }
    if (url.pathname === '/.well-known/jwks') {
      this.jwksFetches += 1
      return reply(200, {
        keys: this.#published.map(({ kid, publicKey }) => ({
          ...publicKey.export({ format: 'jwk' }),
          kid,
          alg: 'RS256',
          use: 'sig',
        })),
      })
    }
    if (url.pathname === '/token' && req.method === 'GET') {
      this.tokenRequests += 1
      const fault = this.tokenFaults.shift()
      if (fault === 'reset') return void req.socket.destroy()
      if (fault === 'empty') return reply(200, { count: 0 })
      if (fault !== undefined) return reply(fault, { message: 'failed by the test' })
      if (this.tokenEndpointStatus)
        return reply(this.tokenEndpointStatus, { message: 'refused by the test' })
      const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
      const claims = this.#jobs.get(auth)
      if (!claims) return reply(401, { message: 'bad request token' })
      const audience =
        url.searchParams.get('audience') ?? 'https://github.com/' + claims.repository.split('/')[0]
      void this.sign(claims, { audience }).then((value) => {
        this.issued.push(value)
        reply(200, { count: 1, value })
      })
      return
    }
    if (url.pathname === '/__emulator/token' && req.method === 'POST') {
      // For people trying the broker by hand (npm run emulator -- --oidc): a token with the
      // claims in the JSON body; run_id, run_attempt and ref get defaults, `audience` is required.
      let text = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => {
        if (text.length < 65_536) text += chunk
      })
      req.on('end', () => {
        let body: Record<string, unknown>
        try {
          body = JSON.parse(text) as Record<string, unknown>
        } catch {
          return reply(400, { message: 'send a JSON object of claims with "audience"' })
        }
        const { audience, ...claims } = body
        if (typeof audience !== 'string' || typeof claims.repository !== 'string') {
          return reply(400, {
            message:
              'give "audience" (the broker\'s --audience) and "repository" (owner/name), e.g. {"audience":"http://127.0.0.1:8080","repository":"octo-org/app","ref":"refs/heads/main"}',
          })
        }
        const job: JobClaims = {
          run_id: '1',
          run_attempt: '1',
          ref: 'refs/heads/main',
          event_name: 'push',
          ...claims,
          repository: claims.repository,
        }
        void this.sign(job, { audience }).then((value) => {
          this.issued.push(value)
          reply(200, { value })
        })
      })
      return
    }
    reply(404, { message: 'not found' })
  }
}
