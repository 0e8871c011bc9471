#!/usr/bin/env bash
# Regenerate the response snapshots of the examples' generated test-suites,
# examples/<x>/__results_snapshots__/<case id>/*.json, after a change that is meant to
# change what a workflow returns. Runs tests/it/generated_tests.rs in update mode: every
# example is compiled into a temporary copy of its directory, its generated tests run
# with `pytest --snapshot-update` (from scratch: stale snapshots go away), and the new
# snapshots replace the committed ones. Review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-venv.sh
export WTC_PYTHON="${WTC_PYTHON:-$PWD/.venv/bin/python}"
WTC_UPDATE_SNAPSHOTS=1 cargo test --test it generated_tests -- --nocapture
git status --short -- examples/*/__results_snapshots__
