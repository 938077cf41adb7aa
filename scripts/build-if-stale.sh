#!/usr/bin/env bash
# Runs `npm run build` unless the last build this script made is newer than every file it is
# built from (the app's and the library's sources, their tsconfigs, package.json files and the
# lock file): a warm `npm run stack` or `npm run doctor` then starts at once. FORCE_BUILD=1 builds.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=dist/.build-stamp
inputs=(src packages/nest-keycloak-auth/src tsconfig.json tsconfig.build.json tsconfig.base.json
  packages/nest-keycloak-auth/tsconfig.json packages/nest-keycloak-auth/tsconfig.build.json
  package.json packages/nest-keycloak-auth/package.json package-lock.json)

if [[ "${FORCE_BUILD:-0}" != 1 && -f "$stamp" && -f packages/nest-keycloak-auth/dist/index.js ]] &&
  [[ -z "$(find "${inputs[@]}" -newer "$stamp" -print -quit 2>/dev/null)" ]]; then
  exit 0
fi
printf '[build] building the API (npm run build)...\n' >&2
npm run -s build
touch "$stamp"
