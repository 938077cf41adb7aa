# Helpers shared by the scripts in this folder (sourced, not run).
#
# Configuration order, the same as the app's (src/main.ts loads .env with process.loadEnvFile, which
# never overrides a variable already set):
#   real environment variable  >  <repo>/.env  >  the script's own default
# An empty real variable counts as unset here, so the scripts' `${VAR:-default}` and the app agree
# (stack.sh unsets empty ones before starting the app, so the app then reads .env for them too).

# log MESSAGE / die MESSAGE: one line on stderr tagged with the script's LOG_TAG ("[redis] ...",
# set before sourcing this file); die then exits 1.
log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# require_seconds NAME VALUE: dies unless VALUE (of setting NAME) is a whole number of seconds >= 1.
require_seconds() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a whole number of seconds >= 1 (got $2)"
}

# dotenv_value FILE NAME: prints NAME's value from FILE (a .env file), exit 1 if FILE does not set it.
# Understands what Node's .env parser does for one-line values: `export ` prefixes, '...' / "..." /
# `...` quotes, and `#` comments after unquoted values. The last assignment wins, as in Node.
dotenv_value() {
  local file="$1" name="$2" line key value found=1 result=""
  [[ -f "$file" ]] || return 1
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%$'\r'}"
    [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_.-]*)[[:space:]]*=(.*)$ ]] || continue
    key="${BASH_REMATCH[2]}"
    [[ "$key" == "$name" ]] || continue
    value="${BASH_REMATCH[3]}"
    value="${value#"${value%%[![:space:]]*}"}" # leading blanks
    if [[ "$value" =~ ^\"([^\"]*)\" || "$value" =~ ^\'([^\']*)\' || "$value" =~ ^\`([^\`]*)\` ]]; then
      value="${BASH_REMATCH[1]}"
    else
      value="${value%%#*}"
      value="${value%"${value##*[![:space:]]}"}" # trailing blanks
    fi
    result="$value"
    found=0
  done <"$file"
  ((found == 0)) || return 1
  printf '%s' "$result"
}

# dotenv_apply FILE NAME...: for each NAME that is unset or empty in the environment, sets it (as a
# shell variable, NOT exported) from FILE when FILE has it, and records where each value came from
# in CONFIG_SOURCE_<NAME> (environment | .env; unset = the script's default applies; a plain
# variable per name, not an associative array, so that macOS' bash 3.2 runs it). Only the listed
# names are touched: a .env line such as PATH= or PORT= must not clobber a script's state.
dotenv_apply() {
  local file="$1" name value
  shift
  for name in "$@"; do
    if [[ -n "${!name:-}" ]]; then
      printf -v "CONFIG_SOURCE_$name" '%s' environment
    elif value="$(dotenv_value "$file" "$name")"; then
      printf -v "$name" '%s' "$value"
      printf -v "CONFIG_SOURCE_$name" '%s' .env
    fi
  done
}

# dotenv_names FILE PREFIX: the names in FILE that start with PREFIX (e.g. KC_), one per line.
dotenv_names() {
  local file="$1" prefix="$2" line
  [[ -f "$file" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*= ]] &&
      [[ "${BASH_REMATCH[2]}" == "$prefix"* ]]; then
      printf '%s\n' "${BASH_REMATCH[2]}"
    fi
  done <"$file" | sort -u
}

# port_listening PORT: true if something accepts TCP connections on PORT (any local address).
port_listening() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    # ss sees listeners on every address (0.0.0.0, ::, a specific interface), not just loopback.
    [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]] && return 0
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# port_holder PORT: "node (pid 123)" for what listens on PORT when ss or lsof can tell (other users'
# processes are only visible to root), else nothing.
port_holder() {
  local port="$1" out=""
  if command -v ss >/dev/null 2>&1; then
    # users:(("node",pid=15506,fd=24)) -> node (pid 15506)
    out="$(ss -Hltnp "sport = :$port" 2>/dev/null |
      sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1 (pid \2)/p' | sort -u | paste -sd ',' -)"
  fi
  if [[ -z "$out" ]] && command -v lsof >/dev/null 2>&1; then
    out="$(lsof -nP -iTCP:"$port" -sTCP:LISTEN -Fcp 2>/dev/null |
      awk '/^p/ { pid = substr($0, 2) } /^c/ { print substr($0, 2) " (pid " pid ")" }' |
      sort -u | paste -sd ',' -)"
  fi
  printf '%s' "${out//,/, }"
}

