#!/usr/bin/env bash
# Local Keycloak for development, CI and e2e tests -- no Docker needed.
#
#   scripts/keycloak.sh start    download (once) + start in the background, wait until realm "demo" answers
#   scripts/keycloak.sh stop     stop the instance this script started (recorded PID / process group only)
#   scripts/keycloak.sh status   report (exit 0 = running, 3 = not running)
#   scripts/keycloak.sh restart
#   scripts/keycloak.sh logs     print the log path and its last 50 lines
#   scripts/keycloak.sh clean    delete the downloaded distribution from both places it is kept
#                                (the cache dir and Maven's ~/.m2 copy) and say how much it freed
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
# Environment (all optional; each also read from <repo>/.env, real variables winning, as the app does):
#   KEYCLOAK_VERSION          default from keycloak/keycloak.env
#   KEYCLOAK_PORT             HTTP port, default 8080
#   KEYCLOAK_HTTP_HOST        bind address, default 127.0.0.1
#   KEYCLOAK_HOSTNAME         public base URL (token issuer), default http://localhost:$KEYCLOAK_PORT
#   KEYCLOAK_STATE            fresh (default): every start begins with exactly the state of
#                               keycloak/realm-demo.json and realm-partners.json (restored from a cached pristine H2 snapshot,
#                               rebuilt automatically when the realm file or version changes)
#                             persist: keep the H2 database across restarts (admin-console changes
#                               survive; the realm files are NOT re-imported once their realms exist:
#                               `KEYCLOAK_STATE=fresh bash scripts/keycloak.sh restart` once resets
#                               the kept database to the current realm files)
#   KEYCLOAK_HEAP             JVM heap options, default "-Xms64m -Xmx768m"
#   KEYCLOAK_START_TIMEOUT    seconds to wait for readiness, default 180 (the download not included)
#   KEYCLOAK_STOP_TIMEOUT     seconds between SIGTERM and SIGKILL, default 30
#   KEYCLOAK_PROGRESS_SECONDS seconds between progress lines during download and boot, default 5
#   KEYCLOAK_CACHE_DIR        default <repo>/.cache/keycloak
#   KEYCLOAK_JAVA_HOME        force a JDK (otherwise JAVA_HOME if >= 17, else newest >= 17 found)
#   API_BACKCHANNEL_LOGOUT_URL  where Keycloak posts the demo realm's back-channel logouts (the
#                             ${...} placeholder of nest-api-web in realm-demo.json, filled in at
#                             import), default http://localhost:8000/auth/backchannel-logout
#   KC_*                      passed through to Keycloak (e.g. KC_LOG_LEVEL, KC_HEALTH_ENABLED)
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_TAG=keycloak # log() and die() of common.sh: [keycloak] ...
# shellcheck source=SCRIPTDIR/common.sh
source "$ROOT_DIR/scripts/common.sh"
ENV_FILE="$ROOT_DIR/.env"
VERSION_FILE="$ROOT_DIR/keycloak/keycloak.env"

# Real environment > .env > the defaults below (and keycloak.env for the version). KC_* names found
# in .env are exported, so that Keycloak sees them as it sees real KC_* variables.
DOTENV_KC_VARS=()
while IFS= read -r name; do DOTENV_KC_VARS+=("$name"); done < <(dotenv_names "$ENV_FILE" KC_)
dotenv_apply "$ENV_FILE" KEYCLOAK_VERSION KEYCLOAK_PORT KEYCLOAK_HTTP_HOST KEYCLOAK_HOSTNAME \
  KEYCLOAK_STATE KEYCLOAK_HEAP KEYCLOAK_START_TIMEOUT KEYCLOAK_STOP_TIMEOUT KEYCLOAK_CACHE_DIR \
  KEYCLOAK_JAVA_HOME KEYCLOAK_PROGRESS_SECONDS API_BACKCHANNEL_LOGOUT_URL \
  ${DOTENV_KC_VARS[@]+"${DOTENV_KC_VARS[@]}"}
for name in ${DOTENV_KC_VARS[@]+"${DOTENV_KC_VARS[@]}"}; do
  export "${name?}"
done
REALM_FILE="$ROOT_DIR/keycloak/realm-demo.json"
# Further realms imported next to demo (KEYCLOAK_REALMS=demo,partners accepts their tokens too).
EXTRA_REALM_FILES=("$ROOT_DIR/keycloak/realm-partners.json")
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
# Exported for the realm import, which fills in ${NAME} and ${NAME:default} placeholders from the
# environment. Set here rather than left to the realm file's default, so that the snapshot key
# (below) is the same whether the value is given or not.
export API_BACKCHANNEL_LOGOUT_URL="${API_BACKCHANNEL_LOGOUT_URL:-http://localhost:8000/auth/backchannel-logout}"
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

