#!/usr/bin/env bash
# `npm run stack`: the whole DEVELOPMENT stack in the foreground (Ctrl-C stops it).
#  - Docker engine with the compose v2 plugin -> docker compose --env-file keycloak/keycloak.env
#                                [--env-file .env] up --build
#  - otherwise                -> scripts/keycloak.sh start while the API is built (only when its
#                                sources changed), then node dist/main.js (SEED_DEMO_ITEMS=true);
#                                Keycloak is stopped on exit if this script started it.
# Set STACK_MODE=docker or STACK_MODE=local to force one of them.
#
#   bash scripts/stack.sh config   print the configuration the stack would use (NAME=value lines,
#                                  secrets masked, then where each value came from) and exit;
#                                  starts nothing
#
# Configuration, for every variable below: real environment variable > <repo>/.env > default, the
# same order as the app (which loads .env itself). The stack exports only the defaults it fills in;
# values from .env are left for the app to read from .env, so both always agree.
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT_DIR"
LOG_TAG=stack # log() and die() of common.sh: [stack] ...
# shellcheck source=SCRIPTDIR/common.sh
source "$ROOT_DIR/scripts/common.sh"

ENV_FILE="$ROOT_DIR/.env"
VERSION_FILE="$ROOT_DIR/keycloak/keycloak.env"

# What the API needs (handed to it), then what the stack and Keycloak use.
API_VARS=(KEYCLOAK_URL KEYCLOAK_REALM KEYCLOAK_REALMS KEYCLOAK_CLIENT_ID KEYCLOAK_CLIENT_SECRET PORT)
STACK_VARS=(KEYCLOAK_PORT KEYCLOAK_VERSION KC_BOOTSTRAP_ADMIN_USERNAME KC_BOOTSTRAP_ADMIN_PASSWORD STACK_MODE)
# An empty real variable counts as unset (common.sh); unset it for good, because the app would keep
# an empty variable instead of reading .env.
for name in "${API_VARS[@]}" "${STACK_VARS[@]}"; do
  [[ -n "${!name:-}" ]] || unset "$name"
done
dotenv_apply "$ENV_FILE" "${API_VARS[@]}" "${STACK_VARS[@]}"

# Defaults, for whatever neither the environment nor .env set. The version's default is the pin in
# keycloak/keycloak.env (shared with keycloak.sh and docker compose).
DEFAULT_KEYCLOAK_PORT=8080
DEFAULT_KEYCLOAK_VERSION="$(dotenv_value "$VERSION_FILE" KEYCLOAK_VERSION || true)"
DEFAULT_KC_BOOTSTRAP_ADMIN_USERNAME=admin
DEFAULT_KC_BOOTSTRAP_ADMIN_PASSWORD=admin # dev only
DEFAULT_STACK_MODE=auto
DEFAULT_KEYCLOAK_URL="http://localhost:${KEYCLOAK_PORT:-$DEFAULT_KEYCLOAK_PORT}"
DEFAULT_KEYCLOAK_REALM=demo
# The stack's Keycloak imports realms demo and partners: accept both, unless another realm is set.
if [[ "${KEYCLOAK_REALM:-demo}" == demo ]]; then
  DEFAULT_KEYCLOAK_REALMS=demo,partners
else
  DEFAULT_KEYCLOAK_REALMS="$KEYCLOAK_REALM"
fi
DEFAULT_KEYCLOAK_CLIENT_ID=nest-api
DEFAULT_KEYCLOAK_CLIENT_SECRET=nest-api-dev-secret # dev-only secret of keycloak/realm-demo.json
DEFAULT_PORT=8000
defaulted=""
for name in "${API_VARS[@]}" "${STACK_VARS[@]}"; do
  if [[ -z "${!name:-}" ]]; then
    default_name="DEFAULT_$name"
    printf -v "$name" '%s' "${!default_name}"
    defaulted+=" $name"
  fi
done

API_PORT="$PORT"

