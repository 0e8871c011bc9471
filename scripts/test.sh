#!/usr/bin/env bash
# The project's test command: sets up the Python venv (ruff, ...) and the Node test tools
# (yaml-language-server), and runs every test, including the benches in quick mode so
# they cannot rot.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh
scripts/setup-node.sh
export WTC_RUFF="${WTC_RUFF:-$PWD/.venv/bin/ruff}"
export WTC_PYTHON="${WTC_PYTHON:-$PWD/.venv/bin/python}"
if [ -z "${WTC_CORPUS:-}" ] && [ -d ../shared/corpus ]; then export WTC_CORPUS="$(cd ../shared/corpus && pwd)"; fi
if [ -z "${WTC_GOLDEN:-}" ] && [ -d ../shared/reference/golden ]; then export WTC_GOLDEN="$(cd ../shared/reference/golden && pwd)"; fi
cargo test --all-targets
# The whole-process benchmark script in quick mode (one run, debug binary), so it cannot rot.
if [ -n "${WTC_CORPUS:-}" ]; then WTC_BENCH_PROFILE=debug scripts/bench-process.sh 1 >/dev/null; fi
