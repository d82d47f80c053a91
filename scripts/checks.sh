#!/usr/bin/env bash
# Every check of a submission between the install and the tests: `.ci/run` runs it after `npm ci`
# and before `npm test`, and `npm run all` runs it and then `npm test` on your machine.
# Any failing step fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step 'lockfile: a clean install from package.json writes the committed package-lock.json'
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp package.json package-lock.json "$scratch/"
(cd "$scratch" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error)
if ! cmp -s package-lock.json "$scratch/package-lock.json"; then
  echo 'package-lock.json is not the one `npm install` writes for package.json: run `npm install` and commit the lockfile.' >&2
  exit 1
fi

step 'format'
npm run format:check

step 'lint'
npm run lint

step 'workflows and action.yml (the GitHub workflow parser, action-validator, pinning rules)'
npm run lint:workflows

step 'typecheck'
npm run typecheck

step 'dist/ matches a fresh build'
npm run build
if [ -n "$(git status --porcelain -- dist)" ]; then
  git status --porcelain -- dist
  git diff --stat -- dist
  echo 'dist/ differs from a fresh build: run `npm run build` and commit dist/ with the source.' >&2
  exit 1
fi
test -s dist/licenses.txt || { echo 'dist/licenses.txt is missing: npm run build writes it.' >&2; exit 1; }
