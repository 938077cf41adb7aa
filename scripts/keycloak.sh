#!/usr/bin/env bash
# Local Keycloak for development, CI and e2e tests -- no Docker needed.
#
#   scripts/keycloak.sh start    download (once) + start in the background, wait until realm "demo" answers
#   scripts/keycloak.sh stop     stop the instance this script started (recorded PID / process group only)
#   scripts/keycloak.sh status   report (exit 0 = running, 3 = not running)
#   scripts/keycloak.sh restart
#   scripts/keycloak.sh logs     print the log path and its last 50 lines
#
# The distribution org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip comes from Maven
# Central (via `mvn`, so ~/.m2 and Maven proxy/mirror settings are honoured) and is unpacked into
# .cache/keycloak/ (git-ignored). The version lives in keycloak/keycloak.env (shared with
# docker-compose.yml).
#
# DEVELOPMENT ONLY: start-dev (HTTP, no TLS), H2 file database under the cache dir, reset to the
# pristine imported realm on every start by default (state never leaks between runs), bootstrap
# admin admin/admin unless KC_BOOTSTRAP_ADMIN_USERNAME / KC_BOOTSTRAP_ADMIN_PASSWORD are set.
#
# Environment (all optional):
#   KEYCLOAK_VERSION          default from keycloak/keycloak.env
#   KEYCLOAK_PORT             HTTP port, default 8080
#   KEYCLOAK_HTTP_HOST        bind address, default 127.0.0.1
#   KEYCLOAK_HOSTNAME         public base URL (token issuer), default http://localhost:$KEYCLOAK_PORT
#   KEYCLOAK_STATE            fresh (default): every start begins with exactly the state of
#                               keycloak/realm-demo.json (restored from a cached pristine H2 snapshot,
#                               rebuilt automatically when the realm file or version changes)
#                             persist: keep the H2 database across restarts (admin-console changes
#                               survive; realm-demo.json is NOT re-imported once realm demo exists)
#   KEYCLOAK_HEAP             JVM heap options, default "-Xms64m -Xmx768m"
#   KEYCLOAK_START_TIMEOUT    seconds to wait for readiness, default 180
#   KEYCLOAK_STOP_TIMEOUT     seconds between SIGTERM and SIGKILL, default 30
#   KEYCLOAK_CACHE_DIR        default <repo>/.cache/keycloak
#   KEYCLOAK_JAVA_HOME        force a JDK (otherwise JAVA_HOME if >= 17, else newest >= 17 found)
#   KC_*                      passed through to Keycloak (e.g. KC_LOG_LEVEL, KC_HEALTH_ENABLED)
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION_FILE="$ROOT_DIR/keycloak/keycloak.env"
REALM_FILE="$ROOT_DIR/keycloak/realm-demo.json"
REALM="demo"
MIN_JAVA=17

if [[ -z "${KEYCLOAK_VERSION:-}" ]]; then
  # shellcheck source=SCRIPTDIR/../keycloak/keycloak.env
  source "$VERSION_FILE"
fi
: "${KEYCLOAK_VERSION:?KEYCLOAK_VERSION missing in $VERSION_FILE}"

PORT="${KEYCLOAK_PORT:-8080}"
HTTP_HOST="${KEYCLOAK_HTTP_HOST:-127.0.0.1}"
PUBLIC_URL="${KEYCLOAK_HOSTNAME:-http://localhost:$PORT}"
STATE_MODE="${KEYCLOAK_STATE:-fresh}"
ADMIN_USER="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"
HEAP="${KEYCLOAK_HEAP:--Xms64m -Xmx768m}"
START_TIMEOUT="${KEYCLOAK_START_TIMEOUT:-180}"
STOP_TIMEOUT="${KEYCLOAK_STOP_TIMEOUT:-30}"
CACHE_DIR="${KEYCLOAK_CACHE_DIR:-$ROOT_DIR/.cache/keycloak}"
DIST_DIR="$CACHE_DIR/keycloak-$KEYCLOAK_VERSION"
ZIP_FILE="$CACHE_DIR/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
PID_FILE="$CACHE_DIR/keycloak.pid"
PORT_FILE="$CACHE_DIR/keycloak.port"
LOG_FILE="$CACHE_DIR/keycloak.log"
# Readiness is checked through loopback on the bound port, whatever KEYCLOAK_HOSTNAME says.
if [[ "$HTTP_HOST" == "0.0.0.0" || "$HTTP_HOST" == "127.0.0.1" ]]; then
  PROBE_BASE="http://127.0.0.1:$PORT"
