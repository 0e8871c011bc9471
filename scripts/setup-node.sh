#!/usr/bin/env bash
# Install the Node tools the tests drive (tests/node/package.json: yaml-language-server,
# which checks `wtc schema` output as an editor's YAML plugin does) into
# tests/node/node_modules at the versions of its package-lock.json; reused while that lock
# file is unchanged. Without npm it says so and installs nothing (those tests then skip).
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/tests/node"
if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: the Node test tools are not installed (their tests skip)" >&2
  exit 0
fi
stamp="$dir/node_modules/.package-lock.sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
npm ci --prefix "$dir" --no-audit --no-fund --silent
echo "$want" > "$stamp"
echo "node tools ready: $dir/node_modules" >&2
