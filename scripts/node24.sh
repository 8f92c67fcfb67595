#!/usr/bin/env bash
# Runs a command with Node.js 24 first on PATH: the runtime GitHub runs the actions on (`runs.using: node24`), so
# the tests, the benchmarks and the CLI run on what users get. Where the machine's own node is older, Node 24 is
# installed once from the npm registry (the `node` package ships the official binary) into a per-machine folder.
# Usage: scripts/node24.sh <command> [args...]
set -euo pipefail
version=24.21.0
root="${DBOPS_TOOLS:-/opt/dbops-test-tools}/node-$version"
major() { NODE_OPTIONS='' "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(major node)" -lt 24 ]; then
  bin="$root/node_modules/node/bin"
  if [ ! -x "$bin/node" ] || [ "$(major "$bin/node")" -lt 24 ]; then
    echo "installing Node.js $version into $root (once per machine)" >&2
    mkdir -p "$root"
    npm install --prefix "$root" --no-save --no-audit --no-fund --loglevel=error "node@$version" >&2
  fi
  export PATH="$bin:$PATH"
fi
exec "$@"