# Seconds between progress lines during the download and the boot.
PROGRESS_EVERY="${KEYCLOAK_PROGRESS_SECONDS:-5}"
MVN_PID=""
# Ctrl-C during the download stops Maven too (it runs in the background, see ensure_distribution).
trap '[[ -z "$MVN_PID" ]] || kill -TERM "$MVN_PID" 2>/dev/null || true' EXIT
require_seconds KEYCLOAK_PROGRESS_SECONDS "$PROGRESS_EVERY"

# --- process bookkeeping --------------------------------------------------------------------

# True if the recorded PID is alive AND still is our Keycloak (guards against PID reuse). Its own,
# not common.sh's: Keycloak is kc.sh's whole process group (see cmd_stop), asked with kill -0 only.
is_running() {
  local pid
  pid="$(recorded_pid)" || return 1
  kill -0 "$pid" 2>/dev/null && command_line_has "$pid" "$DIST_DIR_PATTERN"
}
group_alive() { kill -0 -- "-$1" 2>/dev/null; }

port_in_use() { port_listening "$PORT"; }

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

# Maven's local repository (~/.m2/repository unless settings.xml or MAVEN_OPTS move it).
maven_repo() {
  local repo="" settings="$HOME/.m2/settings.xml"
  if [[ "${MAVEN_OPTS:-}" =~ -Dmaven\.repo\.local=([^[:space:]]+) ]]; then
    repo="${BASH_REMATCH[1]}"
  elif [[ -f "$settings" ]]; then
    repo="$(sed -n 's:.*<localRepository>[[:space:]]*\([^<]*[^<[:space:]]\)[[:space:]]*</localRepository>.*:\1:p' "$settings" | head -n 1)"
    repo="${repo/#\~/$HOME}"
    repo="${repo//\$\{user.home\}/$HOME}"
  fi
  printf '%s' "${repo:-$HOME/.m2/repository}"
}
MAVEN_DIST_DIR="$(maven_repo)/org/keycloak/keycloak-quarkus-dist"

# "42 MB so far" from the size of the files Maven is writing (it downloads into a temporary file
# next to the artifact), or "resolving" before the first byte.
download_progress() {
  local dir="$MAVEN_DIST_DIR/$KEYCLOAK_VERSION" kb
  kb="$(du -sk "$dir" 2>/dev/null | cut -f1)"
  if [[ -n "$kb" ]] && ((kb > 0)); then
    printf '%s MB so far (log: %s)' "$((kb / 1024))" "$CACHE_DIR/maven.log"
  else
    printf 'resolving (log: %s)' "$CACHE_DIR/maven.log"
  fi
}

ensure_distribution() {
  if [[ -x "$DIST_DIR/bin/kc.sh" && -f "$DIST_DIR/.unpacked" ]]; then
    return
  fi
  mkdir -p "$CACHE_DIR"
  if [[ ! -s "$ZIP_FILE" ]]; then
    command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to download Keycloak $KEYCLOAK_VERSION)"
    log "downloading org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip (~170 MB) from Maven (once; progress every ${PROGRESS_EVERY}s)..."
    local tmp="$CACHE_DIR/download.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # dependency:copy resolves through ~/.m2 (reused if already there) and copies the zip here.
    # Maven runs in the background (quiet: its output goes to maven.log) so that this shell can
    # report progress: on a slow link a silent download looks like a hang.
    (cd "$tmp" && exec mvn -B -Dstyle.color=never \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
      -DoutputDirectory="$tmp" -Dmdep.overWriteReleases=true) >"$CACHE_DIR/maven.log" 2>&1 &
    local mvn_pid=$! t0=$SECONDS next=$((SECONDS + PROGRESS_EVERY)) mvn_status=0
    MVN_PID="$mvn_pid" # for the EXIT trap: an interrupted download must not leave Maven running
    while kill -0 "$mvn_pid" 2>/dev/null; do
      if ((SECONDS >= next)); then
        log "downloading... $((SECONDS - t0))s, $(download_progress)"
        next=$((SECONDS + PROGRESS_EVERY))
      fi
      sleep 1
    done
    wait "$mvn_pid" || mvn_status=$?
    MVN_PID=""
    if ((mvn_status != 0)) || [[ ! -s "$tmp/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" ]]; then
      tail -n 30 "$CACHE_DIR/maven.log" >&2 || true
      die "Maven download of keycloak-quarkus-dist $KEYCLOAK_VERSION failed after $((SECONDS - t0))s (full output: $CACHE_DIR/maven.log)"
    fi
    log "downloaded in $((SECONDS - t0))s"
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

