#!/usr/bin/env bash
# Lints the package as it would be published: builds it, packs it into a temporary folder and
# checks the tarball with publint (--strict: warnings fail too) and attw (--profile esm-only:
# the package is ESM only, so `require()` from CommonJS and node10 resolution are out of scope;
# every other type-resolution problem fails). Run as `npm run lint:package -w nest-keycloak-auth`.
set -euo pipefail
cd "$(dirname "$0")/.."

# publint and attw are devDependencies of the workspace root; npm puts its node_modules/.bin
# on PATH for the script.
pack_dir="$(mktemp -d)"
trap 'rm -rf "$pack_dir"' EXIT

npm run build --silent
tarball="$pack_dir/$(npm pack --silent --pack-destination "$pack_dir" | tail -n 1)"

publint run "$tarball" --strict
attw "$tarball" --profile esm-only --format table-flipped --no-color --no-emoji
