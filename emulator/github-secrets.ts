// The GitHub routes themselves, once the caller is known: finding the repository, environment or
// organisation (404), the token's rights (403), then the route. A PUT is validated like GitHub
// does (400 for bad JSON, 422 for the rest) and its sealed box opened with the scope's current
// private key; the plaintext is what tests read back.

import sodium from 'libsodium-wrappers'
import { isRecord, json, parseJson } from './vast-http.ts'
import type { Reply } from './vast-http.ts'
import { githubError, ROUTE_DOCS } from './github-routes.ts'
import type { GitHubRoute } from './github-routes.ts'
import { runReply } from './github-runs.ts'
import { canSeeRepository } from './github-state.ts'
import type {
  GitHubState,
  OrgRecord,
  RepoRecord,
  SecretRecord,
  SecretScope,
  TokenRights,
} from './github-state.ts'

export interface RouteCall {
  route: GitHubRoute
  rights: TokenRights
  rawBody: string
  /** The emulator's base URL, for the `url` fields of answers. */
  baseUrl: string
  now: Date
}

/** GitHub refuses secret values above 48 KB. */
const MAX_SECRET_BYTES = 48 * 1024
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const VISIBILITIES = ['all', 'private', 'selected']

export function handleRoute(state: GitHubState, call: RouteCall): Reply {
  const { route, rights } = call
  const docs = ROUTE_DOCS[route.name]
  if (route.repo === undefined) {
    const org = state.org(route.owner)
    if (org === undefined) return githubError(404, 'Not Found', docs)
    return handleOrgRoute(state, org, call)
  }
  const repo = state.repo(route.owner, route.repo)
  if (repo === undefined) return githubError(404, 'Not Found', docs)
  if (!canSeeRepository(rights, repo)) return notAccessible(docs)
  if (route.name === 'repo') return json(200, repoJson(repo, call.baseUrl))
  if (route.name === 'run' || route.name === 'runAttempt') {
    if (rights.actionsRead === false) return notAccessible(docs)
    return runReply(repo, route, call.baseUrl, docs)
  }
  let scope = repo.scope
  if (route.environment !== undefined) {
    const environment = repo.environments.get(route.environment.toLowerCase())
    if (environment === undefined) return githubError(404, 'Not Found', docs)
    scope = environment
  }
  switch (route.name) {
    case 'publicKey':
    case 'envPublicKey':
      return publicKey(scope)
    case 'getSecret':
    case 'envGetSecret':
      return getSecret(scope, route.secretName ?? '', docs)
    case 'putSecret':
    case 'envPutSecret':
      if (!rights.secretsWrite) return notAccessible(docs)
      return putSecret(state, scope, call)
    default:
      return githubError(404, 'Not Found', docs)
  }
}

/** Reading an organisation's key or secret metadata needs any known token; writing needs the right. */
function handleOrgRoute(state: GitHubState, org: OrgRecord, call: RouteCall): Reply {
  const { route } = call
  const docs = ROUTE_DOCS[route.name]
  const secretName = route.secretName ?? ''
  switch (route.name) {
    case 'orgPublicKey':
      return publicKey(org.scope)
    case 'orgGetSecret': {
      const secret = org.scope.secrets.get(secretName.toUpperCase())
      if (secret === undefined) return githubError(404, 'Not Found', docs)
      const url = `${call.baseUrl}/orgs/${org.login}/actions/secrets/${secret.name}/repositories`
      return json(200, {
        ...secretJson(secret),
        visibility: secret.visibility,
        ...(secret.visibility === 'selected' ? { selected_repositories_url: url } : {}),
      })
    }
    case 'orgPutSecret':
      if (call.rights.orgSecretsWrite !== true) return notAccessible(docs)
      return putSecret(state, org.scope, call)
    case 'orgSecretRepositories': {
      const secret = org.scope.secrets.get(secretName.toUpperCase())
      if (secret === undefined) return githubError(404, 'Not Found', docs)
      if (secret.visibility !== 'selected') {
        return githubError(409, "The secret's visibility is not 'selected'", docs)
      }
      const repositories = (secret.selectedRepositoryIds ?? [])
        .map((id) => state.repoById(id))
        .filter((repo) => repo !== undefined)
        .map((repo) => repoJson(repo, call.baseUrl))
      return json(200, { total_count: repositories.length, repositories })
    }
    default:
      return githubError(404, 'Not Found', docs)
  }
}

function notAccessible(docs: string): Reply {
  return githubError(403, 'Resource not accessible by integration', docs)
}

function publicKey(scope: SecretScope): Reply {
  const key = sodium.to_base64(scope.key.publicKey, sodium.base64_variants.ORIGINAL)
  return json(200, { key_id: scope.key.keyId, key })
}

function getSecret(scope: SecretScope, name: string, docs: string): Reply {
  const secret = scope.secrets.get(name.toUpperCase())
  if (secret === undefined) return githubError(404, 'Not Found', docs)
  return json(200, secretJson(secret))
}

