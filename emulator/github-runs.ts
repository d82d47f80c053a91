// Workflow runs and their attempts, as the run-aware sweep reads them: GitHub's run object cut
// to the fields that matter (id, run_attempt, status, conclusion) plus a few for realism.

import { json } from './vast-http.ts'
import type { Reply } from './vast-http.ts'
import { githubError } from './github-routes.ts'
import type { GitHubRoute } from './github-routes.ts'
import type { RepoRecord } from './github-state.ts'

/** `run` answers the latest attempt; `runAttempt` the one asked for; 404 when either is unknown. */
export function runReply(
  repo: RepoRecord,
  route: GitHubRoute,
  baseUrl: string,
  docs: string,
): Reply {
  const attempts = repo.runs.get(route.runId ?? '')
  if (attempts === undefined || attempts.length === 0) return githubError(404, 'Not Found', docs)
  const number = route.name === 'runAttempt' ? Number(route.attempt) : attempts.length
  const attempt = attempts[number - 1]
  if (attempt === undefined) return githubError(404, 'Not Found', docs)
  return json(200, {
    id: Number(route.runId),
    run_attempt: number,
    status: attempt.status,
    conclusion: attempt.conclusion,
    repository: { id: repo.id, full_name: repo.fullName },
    url: `${baseUrl}/repos/${repo.fullName}/actions/runs/${route.runId}`,
  })
}
