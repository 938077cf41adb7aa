# Helpers shared by scripts/stack.sh and scripts/keycloak.sh (sourced, not run).
#
# Configuration order, the same as the app's (src/main.ts loads .env with process.loadEnvFile, which
# never overrides a variable already set):
#   real environment variable  >  <repo>/.env  >  the script's own default
# An empty real variable counts as unset here, so the scripts' `${VAR:-default}` and the app agree
# (stack.sh unsets empty ones before starting the app, so the app then reads .env for them too).

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
