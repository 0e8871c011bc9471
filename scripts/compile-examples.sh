#!/usr/bin/env bash
# Compile every example spec in one batch (offline: each example has its wtc.lock).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
./target/release/wtc compile --all examples --clobber "$@"
