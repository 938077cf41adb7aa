#!/usr/bin/env bash
# Local PostgreSQL for CI and e2e tests -- no Docker needed.
#
#   scripts/postgres.sh start    install Debian's postgresql package if missing, initdb, start the
#                                server on a spare loopback port, create the database, and print
#                                DATABASE_URL=postgres://... on stdout (everything else: stderr)
#   scripts/postgres.sh stop     stop the server this script started (recorded PID only), wait for it
#   scripts/postgres.sh url      print DATABASE_URL=... of the running server (exit 3 if none)
#   scripts/postgres.sh status   report (exit 0 = running, 3 = not running)
#   scripts/postgres.sh restart
#   scripts/postgres.sh logs     print the log path and its last 50 lines
#
#   export "$(bash scripts/postgres.sh url)"   # hands the URL to npm run test:postgres, the app…
#
# The server listens on 127.0.0.1 only, with no Unix socket, and asks every client for a password
# (scram-sha-256; no trust rule anywhere). Two roles, DEVELOPMENT ONLY passwords:
#   nest_api / nest-api-dev-pw   owns database nest_api (and may create databases): DATABASE_URL's
#   postgres / postgres-dev-pw   superuser, used by this script only
# Data lives in .cache/postgres/data (git-ignored), written without fsync: throw-away by design.
# PostgreSQL refuses to run as root: as root, initdb and the server run as the `postgres` system
# user (created by the package), which then owns the data directory.
#
# Environment (all optional; each also read from <repo>/.env, real variables winning, as the app does):
#   POSTGRES_PORT            TCP port on 127.0.0.1, default: a spare one chosen by the kernel
#   POSTGRES_STATE           fresh (default): a new, empty cluster on every start
#                            persist: keep the cluster across restarts
#   POSTGRES_START_TIMEOUT   seconds to wait for the server to accept connections, default 60
#   POSTGRES_STOP_TIMEOUT    seconds between fast shutdown (SIGINT) and harder signals, default 30
#   POSTGRES_CACHE_DIR       default <repo>/.cache/postgres
#   POSTGRES_BIN_DIR         force a server version, default the newest /usr/lib/postgresql/*/bin
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=postgres # log() and die() of common.sh: [postgres] ...
# shellcheck source=SCRIPTDIR/common.sh
source "$ROOT_DIR/scripts/common.sh"
dotenv_apply "$ROOT_DIR/.env" POSTGRES_PORT POSTGRES_STATE POSTGRES_START_TIMEOUT \
  POSTGRES_STOP_TIMEOUT POSTGRES_CACHE_DIR POSTGRES_BIN_DIR

DB_NAME="nest_api"
APP_USER="nest_api"
APP_PASSWORD="nest-api-dev-pw" # DEVELOPMENT ONLY
SUPERUSER="postgres"
SUPERUSER_PASSWORD="postgres-dev-pw" # DEVELOPMENT ONLY
OS_USER="postgres"                   # the system user the Debian package creates
STATE_MODE="${POSTGRES_STATE:-fresh}"
START_TIMEOUT="${POSTGRES_START_TIMEOUT:-60}"
STOP_TIMEOUT="${POSTGRES_STOP_TIMEOUT:-30}"
CACHE_DIR="${POSTGRES_CACHE_DIR:-$ROOT_DIR/.cache/postgres}"
DATA_DIR="$CACHE_DIR/data"
PID_FILE="$CACHE_DIR/postgres.pid"
PORT_FILE="$CACHE_DIR/postgres.port"
LOG_FILE="$CACHE_DIR/postgres.log"

for setting in START_TIMEOUT STOP_TIMEOUT; do
  require_seconds "POSTGRES_$setting" "${!setting}"
done
[[ "$STATE_MODE" == "fresh" || "$STATE_MODE" == "persist" ]] ||
  die "POSTGRES_STATE must be fresh or persist (got $STATE_MODE)"

# --- process bookkeeping --------------------------------------------------------------------

SERVER_MARK="-D $DATA_DIR " # is_running (common.sh)

recorded_port() { [[ ! -f "$PORT_FILE" ]] || tr -dc '0-9' <"$PORT_FILE"; }

database_url() {
  printf 'DATABASE_URL=postgres://%s:%s@127.0.0.1:%s/%s\n' \
    "$APP_USER" "$APP_PASSWORD" "$(recorded_port)" "$DB_NAME"
}

# --- installation and the user the server runs as --------------------------------------------

# The newest installed server's bin folder, if any.
find_bin_dir() {
  local dir
  dir="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null |
    sort -V | tail -n 1 || true)"
  [[ -n "$dir" ]] || return 1
  printf '%s' "${dir%/initdb}"
}