# port_busy_message PORT WHAT: one line naming the port and, when known, its holder.
port_busy_message() {
  local port="$1" what="$2" holder
  holder="$(port_holder "$port")"
  if [[ -n "$holder" ]]; then
    printf 'port %s (%s) is already in use by %s' "$port" "$what" "$holder"
  else
    printf 'port %s (%s) is already in use by another process' "$port" "$what"
  fi
}

# --- a server in the background, known by the PID it recorded --------------------------------
# For prometheus.sh, postgres.sh, redis.sh and keycloak.sh, which set PID_FILE (and LOG_FILE).

# recorded_pid: the PID in PID_FILE, exit 1 if there is none.
recorded_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  printf '%s' "$pid"
}

# alive PID: the process exists and is not a zombie (an exited server whose parent is gone, waiting
# for an init that may never reap it, has stopped as far as we are concerned).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [[ ! -r "/proc/$1/stat" ]] || [[ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -c1)" != Z ]]
}

# command_line_has PID TEXT: PID's command line contains TEXT (true where /proc cannot tell), so a
# PID the kernel gave to another process since is not taken for our server.
command_line_has() {
  [[ ! -r "/proc/$1/cmdline" ]] || tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}

# is_running: the recorded PID is alive, not a zombie, and still our server: its command line holds
# the script's SERVER_MARK (a PID the kernel gave to another process since is not ours).
is_running() {
  local pid
  pid="$(recorded_pid)" || return 1
  alive "$pid" && command_line_has "$pid" "$SERVER_MARK"
}

# server_port NAME [WHERE]: the port in variable NAME, else a spare loopback port chosen by the
# kernel (released again at once: the server binds it); dies if it is no TCP port or something
# listens there. WHERE says where NAME may be set, for the error (e.g. " (environment or .env)").
server_port() {
  local name="$1" port="${!1:-}"
  if [[ -z "$port" ]]; then
    port="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => {
      console.log(s.address().port); s.close(); });" 2>/dev/null)" ||
      die "could not pick a spare port (node missing?); set $name"
  fi
  [[ "$port" =~ ^[1-9][0-9]*$ ]] && ((port <= 65535)) || die "$name must be a TCP port (got $port)"
  port_listening "$port" && die "$(port_busy_message "$port" "$name"); stop it or set $name${2:-}"
  printf '%s' "$port"
}

# start_recorded LOG_FILE COMMAND...: runs COMMAND in the background in its own session (Ctrl-C in
# the caller's terminal does not reach it; its process group is its PID), output appended to
# LOG_FILE, and waits until its PID is in PID_FILE: the inner shell writes its own PID, then execs
# COMMAND, so the PID is the server's own even if setsid forks. Exit 1 if no PID was recorded.
start_recorded() {
  local log_file="$1"
  shift
  local -a launcher=(setsid)
  if ! command -v setsid >/dev/null 2>&1; then # macOS
    launcher=(perl -MPOSIX -e 'POSIX::setsid(); exec @ARGV or die "exec: $!"')
  fi
  rm -f "$PID_FILE"
  # shellcheck disable=SC2016 # $$, $0 and $@ are for the inner shell
  nohup "${launcher[@]}" bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" "$@" \
    </dev/null >>"$log_file" 2>&1 &
  local tries=0 pid=""
  while [[ -z "$pid" ]] && ((tries++ < 50)); do
    sleep 0.1
    pid="$(recorded_pid || true)"
  done
  [[ -n "$pid" ]]
}

# wait_until SECONDS PID CHECK...: runs CHECK every 0.2 s until it succeeds (exit 0), process PID
# is gone (exit 1) or SECONDS have passed (exit 2).
wait_until() {
  local deadline=$((SECONDS + $1)) pid="$2"
  shift 2
  until "$@"; do
    alive "$pid" || return 1
    ((SECONDS < deadline)) || return 2
    sleep 0.2
  done
}