else
  PROBE_BASE="http://$HTTP_HOST:$PORT"
fi
DISCOVERY_URL="$PROBE_BASE/realms/$REALM/.well-known/openid-configuration"
# kc.sh and the JVM both carry the distribution path on their command line.
DIST_DIR_PATTERN="$CACHE_DIR/keycloak-"

log() { printf '[keycloak] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# --- process bookkeeping --------------------------------------------------------------------

recorded_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  printf '%s' "$pid"
}

# True if the recorded PID is alive AND still is our Keycloak (guards against PID reuse).
is_running() {
  local pid
  pid="$(recorded_pid)" || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$DIST_DIR_PATTERN" || return 1
  fi
  return 0
}
group_alive() { kill -0 -- "-$1" 2>/dev/null; }

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" 2>/dev/null || true
}

# --- java -----------------------------------------------------------------------------------

java_major() { # $1 = java binary; prints the major version (8 for 1.8)
  local v
  v="$("$1" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')" || return 1
  [[ -n "$v" ]] || return 1
  v="${v#1.}"
  printf '%s' "${v%%[.+-]*}"
}

find_java_home() {
  local cand major best="" best_major=0
  if [[ -n "${KEYCLOAK_JAVA_HOME:-}" ]]; then
    [[ -x "$KEYCLOAK_JAVA_HOME/bin/java" ]] || die "KEYCLOAK_JAVA_HOME=$KEYCLOAK_JAVA_HOME has no bin/java"
    printf '%s' "$KEYCLOAK_JAVA_HOME"
    return
  fi
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    major="$(java_major "$JAVA_HOME/bin/java" || echo 0)"
    if ((major >= MIN_JAVA)); then
      printf '%s' "$JAVA_HOME"
      return
    fi
    log "JAVA_HOME=$JAVA_HOME is Java $major (< $MIN_JAVA), looking for a newer JDK"
  fi
  local -a candidates=()
  for cand in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [[ -x "$cand/bin/java" ]] && candidates+=("$cand")
  done
  if command -v java >/dev/null 2>&1; then
    cand="$(readlink -f "$(command -v java)")"
    candidates+=("${cand%/bin/java}")
  fi
  for cand in "${candidates[@]}"; do
    major="$(java_major "$cand/bin/java" 2>/dev/null || echo 0)"
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if ((major > best_major)); then
      best="$cand"
      best_major="$major"
    fi
  done
  ((best_major >= MIN_JAVA)) || die "no JDK >= $MIN_JAVA found (set KEYCLOAK_JAVA_HOME or JAVA_HOME)"
  printf '%s' "$best"
}

# --- download / unpack ----------------------------------------------------------------------