# Debian's postgresql package (15 on Debian 12), once; the "main" cluster its post-install script
# would start on port 5432 is kept from starting (apt_install).
install_postgresql() {
  apt_install postgresql "PostgreSQL (no /usr/lib/postgresql/*/bin/initdb)" "$CACHE_DIR" \
    "; install PostgreSQL's server binaries and set POSTGRES_BIN_DIR"
}

# The server runs as the current user, or as `postgres` for root. setpriv execs in place
# (runuser would fork and stay the parent), so a recorded PID is the server's own.
AS_SERVER_USER=()
((EUID != 0)) ||
  AS_SERVER_USER=(setpriv --reuid="$OS_USER" --regid="$OS_USER" --init-groups --reset-env --)
as_server_user() { ${AS_SERVER_USER[@]+"${AS_SERVER_USER[@]}"} "$@"; }

check_server_user() {
  ((EUID == 0)) || return 0
  id -u "$OS_USER" >/dev/null 2>&1 ||
    die "running as root, but there is no '$OS_USER' system user to run PostgreSQL as (it refuses root); run as another user"
  command -v setpriv >/dev/null 2>&1 || die "setpriv (util-linux) is needed to run PostgreSQL as '$OS_USER'"
}

# --- commands -------------------------------------------------------------------------------

init_cluster() {
  local bin="$1" pwfile
  if [[ "$STATE_MODE" == "persist" && -f "$DATA_DIR/PG_VERSION" ]]; then
    return 0
  fi
  # Only a folder that is a cluster (or empty) is removed: POSTGRES_CACHE_DIR may point anywhere.
  if [[ -e "$DATA_DIR" && ! -f "$DATA_DIR/PG_VERSION" ]] && [[ -n "$(ls -A "$DATA_DIR")" ]]; then
    die "$DATA_DIR exists and is not a PostgreSQL cluster; move it away or set POSTGRES_CACHE_DIR"
  fi
  rm -rf "$DATA_DIR"
  mkdir -p "$DATA_DIR"
  chmod 700 "$DATA_DIR"
  pwfile="$CACHE_DIR/superuser.pw"
  printf '%s\n' "$SUPERUSER_PASSWORD" >"$pwfile"
  chmod 600 "$pwfile"
  if ((EUID == 0)); then
    chown "$OS_USER:" "$DATA_DIR" "$pwfile"
    as_server_user test -w "$DATA_DIR" ||
      die "user $OS_USER cannot reach $DATA_DIR (a parent folder is closed to it); set POSTGRES_CACHE_DIR to a folder it can reach, e.g. /tmp/nest-api-postgres"
  fi
  # No trust rule: password (scram-sha-256) for TCP; Unix sockets are switched off at start.
  if ! as_server_user "$bin/initdb" -D "$DATA_DIR" -U "$SUPERUSER" --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --no-locale >>"$LOG_FILE" 2>&1; then
    rm -f "$pwfile"
    die "initdb failed; see $LOG_FILE"
  fi
  rm -f "$pwfile"
}

# Starts the server in its own session and records its PID (setpriv execs postgres in place).
launch() {
  local bin="$1" port="$2"
  local -a args=(
    -D "$DATA_DIR"
    -c listen_addresses=127.0.0.1
    -c "port=$port"
    -c unix_socket_directories=
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off # throw-away data
  )
  echo "$port" >"$PORT_FILE"
  printf '\n==== %s postgres %s\n' "$(date -u +%FT%TZ)" "${args[*]}" >>"$LOG_FILE"
  start_recorded "$LOG_FILE" ${AS_SERVER_USER[@]+"${AS_SERVER_USER[@]}"} "$bin/postgres" "${args[@]}" ||
    die "could not record the server's PID; log: $LOG_FILE"
}

# The server answers, and it is ours: its postmaster.pid names the PID we recorded.
answers() {
  local bin="$1" pid="$2" port="$3"
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1 &&
    [[ "$(head -n 1 "$DATA_DIR/postmaster.pid" 2>/dev/null)" == "$pid" ]]
}

wait_ready() {
  local bin="$1" pid="$2" port="$3" status=0
  wait_until "$START_TIMEOUT" "$pid" answers "$bin" "$pid" "$port" || status=$?
  if ((status == 1)); then
    rm -f "$PID_FILE"
    if grep -q 'could not bind' "$LOG_FILE"; then
      die "$(port_busy_message "$port" POSTGRES_PORT) (taken while PostgreSQL was starting); stop it or set POSTGRES_PORT"
    fi
    # The server's own reason, in the same line.
    die "PostgreSQL exited during startup: $(grep -E 'FATAL|PANIC' "$LOG_FILE" | tail -n 1 | cut -c1-200); see $LOG_FILE"
  elif ((status == 2)); then
    cmd_stop || true
    die "PostgreSQL not ready after ${START_TIMEOUT}s (POSTGRES_START_TIMEOUT); see $LOG_FILE"
  fi
}