# Secrets are shown by their last 4 characters only (enough to tell the dev secret from another).
mask() {
  local value="$1"
  if ((${#value} <= 8)); then
    printf '%s' "${value//?/*}"
  else
    local hidden="${value:0:${#value}-4}"
    printf '%s%s' "${hidden//?/*}" "${value: -4}"
  fi
}

cmd_config() {
  local name value env_names="" dotenv_names="" source_name
  printf '# npm run stack configuration: real environment > %s > default\n' "$ENV_FILE"
  for name in "${API_VARS[@]}" "${STACK_VARS[@]}"; do
    value="${!name}"
    case "$name" in
      *SECRET* | *PASSWORD*) value="$(mask "$value")" ;;
    esac
    printf '%s=%s\n' "$name" "$value"
    source_name="CONFIG_SOURCE_$name"
    case "${!source_name:-}" in
      environment) env_names+=" $name" ;;
      .env) dotenv_names+=" $name" ;;
    esac
  done
  printf '# from the environment:%s\n' "${env_names:- (none)}"
  printf '# from .env:%s\n' "${dotenv_names:- (none)}"
  printf '# defaults:%s\n' "${defaulted:- (none)}"
}

case "${1:-}" in
  config)
    cmd_config
    exit 0
    ;;
  -h | --help)
    echo "usage: $0 [config]   (extra arguments go to docker compose up / node dist/main.js)" >&2
    exit 0
    ;;
esac

# The API's Prometheus metrics (METRICS_PORT: environment > .env > the app's default, 9464; 0:
# off). Shown in the local mode only: the compose stack does not publish the port to the host.
metrics_line() {
  local port="${METRICS_PORT:-}"
  [[ -n "$port" ]] || port="$(dotenv_value "$ENV_FILE" METRICS_PORT || true)"
  port="${port:-9464}"
  if [[ "$port" == 0 ]]; then
    printf '\n  Metrics (Prometheus)    off (METRICS_PORT=0)'
  else
    printf '\n  Metrics (Prometheus)    http://localhost:%s/metrics' "$port"
  fi
}

