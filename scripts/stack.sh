#!/usr/bin/env bash
# `npm run stack`: the whole DEVELOPMENT stack in the foreground (Ctrl-C stops it).
#  - Docker engine with the compose v2 plugin -> docker compose --env-file keycloak/keycloak.env
#                                [--env-file .env] up --build
#  - otherwise                -> scripts/keycloak.sh start while the API is built (only when its
#                                sources changed), then node dist/main.js (SEED_DEMO_ITEMS=true);
#                                Keycloak is stopped on exit if this script started it.
# Set STACK_MODE=docker or STACK_MODE=local to force one of them.
#
# Local mode only:
#  - REDIS_URL given (environment or .env): the API gets it as is. Otherwise, when redis-server is
#    installed (REDIS_SERVER), scripts/redis.sh starts a throw-away one for the API; without it
#    each API process keeps its own state (the stack says so in one line).
#  - API_REPLICAS=N (1 to 9, default 1) runs N API processes on ports PORT, PORT+1, ..., all
#    sharing REDIS_URL and one database (see start_database); Keycloak's back-channel logouts go to
#    the first (API_BACKCHANNEL_LOGOUT_URL). Ctrl-C stops them all; if one exits, the stack stops
#    the others and exits non-zero.
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
API_VARS=(KEYCLOAK_URL KEYCLOAK_REALM KEYCLOAK_REALMS KEYCLOAK_CLIENT_ID KEYCLOAK_CLIENT_SECRET PORT
  BACKCHANNEL_LOGOUT_AUDIENCES)
STACK_VARS=(KEYCLOAK_PORT KEYCLOAK_VERSION KC_BOOTSTRAP_ADMIN_USERNAME KC_BOOTSTRAP_ADMIN_PASSWORD STACK_MODE
  API_REPLICAS API_BACKCHANNEL_LOGOUT_URL)
# Without a default: when unset, the stack starts its own (or does without).
SHARED_VARS=(REDIS_URL DATABASE_URL)
# An empty real variable counts as unset (common.sh); unset it for good, because the app would keep
# an empty variable instead of reading .env.
for name in "${API_VARS[@]}" "${STACK_VARS[@]}" "${SHARED_VARS[@]}" METRICS_PORT REDIS_SERVER; do
  [[ -n "${!name:-}" ]] || unset "$name"
done
dotenv_apply "$ENV_FILE" "${API_VARS[@]}" "${STACK_VARS[@]}" "${SHARED_VARS[@]}" METRICS_PORT REDIS_SERVER

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
# Keycloak's logouts of the demo realm's browser client (keycloak/realm-demo.json) are honoured.
DEFAULT_BACKCHANNEL_LOGOUT_AUDIENCES=nest-api-web
DEFAULT_API_REPLICAS=1
# Where Keycloak posts them: the first replica (the local Keycloak reaches it on localhost).
DEFAULT_API_BACKCHANNEL_LOGOUT_URL="http://localhost:${PORT:-$DEFAULT_PORT}/auth/backchannel-logout"
defaulted=""
for name in "${API_VARS[@]}" "${STACK_VARS[@]}"; do
  if [[ -z "${!name:-}" ]]; then
    default_name="DEFAULT_$name"
    printf -v "$name" '%s' "${!default_name}"
    defaulted+=" $name"
  fi
done

API_PORT="$PORT"
[[ "$API_REPLICAS" =~ ^[1-9]$ ]] ||
  die "API_REPLICAS must be a whole number from 1 to 9 (got $API_REPLICAS)"
((API_PORT + API_REPLICAS - 1 <= 65535)) ||
  die "PORT=$API_PORT leaves no room for $API_REPLICAS API replicas on consecutive ports"
