// The GitHub REST routes the emulator serves (those used to write Actions secrets), how a request
// path maps to one of them, the documentation page GitHub names in its error bodies, and the
// error body itself (githubError: every route file answers errors with it).

import { json } from './vast-http.ts'
import type { Reply } from './vast-http.ts'

/**
 * Route names, also the keys for fault injection:
 *   repo                   GET /repos/{owner}/{repo}
 *   publicKey              GET /repos/{owner}/{repo}/actions/secrets/public-key
 *   getSecret, putSecret   GET|PUT /repos/{owner}/{repo}/actions/secrets/{name}
 *   envPublicKey           GET /repos/{owner}/{repo}/environments/{env}/secrets/public-key
 *   envGetSecret, envPutSecret   GET|PUT /repos/{owner}/{repo}/environments/{env}/secrets/{name}
 *   orgPublicKey           GET /orgs/{org}/actions/secrets/public-key
 *   orgGetSecret, orgPutSecret   GET|PUT /orgs/{org}/actions/secrets/{name}
 *   orgSecretRepositories  GET /orgs/{org}/actions/secrets/{name}/repositories
 *   run                    GET /repos/{owner}/{repo}/actions/runs/{run_id}
 *   runAttempt             GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt}
 */
export type GitHubRouteName =
  | 'repo'
  | 'publicKey'
  | 'getSecret'
  | 'putSecret'
  | 'envPublicKey'
  | 'envGetSecret'
  | 'envPutSecret'
  | 'orgPublicKey'
  | 'orgGetSecret'
  | 'orgPutSecret'
  | 'orgSecretRepositories'
  | 'run'
  | 'runAttempt'

export const GITHUB_ROUTE_NAMES: readonly GitHubRouteName[] = [
  'repo',
  'publicKey',
  'getSecret',
  'putSecret',
  'envPublicKey',
  'envGetSecret',
  'envPutSecret',
  'orgPublicKey',
  'orgGetSecret',
  'orgPutSecret',
  'orgSecretRepositories',
  'run',
  'runAttempt',
]

export interface GitHubRoute {
  name: GitHubRouteName
  /** The repository owner, or the organisation. As sent (GitHub matches names case-insensitively). */
  owner: string
  repo?: string
  environment?: string
  secretName?: string
  /** run and runAttempt routes: decimal strings as sent. */
  runId?: string
  attempt?: string
}

const SECRETS_DOCS = 'https://docs.github.com/rest/actions/secrets'

export const ROUTE_DOCS: Readonly<Record<GitHubRouteName, string>> = {
  repo: 'https://docs.github.com/rest/repos/repos#get-a-repository',
  publicKey: `${SECRETS_DOCS}#get-a-repository-public-key`,
  getSecret: `${SECRETS_DOCS}#get-a-repository-secret`,
  putSecret: `${SECRETS_DOCS}#create-or-update-a-repository-secret`,
  envPublicKey: `${SECRETS_DOCS}#get-an-environment-public-key`,
  envGetSecret: `${SECRETS_DOCS}#get-an-environment-secret`,
  envPutSecret: `${SECRETS_DOCS}#create-or-update-an-environment-secret`,
  orgPublicKey: `${SECRETS_DOCS}#get-an-organization-public-key`,
  orgGetSecret: `${SECRETS_DOCS}#get-an-organization-secret`,
  orgPutSecret: `${SECRETS_DOCS}#create-or-update-an-organization-secret`,
  orgSecretRepositories: `${SECRETS_DOCS}#list-selected-repositories-for-an-organization-secret`,
  run: 'https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run',
  runAttempt: 'https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run-attempt',
}

/** The route of a request, or null: GitHub answers 404 for unknown paths and wrong methods alike. */
export function matchRoute(method: string, pathname: string): GitHubRoute | null {
  const parts = splitPath(pathname)
  if (parts === null) return null
  const [root, owner, third, ...rest] = parts
  if (owner === undefined || owner === '') return null
  const tail = rest.join('/')
  const isGet = method === 'GET'
  const isPut = method === 'PUT'
  if (root === 'repos' && third !== undefined && third !== '') {
    const repo = third
    if (rest.length === 0) return isGet ? { name: 'repo', owner, repo } : null
    if (tail === 'actions/secrets/public-key') {
      return isGet ? { name: 'publicKey', owner, repo } : null
    }
    if (rest.length === 3 && rest[0] === 'actions' && rest[1] === 'secrets' && rest[2] !== '') {
      const secretName = rest[2] ?? ''
      if (isGet) return { name: 'getSecret', owner, repo, secretName }
      if (isPut) return { name: 'putSecret', owner, repo, secretName }
      return null
    }
    if (rest[0] === 'actions' && rest[1] === 'runs' && /^\d+$/.test(rest[2] ?? '')) {
      const runId = rest[2] ?? ''
      if (rest.length === 3) return isGet ? { name: 'run', owner, repo, runId } : null
      if (rest.length === 5 && rest[3] === 'attempts' && /^\d+$/.test(rest[4] ?? '')) {
        return isGet ? { name: 'runAttempt', owner, repo, runId, attempt: rest[4] ?? '' } : null
      }
      return null
    }
    if (rest.length === 4 && rest[0] === 'environments' && rest[2] === 'secrets') {
      const environment = rest[1] ?? ''
      const last = rest[3] ?? ''
      if (environment === '' || last === '') return null
      if (last === 'public-key') {
        return isGet ? { name: 'envPublicKey', owner, repo, environment } : null
      }
      if (isGet) return { name: 'envGetSecret', owner, repo, environment, secretName: last }
      if (isPut) return { name: 'envPutSecret', owner, repo, environment, secretName: last }
    }
    return null
  }
  if (root === 'orgs' && third === 'actions' && rest[0] === 'secrets') {
    if (tail === 'secrets/public-key') return isGet ? { name: 'orgPublicKey', owner } : null
    const secretName = rest[1] ?? ''
    if (secretName === '') return null
    if (rest.length === 2) {
      if (isGet) return { name: 'orgGetSecret', owner, secretName }
      if (isPut) return { name: 'orgPutSecret', owner, secretName }
      return null
    }
    if (rest.length === 3 && rest[2] === 'repositories' && isGet) {
      return { name: 'orgSecretRepositories', owner, secretName }
    }
  }
  return null
}

/** The decoded path segments without the leading slash; null when one cannot be decoded. */
function splitPath(pathname: string): string[] | null {
  try {
    return pathname.replace(/^\//, '').split('/').map(decodeURIComponent)
  } catch {
    return null
  }
}

/** GitHub's error body. */
export function githubError(status: number, message: string, documentationUrl: string): Reply {
  return json(status, { message, documentation_url: documentationUrl, status: String(status) })
}