# $1: an extra line under the API's (the metrics, in the local mode).
banner() {
  cat <<EOF

  API                     http://localhost:$API_PORT
  API docs (Swagger UI)   http://localhost:$API_PORT/docs${1:-}
  Keycloak admin console  http://localhost:$KEYCLOAK_PORT/admin   (${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}/${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}, dev only)
  Realm                   demo  (issuer http://localhost:$KEYCLOAK_PORT/realms/demo)
  Accepted realms         $KEYCLOAK_REALMS  (partners: paula / paula-dev-pw, api-read;
                          KEYCLOAK_REALM=partners npm run -s token -- paula paula-dev-pw)

  Demo users (realm demo, DEVELOPMENT ONLY passwords):
    alice / alice-dev-pw   nest-api role api-admin
    bob   / bob-dev-pw     nest-api role api-read
    carol / carol-dev-pw   no API role
    dave  / dave-dev-pw    nest-api roles api-read, api-write
  Clients: nest-api (confidential, secret nest-api-dev-secret), nest-api-web (public, PKCE S256)

  Items: seeded for alice and dave, in .data/pglite unless DATABASE_URL is set
         (reset the embedded one: stop the stack, rm -rf .data)

  Token for curl:  TOKEN=\$(npm run -s token -- alice)
                   curl -H "Authorization: Bearer \$TOKEN" http://localhost:$API_PORT/...

EOF
}

compose_missing_message() {
  local msg="Docker is installed but its compose v2 plugin is not (\`docker compose version\` failed)"
  if command -v docker-compose >/dev/null 2>&1; then
    msg+="; the old standalone docker-compose (v1) found here is not enough"
  fi
  printf '%s. Install it: Debian/Ubuntu: apt-get install docker-compose-plugin (Docker'"'"'s apt repository); Docker Desktop ships it; or see https://docs.docker.com/compose/install/linux/' "$msg"
}

mode="$STACK_MODE"
if [[ "$mode" == "auto" ]]; then
  mode=local
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    if docker compose version >/dev/null 2>&1; then
      mode=docker
    else
      printf '[stack] NOTE: %s. Using the local mode instead (STACK_MODE=local hides this note).\n' \
        "$(compose_missing_message)" >&2
    fi
  fi
fi

[[ "$mode" == "local" || "$mode" == "docker" ]] || die "STACK_MODE must be docker, local or auto (got $mode)"

# Before anything slow (Keycloak, the build, images): a busy API port would only fail at the end.
# $1 = true when the port may legitimately be held already (this stack's own running containers).
check_api_port() {
  if [[ "${1:-false}" != true ]] && port_listening "$API_PORT"; then
    die "$(port_busy_message "$API_PORT" PORT); stop it or set PORT (environment or .env)"
  fi
}

if [[ "$mode" == "docker" ]]; then
  command -v docker >/dev/null 2>&1 || die "STACK_MODE=docker but the docker command is not installed"
  docker compose version >/dev/null 2>&1 || die "$(compose_missing_message)"
  # .env after keycloak.env: compose lets a later --env-file override an earlier one, and real
  # variables beat both, which is the order everywhere else. The API container itself never reads
  # .env (.dockerignore); docker-compose.yml hands it the values.
  env_files=(--env-file keycloak/keycloak.env)
  [[ -f "$ENV_FILE" ]] && env_files+=(--env-file "$ENV_FILE")
  # This project's api container already running (e.g. `up -d` earlier) holds the port itself:
  # compose then updates/attaches to it, as it always did.
  own_api="$(docker compose "${env_files[@]}" ps --status running -q api 2>/dev/null || true)"
  check_api_port "$([[ -n "$own_api" ]] && echo true || echo false)"
  banner
  exec docker compose "${env_files[@]}" up --build "$@"
fi
check_api_port
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

# Keycloak boots (20 s or more) while the API is built, when its sources changed since the last
# build: the two overlap. The API itself starts once Keycloak answers, so its first discovery
# succeeds instead of logging an error a newcomer would take for a crash.
if "$ROOT_DIR/scripts/keycloak.sh" status >/dev/null 2>&1; then
  echo "[stack] Keycloak already running; it will be left running on exit" >&2
else
  started_keycloak=1
fi
"$ROOT_DIR/scripts/keycloak.sh" start &
keycloak_start=$!
build_status=0
bash "$ROOT_DIR/scripts/build-if-stale.sh" || build_status=$?
keycloak_status=0
wait "$keycloak_start" || keycloak_status=$?
((build_status == 0)) || die "npm run build failed (above)"
((keycloak_status == 0)) || die "Keycloak did not start (above)"

# Only the defaults the stack filled in are exported: a value from .env stays unexported so that
# the app reads it from .env itself (same file, same order), and a real variable is exported already.
for name in "${API_VARS[@]}"; do
  if [[ "$defaulted " == *" $name "* ]]; then
    export "${name?}"
  fi
done

# The demo items, added by the API itself once it has migrated, to a database that holds no item
# (a restart adds none). Items live in PGLITE_DATA_DIR (default .data/pglite) unless DATABASE_URL
# names a PostgreSQL.
# A value in the environment or .env wins, as for every other variable.
if [[ -z "${SEED_DEMO_ITEMS:-}" ]] && ! dotenv_value "$ENV_FILE" SEED_DEMO_ITEMS >/dev/null; then
  export SEED_DEMO_ITEMS=true
fi

banner "$(metrics_line)"
# Not exec: the API runs as a child we wait for, so that Ctrl-C / SIGTERM sent to this script
# (or to the whole process group) stops the API first and then Keycloak (via the EXIT trap;
# Keycloak runs in its own session and never sees the terminal's Ctrl-C).
node dist/main.js "$@" &
api_pid=$!
wait "$api_pid"
