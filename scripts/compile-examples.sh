#!/usr/bin/env bash
# Compile every example spec in one batch (offline: the registry document is committed).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
./target/release/wtc compile --all examples --registry examples/registry.json --clobber "$@"
