#!/usr/bin/env bash
# A throw-away Redis for the stack, CI and e2e tests -- no Docker needed.
#
#   scripts/redis.sh install   install Debian's redis-server package if missing (its own service
#                              is kept from starting)
#   scripts/redis.sh start     start redis-server on a spare loopback port, wait until it answers
#                              PING, and print REDIS_URL=redis://127.0.0.1:<port> on stdout
#                              (everything else: stderr)
#   scripts/redis.sh stop      stop the server this script started (recorded PID only)
#   scripts/redis.sh url       print REDIS_URL=... of the running server (exit 3 if none)
#   scripts/redis.sh status    report (exit 0 = running, 3 = not running)
#   scripts/redis.sh logs      print the log path and its last 50 lines
#
#   export "$(bash scripts/redis.sh start)"   # hands the URL to the app
#
# The server listens on 127.0.0.1 only, with no Unix socket and no persistence (no RDB snapshots,
# no append-only file): every start begins empty. Its folder is .cache/redis (git-ignored).
#
# Environment (all optional; each also read from <repo>/.env, real variables winning, as the app does):
#   REDIS_PORT            TCP port on 127.0.0.1, default: a spare one chosen by the kernel
#   REDIS_SERVER          the redis-server binary, default the one on the PATH
#   REDIS_START_TIMEOUT   seconds to wait for PING to answer, default 30
#   REDIS_CACHE_DIR       default <repo>/.cache/redis
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=redis # log() and die() of common.sh: [redis] ...
# shellcheck source=SCRIPTDIR/common.sh
source "$ROOT_DIR/scripts/common.sh"
dotenv_apply "$ROOT_DIR/.env" REDIS_PORT REDIS_SERVER REDIS_START_TIMEOUT REDIS_CACHE_DIR

SERVER="${REDIS_SERVER:-redis-server}"
START_TIMEOUT="${REDIS_START_TIMEOUT:-30}"
CACHE_DIR="${REDIS_CACHE_DIR:-$ROOT_DIR/.cache/redis}"
DATA_DIR="$CACHE_DIR/data"
PID_FILE="$CACHE_DIR/redis.pid"
PORT_FILE="$CACHE_DIR/redis.port"
LOG_FILE="$CACHE_DIR/redis.log"

require_seconds REDIS_START_TIMEOUT "$START_TIMEOUT"

# is_running (common.sh): our server's command line names our folder (--set-proc-title no keeps
# the arguments there).
SERVER_MARK="--dir $DATA_DIR "

recorded_port() { [[ ! -f "$PORT_FILE" ]] || tr -dc '0-9' <"$PORT_FILE"; }
redis_url() { printf 'REDIS_URL=redis://127.0.0.1:%s\n' "$(recorded_port)"; }

cmd_install() {
  command -v "$SERVER" >/dev/null 2>&1 && return 0
  [[ "$SERVER" == redis-server ]] || die "REDIS_SERVER=$SERVER is not an executable"
  apt_install redis-server Redis "$CACHE_DIR"
  stop_packaged_service redis-server
}

# For start_server (common.sh): our port answers PING, and the server there is process PID (INFO's
# process_id): one that took the port while ours was starting is not taken for ours. Plain RESP
# over bash's /dev/tcp.
server_ready() (
  local pid="$1" line pong="" own=""
  exec 3<>"/dev/tcp/127.0.0.1/$(recorded_port)" || return 1
  printf 'PING\r\nINFO server\r\n' >&3
  while [[ -z "$own" ]] && IFS= read -r -t 2 line <&3; do
    line="${line%$'\r'}"
    [[ "$line" != "+PONG" ]] || pong=1
    [[ "$line" != "process_id:$pid" ]] || own=1
  done
  [[ -n "$pong" && -n "$own" ]]
) 2>/dev/null

cmd_start() {
  local port
  cmd_install
  if is_running; then
    log "already running (pid $(recorded_pid)) on 127.0.0.1:$(recorded_port)"
    redis_url
    return 0
  fi
  mkdir -p "$CACHE_DIR"
  port="$(server_port REDIS_PORT ' (environment or .env)')"
  rm -rf "$DATA_DIR"
  mkdir -p "$DATA_DIR"
  echo "$port" >"$PORT_FILE"
  : >"$LOG_FILE"
  start_server redis-server REDIS_START_TIMEOUT "$SERVER" --bind 127.0.0.1 --port "$port" \
    --save '' --appendonly no --dir "$DATA_DIR" --daemonize no --set-proc-title no --loglevel warning
  log "$("$SERVER" --version | cut -d' ' -f1-3) ready (pid $(recorded_pid)) on 127.0.0.1:$port, no persistence"
  redis_url
}

cmd_stop() { stop_server Redis TERM:10 KILL:5; }

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) report_url Redis "bash scripts/redis.sh start" redis_url ;;
  status) report_status Redis "on 127.0.0.1:$(recorded_port)" ;;
  logs) cmd_logs ;;
  *)
    echo "usage: $0 install|start|stop|url|status|logs" >&2
    exit 2
    ;;
esac
