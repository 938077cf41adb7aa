#!/usr/bin/env bash
# A throw-away Prometheus for CI and e2e tests, scraping the API's metrics -- no Docker needed.
#
#   scripts/prometheus.sh install        install Debian's prometheus package (prometheus, promtool)
#                                        if missing; its own service is kept from starting
#   scripts/prometheus.sh start TARGET...  write a config scraping each TARGET (host:port of an
#                                        API's METRICS_PORT) every second, with
#                                        prometheus/alerts.yml loaded, start Prometheus on a spare
#                                        loopback port and print its URL on stdout (everything
#                                        else: stderr)
#   scripts/prometheus.sh stop           stop the server this script started (recorded PID only)
#   scripts/prometheus.sh url            print the running server's URL (exit 3 if none)
#   scripts/prometheus.sh status         report (exit 0 = running, 3 = not running)
#   scripts/prometheus.sh logs           print the log path and its last 50 lines
#
# Fresh state on every start: the config and the TSDB live in .cache/prometheus (git-ignored).
#
# Environment (all optional):
#   PROMETHEUS_PORT            TCP port on 127.0.0.1, default: a spare one chosen by the kernel
#   PROMETHEUS_START_TIMEOUT   seconds to wait for /-/ready, default 60
#   PROMETHEUS_CACHE_DIR       default <repo>/.cache/prometheus
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$ROOT_DIR/scripts/common.sh"

START_TIMEOUT="${PROMETHEUS_START_TIMEOUT:-60}"
CACHE_DIR="${PROMETHEUS_CACHE_DIR:-$ROOT_DIR/.cache/prometheus}"
DATA_DIR="$CACHE_DIR/data"
CONFIG_FILE="$CACHE_DIR/prometheus.yml"
PID_FILE="$CACHE_DIR/prometheus.pid"
PORT_FILE="$CACHE_DIR/prometheus.port"
LOG_FILE="$CACHE_DIR/prometheus.log"
RULES_FILE="$ROOT_DIR/prometheus/alerts.yml"

log() { printf '[prometheus] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
OWN_POLICY_FILE=""
trap '[[ -z "$OWN_POLICY_FILE" ]] || rm -f "$OWN_POLICY_FILE"' EXIT
[[ "$START_TIMEOUT" =~ ^[1-9][0-9]*$ ]] ||
  die "PROMETHEUS_START_TIMEOUT must be a whole number of seconds >= 1 (got $START_TIMEOUT)"

recorded_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  printf '%s' "$pid"
}

# True if the recorded PID is alive, not a zombie, and still our server (guards against PID reuse).
is_running() {
  local pid
  pid="$(recorded_pid)" || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ ! -r "/proc/$pid/stat" ]] || [[ "$(sed 's/^.*) //' "/proc/$pid/stat" | cut -c1)" != Z ]] || return 1
  [[ ! -r "/proc/$pid/cmdline" ]] || tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--config.file=$CONFIG_FILE "
}

server_url() { printf 'http://127.0.0.1:%s\n' "$(tr -dc '0-9' <"$PORT_FILE")"; }

# Debian's prometheus package, once. Its post-install script would start the packaged service on
# :9090; a policy-rc.d that answers 101 keeps it from starting (only when the machine has none).
cmd_install() {
  if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
    return 0
  fi
  ((EUID == 0)) || die "Prometheus is not installed; install it with: sudo apt-get install prometheus"
  command -v apt-get >/dev/null 2>&1 || die "Prometheus is not installed and there is no apt-get to install it"
  mkdir -p "$CACHE_DIR"
  local policy=/usr/sbin/policy-rc.d status=0
  if [[ ! -e "$policy" ]]; then
    OWN_POLICY_FILE="$policy" # removed by the EXIT trap, even if apt-get is interrupted
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
  fi
  log "installing Debian's prometheus package (once; log: $CACHE_DIR/apt.log)..."
  {
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus
  } >"$CACHE_DIR/apt.log" 2>&1 || status=$?
  ((status == 0)) || die "apt-get could not install prometheus (exit $status); see $CACHE_DIR/apt.log"
  # Under systemd the unit may have started anyway: the packaged server is not ours to keep.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
}

spare_port() {
  node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => {
    console.log(s.address().port); s.close(); });" 2>/dev/null ||
    die "could not pick a spare port (node missing?); set PROMETHEUS_PORT"
}

