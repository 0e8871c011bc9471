#!/usr/bin/env bash
# Compile every example spec (offline: the registry document is committed).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
for spec in examples/*/spec.yaml; do
  ./target/release/wtc compile --spec "$spec" --registry examples/registry.json --clobber "$@"
done