# The application role and its database, created unless they exist (a persisted cluster).
ensure_database() {
  local bin="$1" port="$2"
  local -a psql=("$bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port"
    -U "$SUPERUSER" -d postgres)
  export PGPASSWORD="$SUPERUSER_PASSWORD" PGCONNECT_TIMEOUT=10
  if [[ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$APP_USER'")" ]]; then
    "${psql[@]}" -c "CREATE ROLE $APP_USER LOGIN CREATEDB PASSWORD '$APP_PASSWORD'" >/dev/null ||
      die "could not create role $APP_USER; see $LOG_FILE"
  fi
  if [[ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]]; then
    "${psql[@]}" -c "CREATE DATABASE $DB_NAME OWNER $APP_USER" >/dev/null ||
      die "could not create database $DB_NAME; see $LOG_FILE"
  fi
  unset PGPASSWORD
}

cmd_start() {
  local bin port pid t0=$SECONDS
  mkdir -p "$CACHE_DIR"
  if [[ -n "${POSTGRES_BIN_DIR:-}" ]]; then
    [[ -x "$POSTGRES_BIN_DIR/initdb" ]] || die "POSTGRES_BIN_DIR=$POSTGRES_BIN_DIR has no initdb"
    bin="$POSTGRES_BIN_DIR"
  elif ! bin="$(find_bin_dir)"; then
    install_postgresql
    bin="$(find_bin_dir)" || die "postgresql installed, but no /usr/lib/postgresql/*/bin/initdb"
  fi
  if is_running; then
    port="$(recorded_port)"
    if [[ -n "${POSTGRES_PORT:-}" && "$POSTGRES_PORT" != "$port" ]]; then
      die "already running on port $port (pid $(recorded_pid)); one instance per cache dir (POSTGRES_CACHE_DIR)"
    fi
    log "already running (pid $(recorded_pid)) on 127.0.0.1:$port"
    wait_ready "$bin" "$(recorded_pid)" "$port"
    ensure_database "$bin" "$port"
    database_url
    return 0
  fi
  rm -f "$PID_FILE"
  port="$(server_port POSTGRES_PORT ' (environment or .env)')"
  check_server_user
  : >"$LOG_FILE"
  init_cluster "$bin"
  log "starting PostgreSQL $("$bin/postgres" --version | awk '{ print $3 }') on 127.0.0.1:$port (state: $STATE_MODE, log: $LOG_FILE)"
  launch "$bin" "$port"
  pid="$(recorded_pid)"
  wait_ready "$bin" "$pid" "$port"
  ensure_database "$bin" "$port"
  log "ready in $((SECONDS - t0))s (pid $pid): database $DB_NAME, user $APP_USER (password auth)"
  database_url
}

cmd_stop() {
  local pid
  if ! pid="$(recorded_pid)"; then
    log "not running (no PID file)"
    return 0
  fi
  if ! alive "$pid"; then
    log "not running (stale PID $pid)"
    rm -f "$PID_FILE"
    return 0
  fi
  if ! is_running; then
    log "PID $pid is not this PostgreSQL any more; not touching it"
    rm -f "$PID_FILE"
    return 0
  fi
  log "stopping PostgreSQL (pid $pid)..."
  # SIGINT = fast shutdown: open sessions are cut, not waited for. Then immediate shutdown
  # (SIGQUIT), and SIGKILL as the last resort.
  stop_pid "$pid" "INT:$STOP_TIMEOUT" QUIT:5 KILL:5 ||
    die "PostgreSQL (pid $pid) did not stop, even after SIGKILL"
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_url() {
  is_running || {
    log "ERROR: PostgreSQL is not running; start it with: bash scripts/postgres.sh start"
    return 3
  }
  database_url
}

cmd_status() {
  if is_running; then
    echo "PostgreSQL running (pid $(recorded_pid)) on 127.0.0.1:$(recorded_port), database $DB_NAME"
    echo "log: $LOG_FILE"
    return 0
  fi
  echo "PostgreSQL not running (no live process recorded in $PID_FILE)"
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart)
    cmd_stop
    cmd_start
    ;;
  url) cmd_url ;;
  status) cmd_status ;;
  logs) cmd_logs ;;
  *)
    echo "usage: $0 start|stop|restart|url|status|logs" >&2
    exit 2
    ;;
esac