write_config() {
  local targets="$1"
  cat >"$CONFIG_FILE" <<EOF
# Written by scripts/prometheus.sh; rewritten on every start.
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $RULES_FILE
scrape_configs:
  - job_name: nest-keycloak-api
    static_configs:
      - targets: [$targets]
EOF
}

ready() {
  local url="$1/-/ready"
  node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$url"
}

cmd_start() {
  local target targets="" port pid deadline
  (($# > 0)) || die "usage: $0 start HOST:PORT... (the API's metrics address)"
  local host_port='^[][A-Za-z0-9.:-]+:[0-9]+$' # a name, an IPv4 or a [IPv6] address, a port
  for target in "$@"; do
    [[ "$target" =~ $host_port ]] || die "not a HOST:PORT scrape target: $target"
    targets+="${targets:+, }'$target'"
  done
  is_running && die "already running (pid $(recorded_pid)) at $(server_url); stop it first"
  cmd_install
  mkdir -p "$CACHE_DIR"
  port="${PROMETHEUS_PORT:-$(spare_port)}"
  [[ "$port" =~ ^[1-9][0-9]*$ ]] && ((port <= 65535)) || die "PROMETHEUS_PORT must be a TCP port (got $port)"
  port_listening "$port" && die "$(port_busy_message "$port" PROMETHEUS_PORT); stop it or set PROMETHEUS_PORT"
  rm -rf "$DATA_DIR" "$PID_FILE"
  write_config "$targets"
  echo "$port" >"$PORT_FILE"
  : >"$LOG_FILE"
  # Its own session (Ctrl-C in the caller's terminal does not reach it); the inner shell records
  # its PID, then execs prometheus, so the PID is the server's own.
  # shellcheck disable=SC2016 # $$, $0 and $@ are for the inner shell
  nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" prometheus \
    "--config.file=$CONFIG_FILE" "--storage.tsdb.path=$DATA_DIR" \
    "--web.listen-address=127.0.0.1:$port" --log.level=warn </dev/null >>"$LOG_FILE" 2>&1 &
  local tries=0
  pid=""
  while [[ -z "$pid" ]] && ((tries++ < 50)); do
    sleep 0.1
    pid="$(recorded_pid || true)"
  done
  [[ -n "$pid" ]] || die "could not record Prometheus' PID; log: $LOG_FILE"
  deadline=$((SECONDS + START_TIMEOUT))
  until ready "$(server_url)"; do
    if ! is_running; then
      rm -f "$PID_FILE"
      die "Prometheus exited during startup: $(tail -n 1 "$LOG_FILE" | cut -c1-300); see $LOG_FILE"
    fi
    ((SECONDS < deadline)) || {
      cmd_stop
      die "Prometheus not ready after ${START_TIMEOUT}s (PROMETHEUS_START_TIMEOUT); see $LOG_FILE"
    }
    sleep 0.2
  done
  log "$(prometheus --version 2>&1 | head -n 1 | cut -d' ' -f1-3) ready (pid $pid), scraping $* every 1s"
  server_url
}

cmd_stop() {
  local pid deadline
  if ! pid="$(recorded_pid)"; then
    log "not running (no PID file)"
    return 0
  fi
  if ! is_running; then
    log "not running (PID $pid is gone or is not this Prometheus)"
    rm -f "$PID_FILE"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 15))
  while is_running && ((SECONDS < deadline)); do sleep 0.2; done
  if is_running; then
    log "still alive 15s after SIGTERM, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_url() {
  is_running || {
    log "ERROR: Prometheus is not running; start it with: bash scripts/prometheus.sh start HOST:PORT"
    return 3
  }
  server_url
}

cmd_status() {
  if is_running; then
    echo "Prometheus running (pid $(recorded_pid)) at $(server_url); log: $LOG_FILE"
    return 0
  fi
  echo "Prometheus not running (no live process recorded in $PID_FILE)"
  return 3
}

case "${1:-}" in
  install) cmd_install ;;
  start)
    shift
    cmd_start "$@"
    ;;
  stop) cmd_stop ;;
  url) cmd_url ;;
  status) cmd_status ;;
  logs)
    echo "log: $LOG_FILE"
    tail -n 50 "$LOG_FILE" 2>/dev/null || true
    ;;
  *)
    echo "usage: $0 install|start HOST:PORT...|stop|url|status|logs" >&2
    exit 2
    ;;
esac