# start_server WHAT TIMEOUT_NAME COMMAND...: starts COMMAND (start_recorded), then waits up to
# START_TIMEOUT seconds (the setting TIMEOUT_NAME, for the error) until the script's own
# `server_ready PID` succeeds. If the server exits first: dies with its log's last line; if time
# runs out: stops it (the script's cmd_stop) and dies.
start_server() {
  local what="$1" timeout_name="$2" pid status=0
  shift 2
  start_recorded "$LOG_FILE" "$@" || die "could not record the PID of $what; log: $LOG_FILE"
  pid="$(recorded_pid)"
  wait_until "$START_TIMEOUT" "$pid" server_ready "$pid" || status=$?
  if ((status == 1)); then
    rm -f "$PID_FILE"
    die "$what exited during startup: $(tail -n 1 "$LOG_FILE" | cut -c1-300); see $LOG_FILE"
  elif ((status == 2)); then
    cmd_stop
    die "$what not ready after ${START_TIMEOUT}s ($timeout_name); see $LOG_FILE"
  fi
}

# stop_pid PID SIGNAL:SECONDS...: sends each signal in turn, waiting up to its SECONDS for PID to
# be gone, and logs each one it outlived. Exit 0 once gone, 1 if it outlived them all.
stop_pid() {
  local pid="$1" step signal grace deadline
  shift
  for step in "$@"; do
    signal="${step%%:*}"
    grace="${step#*:}"
    kill "-$signal" "$pid" 2>/dev/null || true
    deadline=$((SECONDS + grace))
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    alive "$pid" || return 0
    log "still alive ${grace}s after SIG$signal"
  done
  return 1
}

# stop_server WHAT SIGNAL:SECONDS... KILL:SECONDS: stops the recorded server (stop_pid); nothing to
# do when no PID is recorded or it is not our server any more (a PID file is never trusted blindly).
stop_server() {
  local what="$1" pid
  shift
  if ! pid="$(recorded_pid)"; then
    log "not running (no PID file)"
    return 0
  fi
  if ! is_running; then
    log "not running (PID $pid is gone or is not this $what)"
    rm -f "$PID_FILE"
    return 0
  fi
  stop_pid "$pid" "$@" || die "$what (pid $pid) did not stop, even after SIGKILL"
  rm -f "$PID_FILE"
  log "stopped"
}

# report_url WHAT HOW_TO_START URL_FUNCTION: prints the running server's URL (URL_FUNCTION's), else
# says how to start it (exit 3).
report_url() {
  is_running || {
    log "ERROR: $1 is not running; start it with: $2"
    return 3
  }
  "$3"
}

# report_status WHAT WHERE: one line on stdout; exit 0 = running, 3 = not running.
report_status() {
  if is_running; then
    echo "$1 running (pid $(recorded_pid)) $2; log: $LOG_FILE"
    return 0
  fi
  echo "$1 not running (no live process recorded in $PID_FILE)"
  return 3
}

# cmd_logs: the log's path and its last 50 lines.
cmd_logs() {
  echo "log: $LOG_FILE"
  tail -n 50 "$LOG_FILE" 2>/dev/null || true
}

# apt_install PACKAGE NAME CACHE_DIR [HINT]: installs Debian's PACKAGE with apt-get (root only),
# output in CACHE_DIR/apt.log; NAME (e.g. PostgreSQL) and HINT (what else to do where apt-get is
# missing) are for the errors. Its post-install script would start the packaged service: a
# policy-rc.d that answers 101 keeps it from starting (only when the machine has none; removed on
# any exit of the subshell, an interrupted apt-get included).
apt_install() {
  local package="$1" name="$2" dir="$3" hint="${4:-}" status=0
  ((EUID == 0)) || die "$name is not installed; install it with: sudo apt-get install $package"
  command -v apt-get >/dev/null 2>&1 || die "$name is not installed and there is no apt-get to install it$hint"
  mkdir -p "$dir"
  log "installing Debian's $package package (once; log: $dir/apt.log)..."
  (
    policy=/usr/sbin/policy-rc.d
    if [[ ! -e "$policy" ]]; then
      trap 'rm -f "$policy"' EXIT
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
    fi
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package"
  ) >"$dir/apt.log" 2>&1 || status=$?
  ((status == 0)) || die "apt-get could not install $package (exit $status); see $dir/apt.log"
}

# stop_packaged_service UNIT: under systemd, a packaged service that started anyway is stopped and
# disabled: only the server a script starts itself is ours to keep.
stop_packaged_service() {
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$1" 2>/dev/null; then
    systemctl disable --now "$1" >/dev/null 2>&1 || true
  fi
}