# Waits for the realm's discovery document, with a progress line every PROGRESS_EVERY seconds (a
# first boot takes a minute or more: silence would look like a hang).
wait_ready() {
  local pid="$1" t0=$SECONDS
  local deadline=$((t0 + START_TIMEOUT)) next=$((t0 + PROGRESS_EVERY)) code=""
  while ((SECONDS < deadline)); do
    code="$(http_status "$DISCOVERY_URL")"
    if [[ "$code" == "200" ]]; then
      if ! answered_by_us "$pid"; then
        log "ERROR: $(port_busy_message "$PORT" KEYCLOAK_PORT) (it took the port while this Keycloak was starting); stop it or set KEYCLOAK_PORT (environment or .env)"
        return 1
      fi
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "Keycloak exited during startup after $((SECONDS - t0))s; last 50 log lines:"
      tail -n 50 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    if ((SECONDS >= next)); then
      log "waiting for realm $REALM: $((SECONDS - t0))s (at most ${START_TIMEOUT}s): $(boot_stage "$code")"
      next=$((SECONDS + PROGRESS_EVERY))
    fi
    sleep 1
  done
  log "last 50 log lines of $LOG_FILE:"
  tail -n 50 "$LOG_FILE" >&2 || true
  local answer="answered HTTP $code"
  [[ -n "$code" && "$code" != "000" ]] || answer="did not answer"
  log "ERROR: Keycloak not ready after ${START_TIMEOUT}s (KEYCLOAK_START_TIMEOUT): $DISCOVERY_URL $answer; a slow machine may need a larger KEYCLOAK_START_TIMEOUT"
  return 1
}

# False only when ss can name the port's listeners and none is in process group $1 (ours): another
# Keycloak that grabbed the port after our free-port check would otherwise pass for ours.
answered_by_us() {
  local group="$1" pids p
  command -v ss >/dev/null 2>&1 || return 0
  pids="$(ss -Hltnp "sport = :$PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u)"
  [[ -n "$pids" ]] || return 0
  for p in $pids; do
    [[ "$(ps -o pgid= -p "$p" 2>/dev/null | tr -d ' ')" == "$group" ]] && return 0
  done
  return 1
}

# What the boot is doing, for the progress line, in our words: Keycloak's own last log line is a
# fragment of whatever it happens to be doing (a transport, a cache), which tells a newcomer nothing.
boot_stage() {
  local code="$1"
  if [[ -n "$code" && "$code" != "000" ]]; then
    printf 'HTTP %s, realm not ready yet' "$code"
  elif grep -qE 'Importing from directory|Full model import|Realm .* imported' "$LOG_FILE" 2>/dev/null; then
    printf 'importing the realms'
  elif grep -q 'Initializing database schema' "$LOG_FILE" 2>/dev/null; then
    printf 'creating its database (first start only)'
  else
    printf 'Java and Keycloak booting'
  fi
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
  local started=$SECONDS pid
  printf '\n==== %s kc.sh %s\n' "$(date -u +%FT%TZ)" "${args[*]}" >>"$LOG_FILE"
  echo "$PORT" >"$PORT_FILE"
  # A new session and process group (its id is the recorded PID), so that `stop` can signal kc.sh
  # and its JVM together, and Ctrl-C in the caller's terminal does not reach Keycloak.
  (
    cd "$DIST_DIR"
    export JAVA_HOME="$java_home"
    export JAVA_OPTS_KC_HEAP="$HEAP"
    export KC_BOOTSTRAP_ADMIN_USERNAME="$ADMIN_USER"
    export KC_BOOTSTRAP_ADMIN_PASSWORD="$ADMIN_PASSWORD"
    start_recorded "$LOG_FILE" "$DIST_DIR/bin/kc.sh" "${args[@]}"
  ) || die "could not record Keycloak's PID; log: $LOG_FILE"
  pid="$(recorded_pid)"

  if ! wait_ready "$pid"; then
    log "stopping the failed instance"
    cmd_stop || true
    exit 1
  fi
  log "ready in $((SECONDS - started))s (pid $pid)"
}

