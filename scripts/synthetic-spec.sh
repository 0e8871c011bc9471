#!/usr/bin/env bash
# A synthetic spec of N tasks (default 445000, about 50 MB) over the examples' registry
# (examples/registry.json), for the scale measurements of BENCHMARKS.md. Each group of
# four tasks is a small chain (a partial value, two task-output references, a string).
# The spec is written to stdout; it is never checked in.
#
#   scripts/synthetic-spec.sh [N] > /tmp/big/spec.yaml
#   wtc check /tmp/big/spec.yaml --registry examples/registry.json
set -euo pipefail
n="${1:-445000}"
cat <<'HEAD'
id: synthetic_scale
requirements:
  - name: wtc-example-tasks
    version: ">=0.1"
    channel: https://repo.prefix.dev/wtc-examples/
workflow:
HEAD
awk -v n="$n" 'BEGIN {
    for (i = 0; i < n; i += 4) {
        printf "  - id: base_%d\n    name: Base %d\n    task: add\n    partial:\n      b: %d\n", i, i, i % 97
        if (i + 1 < n) printf "  - id: doubled_%d\n    name: Doubled %d\n    task: multiply\n    partial:\n      value: ${{ workflow.base_%d.return }}\n", i, i, i
        if (i + 2 < n) printf "  - id: report_%d\n    name: Report %d\n    task: describe\n    partial:\n      label: Total %d\n      value: ${{ workflow.doubled_%d.return }}\n", i, i, i, i
        if (i + 3 < n) printf "  - id: loud_%d\n    task: shout\n    partial:\n      text: Hello %d\n", i, i
    }
}'
