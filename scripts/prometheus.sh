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
LOG_TAG=prometheus # log() and die() of common.sh: [prometheus] ...
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

require_seconds PROMETHEUS_START_TIMEOUT "$START_TIMEOUT"

SERVER_MARK="--config.file=$CONFIG_FILE " # is_running (common.sh)

server_url() { printf 'http://127.0.0.1:%s\n' "$(tr -dc '0-9' <"$PORT_FILE")"; }

# Debian's prometheus package, once (its own service on :9090 kept from starting).
cmd_install() {
  if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
    return 0
  fi
  apt_install prometheus Prometheus "$CACHE_DIR"
  stop_packaged_service prometheus
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

# For start_server (common.sh): /-/ready answers 200.
server_ready() {
  node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" \
    "$(server_url)/-/ready"
}

cmd_start() {
  local target targets="" port
  (($# > 0)) || die "usage: $0 start HOST:PORT... (the API's metrics address)"
  local host_port='^[][A-Za-z0-9.:-]+:[0-9]+$' # a name, an IPv4 or a [IPv6] address, a port
  for target in "$@"; do
    [[ "$target" =~ $host_port ]] || die "not a HOST:PORT scrape target: $target"
    targets+="${targets:+, }'$target'"
  done
  is_running && die "already running (pid $(recorded_pid)) at $(server_url); stop it first"
  cmd_install
  mkdir -p "$CACHE_DIR"
  port="$(server_port PROMETHEUS_PORT)"
  rm -rf "$DATA_DIR" "$PID_FILE"
  write_config "$targets"
  echo "$port" >"$PORT_FILE"
  : >"$LOG_FILE"
  start_server Prometheus PROMETHEUS_START_TIMEOUT prometheus "--config.file=$CONFIG_FILE" \
    "--storage.tsdb.path=$DATA_DIR" "--web.listen-address=127.0.0.1:$port" --log.level=warn
  log "$(prometheus --version 2>&1 | head -n 1 | cut -d' ' -f1-3) ready (pid $(recorded_pid)), scraping $* every 1s"
  server_url
}

cmd_stop() { stop_server Prometheus TERM:15 KILL:5; }

case "${1:-}" in
  install) cmd_install ;;
  start)
    shift
    cmd_start "$@"
    ;;
  stop) cmd_stop ;;
  url) report_url Prometheus "bash scripts/prometheus.sh start HOST:PORT" server_url ;;
  status) report_status Prometheus "at $(server_url 2>/dev/null)" ;;
  logs) cmd_logs ;;
  *)
    echo "usage: $0 install|start HOST:PORT...|stop|url|status|logs" >&2
    exit 2
    ;;
esac