# The app's METRICS_PORT (its default 9464; 0: off). With several replicas each gets its own,
# consecutive from it (9464, 9465, ...) rather than metrics on the first only: every process has
# its own counters, and Prometheus scrapes each replica (scripts/prometheus.sh takes several
# targets), as it would behind a load balancer.
METRICS_BASE="${METRICS_PORT:-9464}"
[[ "$METRICS_BASE" =~ ^[0-9]+$ ]] && ((METRICS_BASE <= 65535)) ||
  die "METRICS_PORT must be a whole number from 0 to 65535 (got $METRICS_BASE; 0 turns metrics off)"

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

# A URL's password, if any, masked the same way (redis://:secret@host -> redis://:****@host).
mask_url() {
  if [[ "$1" =~ ^([a-z]+://[^:/@]*:)([^@]*)@(.*)$ ]]; then
    printf '%s%s@%s' "${BASH_REMATCH[1]}" "$(mask "${BASH_REMATCH[2]}")" "${BASH_REMATCH[3]}"
  else
    printf '%s' "$1"
  fi
}

# Where the API's shared state goes when REDIS_URL is not set (the local mode).
redis_installed() { command -v "${REDIS_SERVER:-redis-server}" >/dev/null 2>&1; }
# Several processes cannot open one embedded database (PGlite): they share a PostgreSQL.
needs_postgres() { ((API_REPLICAS > 1)) && [[ -z "${DATABASE_URL:-}" ]]; }

cmd_config() {
  local name value env_names="" dotenv_names="" source_name
  printf '# npm run stack configuration: real environment > %s > default\n' "$ENV_FILE"
  for name in "${API_VARS[@]}" "${STACK_VARS[@]}" "${SHARED_VARS[@]}"; do
    value="${!name:-}"
    case "$name" in
      *SECRET* | *PASSWORD*) value="$(mask "$value")" ;;
      *_URL) value="$(mask_url "$value")" ;;
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
  if [[ -z "${REDIS_URL:-}" ]] && redis_installed; then
    printf '# REDIS_URL unset: the local mode starts redis-server (scripts/redis.sh) for the API\n'
  elif [[ -z "${REDIS_URL:-}" ]]; then
    printf '# REDIS_URL unset and redis-server not installed: each API process keeps its own state\n'
  fi
  if needs_postgres; then
    printf '# DATABASE_URL unset: the local mode starts PostgreSQL (scripts/postgres.sh) for the %s replicas\n' "$API_REPLICAS"
  fi
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

# The API's lines of the banner. Local mode: one per replica with its metrics (METRICS_PORT:
# environment > .env > the app's default, 9464; 0: off), the shared state and the back-channel
# logouts. The compose stack publishes neither metrics nor Redis to the host: API and docs only.
api_lines() {
  local i label metrics
  if [[ "$1" == docker ]]; then
    printf '  API                     http://localhost:%s\n' "$API_PORT"
  else
    for ((i = 0; i < API_REPLICAS; i++)); do
      label="API                    "
      ((API_REPLICAS == 1)) || label="API replica $((i + 1))          "
      metrics="metrics http://localhost:$((METRICS_BASE + i))/metrics"
      [[ "$METRICS_BASE" != 0 ]] || metrics="metrics off (METRICS_PORT=0)"
      printf '  %s http://localhost:%s   (%s)\n' "$label" "$((API_PORT + i))" "$metrics"
    done
  fi
  printf '  API docs (Swagger UI)   http://localhost:%s/docs\n' "$API_PORT"
  [[ "$1" == local ]] || return 0
  printf '  Shared state (Redis)    %s\n' "${REDIS_LINE:-none: each API process keeps its own}"
  printf '  Back-channel logout     Keycloak -> %s  (clients: %s)\n' \
    "$API_BACKCHANNEL_LOGOUT_URL" "$BACKCHANNEL_LOGOUT_AUDIENCES"
}

# $1: local or docker.
banner() {
  local items="in .data/pglite unless DATABASE_URL is set
         (reset the embedded one: stop the stack, rm -rf .data)"
  [[ -z "${started_postgres:-}" ]] ||
    items="in a throw-away PostgreSQL (scripts/postgres.sh) the replicas share, empty at each start"
  cat <<BANNER

$(api_lines "$1")
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

  Items: seeded for alice and dave, $items

  Token for curl:  TOKEN=\$(npm run -s token -- alice)
                   curl -H "Authorization: Bearer \$TOKEN" http://localhost:$API_PORT/...

BANNER
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
  ((API_REPLICAS == 1)) ||
    die "API_REPLICAS=$API_REPLICAS needs the local mode (STACK_MODE=local): the compose stack runs one api container"
  # .env after keycloak.env: compose lets a later --env-file override an earlier one, and real
  # variables beat both, which is the order everywhere else. The API container itself never reads
  # .env (.dockerignore); docker-compose.yml hands it the values.
  env_files=(--env-file keycloak/keycloak.env)
  [[ -f "$ENV_FILE" ]] && env_files+=(--env-file "$ENV_FILE")
  # This project's api container already running (e.g. `up -d` earlier) holds the port itself:
  # compose then updates/attaches to it, as it always did.
  own_api="$(docker compose "${env_files[@]}" ps --status running -q api 2>/dev/null || true)"
  check_api_port "$([[ -n "$own_api" ]] && echo true || echo false)"
  banner docker
  exec docker compose "${env_files[@]}" up --build "$@"
fi

# Every replica's port (and, for several, each one's metrics port) before anything starts.
check_local_ports() {
  local i port metrics what=PORT
  for ((i = 0; i < API_REPLICAS; i++)); do
    port=$((API_PORT + i))
    ((i == 0)) || what="PORT+$i, API replica $((i + 1))"
    port_listening "$port" && die "$(port_busy_message "$port" "$what"); stop it or set PORT (environment or .env)"
    # One replica keeps the METRICS_PORT the app checks itself, as it always did.
    ((API_REPLICAS > 1 && METRICS_BASE != 0)) || continue
    metrics=$((METRICS_BASE + i))
    ((metrics <= 65535)) || die "METRICS_PORT=$METRICS_BASE leaves no room for $API_REPLICAS metrics ports; set METRICS_PORT (0 turns metrics off)"
    if ((metrics >= API_PORT && metrics < API_PORT + API_REPLICAS)); then
      die "METRICS_PORT=$METRICS_BASE collides with the API ports $API_PORT-$((API_PORT + API_REPLICAS - 1)) of $API_REPLICAS replicas; set METRICS_PORT (0 turns metrics off)"
    fi
    port_listening "$metrics" && die "$(port_busy_message "$metrics" METRICS_PORT); stop it or set METRICS_PORT (0 turns metrics off)"
  done
  return 0
}
check_local_ports
echo "[stack] no usable Docker engine: running Keycloak from its distribution and the API with node" >&2

started_keycloak=0
started_redis=""
started_postgres=""
replica_pids=()
cleanup() {
  local status=$? pid
  trap - EXIT INT TERM
  # SIGTERM to every replica first, then wait: they drain in parallel.
  for pid in ${replica_pids[@]+"${replica_pids[@]}"}; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in ${replica_pids[@]+"${replica_pids[@]}"}; do
    wait "$pid" 2>/dev/null || true
  done
  if ((started_keycloak)); then
    "$ROOT_DIR/scripts/keycloak.sh" stop || true
  fi
  [[ -z "$started_redis" ]] || "$ROOT_DIR/scripts/redis.sh" stop || true
  [[ -z "$started_postgres" ]] || "$ROOT_DIR/scripts/postgres.sh" stop || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Shared state: REDIS_URL as given (the app reads it from the environment or .env), else a
# throw-away redis-server, else none.
start_redis() {
  local line
  if [[ -n "${REDIS_URL:-}" ]]; then
    REDIS_LINE="$(mask_url "$REDIS_URL")  (REDIS_URL, ${CONFIG_SOURCE_REDIS_URL:-environment})"
  elif redis_installed; then
    started_redis=1
    line="$("$ROOT_DIR/scripts/redis.sh" start)" || die "redis-server did not start (above)"
    export "${line?}"
    REDIS_LINE="$REDIS_URL  (scripts/redis.sh, stopped on exit)"
  else
    echo "[stack] NOTE: no REDIS_URL and no redis-server: each API process keeps its own state (logouts, caches); for shared state install redis-server (apt-get install redis-server) or set REDIS_URL" >&2
  fi
}

# The database: one API uses what it always did (PGlite in .data/pglite unless DATABASE_URL). Several
# cannot share an embedded database (the first locks its folder), so without DATABASE_URL they get
# a throw-away PostgreSQL from scripts/postgres.sh, started here and stopped on exit. Every replica
# may seed: seedDemoItems() and the migrations each take a PostgreSQL advisory lock, so replicas
# starting together take turns and the demo items are added once.
start_database() {
  local line
  needs_postgres || return 0
  started_postgres=1
  line="$("$ROOT_DIR/scripts/postgres.sh" start)" ||
    die "PostgreSQL did not start (above); $API_REPLICAS replicas need one database: set DATABASE_URL, or API_REPLICAS=1 for the embedded one"
  export "${line?}"
}

start_redis
start_database

# Keycloak boots (20 s or more) while the API is built, when its sources changed since the last
# build: the two overlap. The API itself starts once Keycloak answers, so its first discovery
# succeeds instead of logging an error a newcomer would take for a crash.
if "$ROOT_DIR/scripts/keycloak.sh" status >/dev/null 2>&1; then
  echo "[stack] Keycloak already running; it will be left running on exit (its realm keeps the back-channel URL it was started with)" >&2
else
  started_keycloak=1
fi
# The demo realm's placeholder (keycloak/realm-demo.json), filled in when Keycloak imports it.
export API_BACKCHANNEL_LOGOUT_URL
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

banner local

# Each replica's output, its lines prefixed with its port (several processes share the terminal),
# each as soon as it is written: a read loop, since awk (mawk) and sed buffer a pipe's input.
# Deaf to the terminal's Ctrl-C, so that it outlives its replica's shutdown lines.
prefixed() {
  local line
  trap '' INT
  while IFS= read -r line || [[ -n "$line" ]]; do
    printf '[api:%s] %s\n' "$1" "$line"
  done
}

# Replica i on PORT + i, with its own METRICS_PORT when there are several (one replica keeps the
# METRICS_PORT the app reads itself).
start_replica() {
  local i="$1" port
  shift
  port=$((API_PORT + i))
  if ((API_REPLICAS == 1)); then
    node dist/main.js "$@" &
  else
    env PORT="$port" METRICS_PORT=$((METRICS_BASE == 0 ? 0 : METRICS_BASE + i)) \
      node dist/main.js "$@" > >(prefixed "$port") 2>&1 &
  fi
  replica_pids+=("$!")
}

# Not exec: the API runs as a child we wait for, so that Ctrl-C / SIGTERM sent to this script
# (or to the whole process group) stops the API first and then Keycloak (via the EXIT trap;
# Keycloak runs in its own session and never sees the terminal's Ctrl-C).
for ((i = 0; i < API_REPLICAS; i++)); do
  start_replica "$i" "$@"
done
if ((API_REPLICAS == 1)); then
  wait "${replica_pids[0]}"
  exit
fi
# Several: whichever exits first (a crash, a port taken meanwhile) ends the stack; the EXIT trap
# stops the others. A poll rather than `wait -n`, which macOS' bash 3.2 lacks.
while :; do
  for i in "${!replica_pids[@]}"; do
    kill -0 "${replica_pids[$i]}" 2>/dev/null && continue
    status=0
    wait "${replica_pids[$i]}" || status=$?
    echo "[stack] the API replica on port $((API_PORT + i)) exited (status $status): stopping the others" >&2
    exit $((status == 0 ? 1 : status))
  done
  sleep 1
done