# Key of the pristine database snapshot: everything that ends up in the imported state, the values
# of the realm files' ${NAME} placeholders included (a new back-channel URL imports again).
snapshot_key() {
  local sum=sha256sum name
  command -v sha256sum >/dev/null 2>&1 || sum="shasum -a 256"
  {
    printf '%s\n%s\n%s\n' "$KEYCLOAK_VERSION" "$ADMIN_USER" "$ADMIN_PASSWORD"
    cat "$REALM_FILE" "${EXTRA_REALM_FILES[@]}"
    for name in $(grep -ho '\${[A-Za-z_][A-Za-z0-9_]*' "$REALM_FILE" "${EXTRA_REALM_FILES[@]}" |
      cut -c3- | sort -u); do
      printf '%s=%s\n' "$name" "${!name:-}"
    done
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
  local file
  for file in "$REALM_FILE" "${EXTRA_REALM_FILES[@]}"; do
    [[ -f "$file" ]] || die "missing $file"
  done
  [[ "$STATE_MODE" == "fresh" || "$STATE_MODE" == "persist" ]] ||
    die "KEYCLOAK_STATE must be fresh or persist (got $STATE_MODE)"
  if port_in_use; then
    die "$(port_busy_message "$PORT" KEYCLOAK_PORT), not a Keycloak started by this script; stop it or set KEYCLOAK_PORT (environment or .env)"
  fi

  ensure_distribution
  local java_home
  java_home="$(find_java_home)"

  mkdir -p "$DIST_DIR/data/import"
  rm -f "$DIST_DIR"/data/import/*.json
  cp "$REALM_FILE" "$DIST_DIR/data/import/realm-demo.json"
  for file in "${EXTRA_REALM_FILES[@]}"; do
    cp "$file" "$DIST_DIR/data/import/$(basename "$file")"
  done
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
      log "first start for these realm files and this version: importing the realms, then restarting Keycloak once to keep a pristine copy (later starts skip both)"
      launch "$java_home" --import-realm
      log "realms imported; restarting Keycloak once to save the pristine copy..."
      if cmd_stop >/dev/null 2>&1; then
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
  # The development default is shown as it is, as the stack's banner does; a password someone
  # chose is never printed.
  local credentials="$ADMIN_USER/admin, dev only"
  [ "$ADMIN_PASSWORD" = admin ] || credentials="$ADMIN_USER / KC_BOOTSTRAP_ADMIN_PASSWORD"
  log "Keycloak up after $((SECONDS - t0))s: $PUBLIC_URL/realms/$REALM  admin console: $PUBLIC_URL/admin ($credentials)"
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

# Sizes in KB (du -sk: the same on Linux and macOS); 0 for what does not exist.
size_kb() {
  local total=0 kb path
  for path in "$@"; do
    [[ -e "$path" ]] || continue
    kb="$(du -sk "$path" 2>/dev/null | cut -f1)"
    total=$((total + ${kb:-0}))
  done
  printf '%s' "$total"
}
human() { # KB -> "357 MB"
  if (($1 >= 1024)); then printf '%s MB' "$(($1 / 1024))"; else printf '%s KB' "$1"; fi
}

# Deletes every downloaded Keycloak (all versions) from the cache dir and from Maven's repository.
# Only what this script and Maven put there is removed, file by file, never the cache dir as a
# whole: KEYCLOAK_CACHE_DIR may point anywhere.
cmd_clean() {
  if is_running; then
    die "Keycloak is running (pid $(recorded_pid)); run scripts/keycloak.sh stop first"
  fi
  local -a cache_paths=()
  local path
  shopt -s nullglob
  for path in "$CACHE_DIR"/keycloak-* "$CACHE_DIR"/snapshots "$CACHE_DIR"/download.* \
    "$CACHE_DIR"/unpack.* "$CACHE_DIR"/keycloak.log "$CACHE_DIR"/keycloak.port \
    "$CACHE_DIR"/keycloak.pid "$CACHE_DIR"/maven.log; do
    cache_paths+=("$path")
  done
  shopt -u nullglob
  local cache_kb maven_kb
  cache_kb="$(size_kb ${cache_paths[@]+"${cache_paths[@]}"})"
  maven_kb="$(size_kb "$MAVEN_DIST_DIR")"
  if ((${#cache_paths[@]} > 0)); then
    rm -rf "${cache_paths[@]}"
    rmdir "$CACHE_DIR" 2>/dev/null || true # only if nothing else is in it
    log "removed $(human "$cache_kb") from $CACHE_DIR (distribution, zip, realm snapshots, logs)"
  else
    log "nothing to remove in $CACHE_DIR"
  fi
  if [[ -e "$MAVEN_DIST_DIR" ]]; then
    rm -rf "$MAVEN_DIST_DIR"
    log "removed $(human "$maven_kb") from $MAVEN_DIST_DIR (Maven's copy of the zip)"
  else
    log "nothing to remove in $MAVEN_DIST_DIR"
  fi
  log "freed $(human $((cache_kb + maven_kb))) in total; the next start downloads Keycloak $KEYCLOAK_VERSION again"
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
  clean) cmd_clean ;;
  *)
    echo "usage: $0 start|stop|restart|status|logs|clean" >&2
    exit 2
    ;;
esac
