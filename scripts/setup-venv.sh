#!/usr/bin/env bash
# Create (or reuse) the project's Python venv at .venv with what the tests need: ruff, the
# wt runtime the generated packages import, and the examples' task library.
# The venv is reused while the requirements files are unchanged.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="${WTC_VENV:-$root/.venv}"
req="scripts/python-requirements.txt"
req_late="scripts/python-requirements-ignore-python.txt"
stamp="$venv/.requirements.sha256"
want="$(cat "$req" "$req_late" examples/wtc-example-tasks/pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 || python=python3
"$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" -r "$req"
"${pip[@]}" --ignore-requires-python -r "$req_late"
echo "$want" > "$stamp"
echo "venv ready: $venv" >&2