ensure_distribution() {
  if [[ -x "$DIST_DIR/bin/kc.sh" && -f "$DIST_DIR/.unpacked" ]]; then
    return
  fi
  mkdir -p "$CACHE_DIR"
  if [[ ! -s "$ZIP_FILE" ]]; then
    command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to download Keycloak $KEYCLOAK_VERSION)"
    log "downloading org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip from Maven (once)..."
    local tmp="$CACHE_DIR/download.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # dependency:copy resolves through ~/.m2 (reused if already there) and copies the zip here.
    if ! (cd "$tmp" && mvn -B -Dstyle.color=never \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
      -DoutputDirectory="$tmp" -Dmdep.overWriteReleases=true) >"$CACHE_DIR/maven.log" 2>&1; then
      tail -n 30 "$CACHE_DIR/maven.log" >&2 || true
      die "Maven download of keycloak-quarkus-dist $KEYCLOAK_VERSION failed (full output: $CACHE_DIR/maven.log)"
    fi
    mv "$tmp/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" "$ZIP_FILE"
    rm -rf "$tmp"
  fi
  log "unpacking $(basename "$ZIP_FILE")..."
  rm -rf "$DIST_DIR" "$CACHE_DIR/unpack.$$"
  mkdir -p "$CACHE_DIR/unpack.$$"
  if command -v unzip >/dev/null 2>&1; then
    unzip -q "$ZIP_FILE" -d "$CACHE_DIR/unpack.$$"
  else
    (cd "$CACHE_DIR/unpack.$$" && "$(find_java_home)/bin/jar" xf "$ZIP_FILE")
  fi
  mv "$CACHE_DIR/unpack.$$/keycloak-$KEYCLOAK_VERSION" "$DIST_DIR"
  rm -rf "$CACHE_DIR/unpack.$$"
  chmod +x "$DIST_DIR"/bin/*.sh
  touch "$DIST_DIR/.unpacked"
}

# --- commands -------------------------------------------------------------------------------

cmd_status() {
  if is_running; then
    local code
    code="$(http_status "$DISCOVERY_URL")"
    if [[ "$code" == "200" ]]; then
      echo "Keycloak $KEYCLOAK_VERSION running (pid $(recorded_pid)), realm $REALM ready at $PUBLIC_URL/realms/$REALM"
    else
      echo "Keycloak $KEYCLOAK_VERSION running (pid $(recorded_pid)) but realm $REALM not ready yet (HTTP ${code:-none})"
    fi
    echo "log: $LOG_FILE"
    return 0
  fi
  echo "Keycloak not running (no live process recorded in $PID_FILE)"
  return 3
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if [[ "$(http_status "$DISCOVERY_URL")" == "200" ]]; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "Keycloak exited during startup; last 50 log lines:"
      tail -n 50 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    sleep 1
  done
  log "Keycloak not ready after ${START_TIMEOUT}s ($DISCOVERY_URL); last 50 log lines:"
  tail -n 50 "$LOG_FILE" >&2 || true
  return 1
}

# Starts kc.sh in its own session and waits for the realm. $@ = extra kc.sh arguments.
launch() {
  local java_home="$1"
  shift
  local -a args=(
    start-dev
    --db=dev-file
    "--http-host=$HTTP_HOST"
    "--http-port=$PORT"
    "--hostname=$PUBLIC_URL"
    --hostname-backchannel-dynamic=true
    "$@"
  )
  local started=$SECONDS
  printf '\n==== %s kc.sh %s\n' "$(date -u +%FT%TZ)" "${args[*]}" >>"$LOG_FILE"
  rm -f "$PID_FILE"
  echo "$PORT" >"$PORT_FILE"
  # New session/process group so that `stop` can signal kc.sh and its JVM together, and Ctrl-C
  # in the caller's terminal does not reach Keycloak. The inner shell records its own PID
  # (== process group id) before exec'ing kc.sh, so the PID is right even if setsid forks.
  local launcher=(setsid)
  if ! command -v setsid >/dev/null 2>&1; then
    launcher=(perl -MPOSIX -e 'POSIX::setsid(); exec @ARGV or die "exec: $!"')
  fi
  (
    cd "$DIST_DIR"
    export JAVA_HOME="$java_home"
    export JAVA_OPTS_KC_HEAP="$HEAP"
    export KC_BOOTSTRAP_ADMIN_USERNAME="$ADMIN_USER"
    export KC_BOOTSTRAP_ADMIN_PASSWORD="$ADMIN_PASSWORD"
    # shellcheck disable=SC2016 # $$ and $@ are for the inner shell
    nohup "${launcher[@]}" bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
      "$DIST_DIR/bin/kc.sh" "${args[@]}" </dev/null >>"$LOG_FILE" 2>&1 &
  )
  local tries=0 pid=""
  while [[ -z "$pid" ]] && ((tries++ < 50)); do
    sleep 0.1
    pid="$(recorded_pid || true)"
  done
  [[ -n "$pid" ]] || die "could not record Keycloak's PID; log: $LOG_FILE"

  if ! wait_ready "$pid"; then
    log "stopping the failed instance"
    cmd_stop || true
    exit 1
  fi
  log "ready in $((SECONDS - started))s (pid $pid)"
}

# Key of the pristine database snapshot: everything that ends up in the imported state.
snapshot_key() {
  local sum=sha256sum
  command -v sha256sum >/dev/null 2>&1 || sum="shasum -a 256"
  {
    printf '%s\n%s\n%s\n' "$KEYCLOAK_VERSION" "$ADMIN_USER" "$ADMIN_PASSWORD"
    cat "$REALM_FILE"
  } | $sum | cut -c1-16
}

cmd_start() {
  if is_running; then
    local running_port
    running_port="$(cat "$PORT_FILE" 2>/dev/null || echo "$PORT")"
    if [[ "$running_port" != "$PORT" ]]; then
      die "already running on port $running_port (pid $(recorded_pid)); one instance per cache dir (KEYCLOAK_CACHE_DIR)"
    fi
    log "already running (pid $(recorded_pid)), log: $LOG_FILE"
    wait_ready "$(recorded_pid)" || die "running but not ready; see $LOG_FILE"
    log "ready: $PUBLIC_URL/realms/$REALM"
    return 0
  fi
  rm -f "$PID_FILE"
  command -v curl >/dev/null 2>&1 || die "curl is required"
  [[ -f "$REALM_FILE" ]] || die "missing $REALM_FILE"
  [[ "$STATE_MODE" == "fresh" || "$STATE_MODE" == "persist" ]] ||
    die "KEYCLOAK_STATE must be fresh or persist (got $STATE_MODE)"
  if port_in_use; then
    die "port $PORT is already in use by another process (not started by this script); set KEYCLOAK_PORT or stop it"
  fi

  ensure_distribution
  local java_home
  java_home="$(find_java_home)"

  mkdir -p "$DIST_DIR/data/import"
  rm -f "$DIST_DIR"/data/import/*.json
  cp "$REALM_FILE" "$DIST_DIR/data/import/realm-demo.json"
  : >"$LOG_FILE"
  local t0=$SECONDS
  log "starting Keycloak $KEYCLOAK_VERSION (Java $(java_major "$java_home/bin/java"): $java_home) on $HTTP_HOST:$PORT, state: $STATE_MODE, log: $LOG_FILE"

  if [[ "$STATE_MODE" == "persist" ]]; then
    # Keeps data/h2 across restarts; the realm file is imported only if realm demo does not exist.
    launch "$java_home" --import-realm
  else
    local snap
    snap="$CACHE_DIR/snapshots/$(snapshot_key)"
    rm -rf "$DIST_DIR/data/h2"
    if [[ -f "$snap/.complete" ]]; then
      cp -R "$snap/h2" "$DIST_DIR/data/h2"
      launch "$java_home"
    else
      log "first start for this realm file/version: importing, then saving a pristine database snapshot"
      launch "$java_home" --import-realm
      if cmd_stop; then
        rm -rf "$snap" "$snap.tmp.$$"
        mkdir -p "$snap.tmp.$$"
        cp -R "$DIST_DIR/data/h2" "$snap.tmp.$$/h2"
        rm -f "$snap.tmp.$$"/h2/*.trace.db
        touch "$snap.tmp.$$/.complete"
        mv "$snap.tmp.$$" "$snap"
        # Keep only the newest few snapshots.
        find "$CACHE_DIR/snapshots" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
          sort -rn | tail -n +4 | cut -d' ' -f2- | xargs -r rm -rf
        rm -rf "$DIST_DIR/data/h2"
        cp -R "$snap/h2" "$DIST_DIR/data/h2"
      else
        log "could not stop cleanly; starting without a snapshot"
        rm -rf "$DIST_DIR/data/h2"
      fi
      if [[ -f "$snap/.complete" ]]; then
        launch "$java_home"
      else
        launch "$java_home" --import-realm
      fi
    fi
  fi
  log "Keycloak up after $((SECONDS - t0))s: $PUBLIC_URL/realms/$REALM  admin console: $PUBLIC_URL/admin ($ADMIN_USER/<password>)"
}

cmd_stop() {
  local pid killed=0
  if ! pid="$(recorded_pid)"; then
    log "not running (no PID file)"
    return 0
  fi
  if ! kill -0 "$pid" 2>/dev/null && ! group_alive "$pid"; then
    log "not running (stale PID $pid)"
    rm -f "$PID_FILE"
    return 0
  fi
  if kill -0 "$pid" 2>/dev/null && ! is_running; then
    log "PID $pid is not this Keycloak any more; not touching it"
    rm -f "$PID_FILE"
    return 0
  fi
  log "stopping Keycloak (process group $pid)..."
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while group_alive "$pid" || kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      killed=1
      sleep 1
      break
    fi
    sleep 0.5
  done
  rm -f "$PID_FILE"
  log "stopped"
  return "$killed"
}

cmd_logs() {
  echo "log: $LOG_FILE"
  tail -n 50 "$LOG_FILE" 2>/dev/null || true
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop || true ;; # non-zero only means SIGKILL was needed; the process is gone
  restart)
    cmd_stop || true
    cmd_start
    ;;
  status) cmd_status ;;
  logs) cmd_logs ;;
  *)
    echo "usage: $0 start|stop|restart|status|logs" >&2
    exit 2
    ;;
esac