function secretJson(secret: { name: string; createdAt: string; updatedAt: string }) {
  return { name: secret.name, created_at: secret.createdAt, updated_at: secret.updatedAt }
}

function repoJson(repo: RepoRecord, baseUrl: string) {
  return {
    id: repo.id,
    node_id: Buffer.from(`010:Repository${repo.id}`).toString('base64'),
    name: repo.name,
    full_name: repo.fullName,
    private: true,
    owner: { login: repo.org.login, id: repo.org.id, type: 'Organization' },
    html_url: `https://github.com/${repo.fullName}`,
    url: `${baseUrl}/repos/${repo.fullName}`,
  }
}

/** Creates (201) or updates (204) a secret; nothing is stored unless every check passes. */
function putSecret(state: GitHubState, scope: SecretScope, call: RouteCall): Reply {
  const docs = ROUTE_DOCS[call.route.name]
  const invalid = (message: string) => githubError(422, message, docs)
  const body = parseJson(call.rawBody)
  if (!isRecord(body)) return githubError(400, 'Problems parsing JSON', docs)
  const name = call.route.secretName ?? ''
  if (!NAME_PATTERN.test(name)) {
    return invalid(
      'Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_), and must not start with a number.',
    )
  }
  if (name.toUpperCase().startsWith('GITHUB_')) {
    return invalid('Secret names must not start with GITHUB_.')
  }
  const encrypted = body['encrypted_value']
  const keyId = body['key_id']
  if (typeof encrypted !== 'string')
    return invalid(`Invalid request.\n\n"encrypted_value" wasn't supplied.`)
  if (typeof keyId !== 'string') return invalid(`Invalid request.\n\n"key_id" wasn't supplied.`)
  if (!BASE64_PATTERN.test(encrypted)) {
    return invalid(`Invalid request.\n\nFor 'properties/encrypted_value', the value is not base64.`)
  }
  let selection: Pick<SecretRecord, 'visibility' | 'selectedRepositoryIds'> = {}
  if (scope.kind === 'organization') {
    const checked = orgSelection(state, scope, body, name)
    if (typeof checked === 'string') return invalid(checked)
    selection = checked
  }
  if (keyId !== scope.key.keyId)
    return invalid('Bad request: key_id does not match the current public key.')
  const value = openSealedBox(scope, encrypted)
  if (value === null) {
    return invalid(
      'Bad request: encrypted_value could not be decrypted with the current public key.',
    )
  }
  if (Buffer.byteLength(value) > MAX_SECRET_BYTES)
    return invalid('Secret value is too large (max 48 KB).')
  const time = call.now.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const upper = name.toUpperCase()
  const existing = scope.secrets.get(upper)
  if (existing === undefined) {
    scope.secrets.set(upper, {
      name: upper,
      value,
      createdAt: time,
      updatedAt: time,
      ...selection,
      writes: 1,
    })
    return json(201, {})
  }
  Object.assign(existing, { value, updatedAt: time, writes: existing.writes + 1 }, selection)
  return { status: 204, headers: {}, body: '' }
}

/** The visibility fields of an organisation secret, or the 422 message. */
function orgSelection(
  state: GitHubState,
  scope: SecretScope,
  body: Record<string, unknown>,
  name: string,
): Pick<SecretRecord, 'visibility' | 'selectedRepositoryIds'> | string {
  const visibility = body['visibility']
  if (typeof visibility !== 'string' || !VISIBILITIES.includes(visibility)) {
    return `Invalid request.\n\nFor 'properties/visibility', ${JSON.stringify(visibility ?? null)} is not one of all, private, selected.`
  }
  const ids = body['selected_repository_ids']
  if (ids === undefined || ids === null) {
    if (visibility !== 'selected') return { visibility, selectedRepositoryIds: undefined }
    // GitHub keeps the current selection (none for a new secret) when no ids are sent.
    const current = scope.secrets.get(name.toUpperCase())?.selectedRepositoryIds ?? []
    return { visibility, selectedRepositoryIds: [...current] }
  }
  if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) {
    return `Invalid request.\n\nFor 'properties/selected_repository_ids', the value is not an array of integers.`
  }
  if (visibility !== 'selected' && ids.length > 0) {
    return 'selected_repository_ids can only be given when visibility is selected.'
  }
  const org = state.org(scope.owner)
  const unknown = (ids as number[]).filter((id) => state.repoById(id)?.org !== org)
  if (unknown.length > 0) {
    return `Repositories not found in the organization: ${unknown.join(', ')}.`
  }
  return {
    visibility,
    selectedRepositoryIds: visibility === 'selected' ? [...new Set(ids as number[])] : undefined,
  }
}

/** The plaintext of a base64 sealed box, or null when the scope's current key cannot open it. */
function openSealedBox(scope: SecretScope, encrypted: string): string | null {
  try {
    const sealed = sodium.from_base64(encrypted, sodium.base64_variants.ORIGINAL)
    const plain = sodium.crypto_box_seal_open(sealed, scope.key.publicKey, scope.key.privateKey)
    return Buffer.from(plain).toString('utf8')
  } catch {
    return null
  }
}
