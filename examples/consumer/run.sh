#!/usr/bin/env bash
# Installs nest-keycloak-auth as another service would: packs the library, copies this example
# to a temporary folder outside the repository (so no workspace link or hoisted module can
# help), installs the tarball next to the example's pinned dependencies, builds with tsc and
# runs the e2e tests. Usage: examples/consumer/run.sh [jest options, e.g. --verbose]
set -euo pipefail
example="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$example/../.." && pwd)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$repo"
npm run build --silent -w nest-keycloak-auth
tarball="$work/$(npm pack --silent -w nest-keycloak-auth --pack-destination "$work" | tail -n 1)"

mkdir "$work/consumer"
tar -C "$example" --exclude=./node_modules --exclude=./dist -cf - . | tar -C "$work/consumer" -xf -
cd "$work/consumer"
# The pinned versions are the ones the repository's lock file resolves, so the npm cache
# normally has them all.
npm install --no-audit --no-fund --prefer-offline "$tarball"
npm ls nest-keycloak-auth @nestjs/core
npm run build
npm test -- "$@"
