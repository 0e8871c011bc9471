#!/usr/bin/env python3
"""Write a large, valid synthetic spec.yaml for scale measurements (issue 17, item 5).

The spec uses the example tasks of `examples/registry.json`, so it checks cleanly with

    scripts/synthetic-spec.py --mb 50 > /tmp/big/spec.yaml
    wtc check /tmp/big/spec.yaml --registry examples/registry.json

Tasks are mostly small (about 110 bytes each: 50 MB is about 445k tasks); each depends on
an earlier task chosen pseudo-randomly among the previous 1000 (so the DAG is wide and
shallow enough to be realistic), every 20th task is a `map`, and every 500 tasks are wrapped
in a task group. The output is deterministic for a given size.
"""

import argparse
import sys


def task(i: int) -> str:
    tid = f"t{i:06d}"
    if i == 0:
        return f"  - id: {tid}\n    name: Range {i}\n    task: make_range\n"
    dep = f"t{i - 1 - ((i * 2654435761) >> 11) % min(i, 1000):06d}"
    ref = f"${{{{ workflow.{dep}.return }}}}"
    kind = i % 20
    if kind == 0:
        return (
            f"  - id: {tid}\n    name: Tripled {i}\n    task: multiply\n"
            f"    partial:\n      factor: 3\n"
            f"    map:\n      argnames: value\n      argvalues: {ref}\n"
        )
    if kind % 3 == 0:
        return f"  - id: {tid}\n    name: Sum {i}\n    task: add\n    partial:\n      a: {ref}\n      b: {i}\n"
    if kind % 3 == 1:
        return f"  - id: {tid}\n    name: Total {i}\n    task: total\n    partial:\n      values: {ref}\n"
    return f"  - id: {tid}\n    name: Product {i}\n    task: multiply\n    partial:\n      value: {ref}\n"


def group(first: int, tasks: list[str]) -> str:
    body = "".join("    " + line + "\n" for t in tasks for line in t.rstrip("\n").split("\n"))
    return f"  - type: task-group\n    title: Group {first}\n    description: Tasks from {first}\n    tasks:\n{body}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="approximate size in MB (10^6 bytes)")
    args = parser.parse_args()
    target = int(args.mb * 1_000_000)
    out = sys.stdout
    head = (
        "# Synthetic spec written by scripts/synthetic-spec.py: do not edit.\n"
        "id: synthetic_scale\n"
        "requirements:\n"
        "  - name: wtc-example-tasks\n"
        '    version: ">=0.1"\n'
        "    channel: https://repo.prefix.dev/wtc-examples/\n"
        "workflow:\n"
    )
    out.write(head)
    size = len(head)
    i = 0
    while size < target:
        if i % 1000 == 500:
            text = group(i, [task(j) for j in range(i, i + 10)])
            i += 10
        else:
            text = task(i)
            i += 1
        out.write(text)
        size += len(text)


if __name__ == "__main__":
    main()
