#!/usr/bin/env bash
# Create (or reuse) the project's Python venv at .venv with the tools the tests need.
# The venv is reused while scripts/python-requirements.txt is unchanged.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${WTC_VENV:-$root/.venv}"
req="$root/scripts/python-requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 || python=python3
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
echo "$want" > "$stamp"
echo "venv ready: $venv" >&2
