#!/usr/bin/env bash
# `npm run stack`: the whole DEVELOPMENT stack in the foreground (Ctrl-C stops it).
#  - Docker engine available  -> docker compose --env-file keycloak/keycloak.env up --build
#  - otherwise                -> scripts/keycloak.sh start, npm run build, node dist/main.js;
#                                Keycloak is stopped on exit if this script started it.
# Set STACK_MODE=docker or STACK_MODE=local to force one of them.
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT_DIR"

KEYCLOAK_PORT="${KEYCLOAK_PORT:-8080}"
API_PORT="${PORT:-8000}"

banner() {
  cat <<EOF

  API                     http://localhost:$API_PORT
  API docs (Swagger UI)   http://localhost:$API_PORT/docs
  Keycloak admin console  http://localhost:$KEYCLOAK_PORT/admin   (${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}/${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}, dev only)
  Realm                   demo  (issuer http://localhost:$KEYCLOAK_PORT/realms/demo)

  Demo users (realm demo, DEVELOPMENT ONLY passwords):
    alice / alice-dev-pw   nest-api role api-admin
    bob   / bob-dev-pw     nest-api role api-read
    carol / carol-dev-pw   no API role
  Clients: nest-api (confidential, secret nest-api-dev-secret), nest-api-web (public, PKCE S256)

  Token for curl:  TOKEN=\$(npm run -s token -- alice)
                   curl -H "Authorization: Bearer \$TOKEN" http://localhost:$API_PORT/...

EOF
}

mode="${STACK_MODE:-}"
if [[ -z "$mode" ]]; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 &&
    docker compose version >/dev/null 2>&1; then
    mode=docker
  else
    mode=local
  fi
fi

if [[ "$mode" == "docker" ]]; then
  banner
  exec docker compose --env-file keycloak/keycloak.env up --build "$@"
fi
[[ "$mode" == "local" ]] || {
  echo "stack: STACK_MODE must be docker or local" >&2
  exit 2
}

echo "[stack] no usable Docker engine: running Keycloak from its distribution and the API with node" >&2

started_keycloak=0
api_pid=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$api_pid" ]] && kill -0 "$api_pid" 2>/dev/null; then
    kill -TERM "$api_pid" 2>/dev/null || true
    wait "$api_pid" 2>/dev/null || true
  fi
  if ((started_keycloak)); then
    "$ROOT_DIR/scripts/keycloak.sh" stop || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if "$ROOT_DIR/scripts/keycloak.sh" status >/dev/null 2>&1; then
  echo "[stack] Keycloak already running; it will be left running on exit" >&2
  "$ROOT_DIR/scripts/keycloak.sh" start
else
  started_keycloak=1
  "$ROOT_DIR/scripts/keycloak.sh" start
fi

echo "[stack] building the API (npm run build)..." >&2
npm run -s build

export KEYCLOAK_URL="${KEYCLOAK_URL:-http://localhost:$KEYCLOAK_PORT}"
export KEYCLOAK_REALM="${KEYCLOAK_REALM:-demo}"
export KEYCLOAK_CLIENT_ID="${KEYCLOAK_CLIENT_ID:-nest-api}"
export KEYCLOAK_CLIENT_SECRET="${KEYCLOAK_CLIENT_SECRET:-nest-api-dev-secret}" # dev-only secret
export PORT="$API_PORT"

banner
# Not exec: the API runs as a child we wait for, so that Ctrl-C / SIGTERM sent to this script
# (or to the whole process group) stops the API first and then Keycloak (via the EXIT trap;
# Keycloak runs in its own session and never sees the terminal's Ctrl-C).
node dist/main.js "$@" &
api_pid=$!
wait "$api_pid"
