// What the GitHub emulator knows: organisations, repositories and their environments, each of
// them a secrets scope with its own sealing keypair, and the tokens allowed to use them.
// GitHub matches owner, repository and environment names case-insensitively; so does this.

import { randomInt } from 'node:crypto'
import sodium from 'libsodium-wrappers'

/** A scope's Curve25519 keypair for sealed boxes; `keyId` is what GitHub calls `key_id`. */
export interface SealingKey {
  keyId: string
  publicKey: Uint8Array
  privateKey: Uint8Array
}

export interface SecretRecord {
  /** Upper-cased, as GitHub stores secret names. */
  name: string
  value: string
  createdAt: string
  updatedAt: string
  visibility?: string
  selectedRepositoryIds?: number[]
  writes: number
}

export interface SecretScope {
  kind: 'repository' | 'environment' | 'organization'
  owner: string
  repo?: string
  environment?: string
  key: SealingKey
  /** By upper-cased name. */
  secrets: Map<string, SecretRecord>
}

export interface OrgRecord {
  id: number
  login: string
  scope: SecretScope
  /** By lower-cased name. */
  repos: Map<string, RepoRecord>
}

export interface RepoRecord {
  id: number
  name: string
  fullName: string
  org: OrgRecord
  scope: SecretScope
  /** By lower-cased name. */
  environments: Map<string, SecretScope>
  /** Workflow runs by run id: the status (and conclusion) of each attempt, 1-based. */
  runs: Map<string, RunAttemptRecord[]>
}

/** One attempt of a workflow run, as GitHub's run object reports it. */
export interface RunAttemptRecord {
  /** queued, in_progress, completed, waiting, requested, pending. */
  status: string
  /** success, failure, cancelled, ... once completed; null before. */
  conclusion: string | null
}

export interface TokenRights {
  /** PUT repository and environment secrets. */
  secretsWrite: boolean
  /** Full names (owner/repo) the token can see; undefined = every repository. */
  repositories?: string[]
  /** PUT organisation secrets. */
  orgSecretsWrite?: boolean
  /** Read workflow runs (`actions: read`); default true. */
  actionsRead?: boolean
}

/** How tests name a scope: a repository, an environment of one, or an organisation. */
export interface ScopeRef {
  repository?: string
  environment?: string
  organization?: string
}

export class GitHubState {
  readonly #orgs = new Map<string, OrgRecord>()
  readonly #reposById = new Map<number, RepoRecord>()
  readonly #tokens = new Map<string, TokenRights>()
  #nextOrgId = 9001
  #nextRepoId = 700001

  addOrganization(login: string): OrgRecord {
    const existing = this.#orgs.get(login.toLowerCase())
    if (existing !== undefined) return existing
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(login)) throw new Error(`bad owner name: ${login}`)
    const org: OrgRecord = {
      id: this.#nextOrgId++,
      login,
      scope: newScope('organization', login),
      repos: new Map(),
    }
    this.#orgs.set(login.toLowerCase(), org)
    return org
  }

  /** Creates the repository (and its owner) unless it exists; adds any new environments. */
  addRepository(fullName: string, environments: readonly string[] = []): RepoRecord {
    const [owner, name, extra] = fullName.split('/')
    if (owner === undefined || name === undefined || extra !== undefined || name === '') {
      throw new Error(`repository must be owner/name, got ${fullName}`)
    }
    const org = this.addOrganization(owner)
    let repo = org.repos.get(name.toLowerCase())
    if (repo === undefined) {
      repo = {
        id: this.#nextRepoId++,
        name,
        fullName: `${org.login}/${name}`,
        org,
        scope: newScope('repository', org.login, name),
        environments: new Map(),
        runs: new Map(),
      }
      org.repos.set(name.toLowerCase(), repo)
      this.#reposById.set(repo.id, repo)
    }
    for (const environment of environments) {
      if (!repo.environments.has(environment.toLowerCase())) {
        const scope = newScope('environment', org.login, repo.name, environment)
        repo.environments.set(environment.toLowerCase(), scope)
      }
    }
    return repo
  }

  addToken(token: string, rights: TokenRights): void {
    this.#tokens.set(token, { ...rights })
  }

  token(token: string): TokenRights | undefined {
    return this.#tokens.get(token)
  }

  org(login: string): OrgRecord | undefined {
    return this.#orgs.get(login.toLowerCase())
  }

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.org(owner)?.repos.get(name.toLowerCase())
  }

  repoById(id: number): RepoRecord | undefined {
    return this.#reposById.get(id)
  }

  /** The scope a test names; throws when the reference is malformed or names nothing known. */
  scope(ref: ScopeRef): SecretScope {
    if (ref.organization !== undefined) {
      if (ref.repository !== undefined || ref.environment !== undefined) {
        throw new Error('name an organization, or a repository (and environment), not both')
      }
      const org = this.org(ref.organization)
      if (org === undefined) throw new Error(`unknown organization ${ref.organization}`)
      return org.scope
    }
    if (ref.repository === undefined) throw new Error('name a repository or an organization')
    const [owner = '', name = ''] = ref.repository.split('/')
    const repo = this.repo(owner, name)
    if (repo === undefined) throw new Error(`unknown repository ${ref.repository}`)
    if (ref.environment === undefined) return repo.scope
    const environment = repo.environments.get(ref.environment.toLowerCase())
    if (environment === undefined) {
      throw new Error(`unknown environment ${ref.environment} in ${ref.repository}`)
    }
    return environment
  }

  /** Every scope: each organisation, then its repositories, each followed by its environments. */
  scopes(): SecretScope[] {
    const all: SecretScope[] = []
    for (const org of this.#orgs.values()) {
      all.push(org.scope)
      for (const repo of org.repos.values()) {
        all.push(repo.scope, ...repo.environments.values())
      }
    }
    return all
  }
}

/** Whether a token may see a repository at all (its `repositories` list, if any). */
export function canSeeRepository(rights: TokenRights, repo: RepoRecord): boolean {
  if (rights.repositories === undefined) return true
  const wanted = repo.fullName.toLowerCase()
  return rights.repositories.some((name) => name.toLowerCase() === wanted)
}

/** A fresh keypair with a key id unlike the previous one. Needs `sodium.ready`. */
export function newSealingKey(previous?: SealingKey): SealingKey {
  let keyId = ''
  do {
    // GitHub's key ids are long decimal strings.
    keyId = `${randomInt(1e8, 1e9)}${randomInt(1e8, 1e9)}`
  } while (keyId === previous?.keyId)
  const { publicKey, privateKey } = sodium.crypto_box_keypair()
  return { keyId, publicKey, privateKey }
}

function newScope(
  kind: SecretScope['kind'],
  owner: string,
  repo?: string,
  environment?: string,
): SecretScope {
  return {
    kind,
    owner,
    ...(repo === undefined ? {} : { repo }),
    ...(environment === undefined ? {} : { environment }),
    key: newSealingKey(),
    secrets: new Map(),
  }
}
