"""Validate spec documents against `wtc schema` output with Python's ``jsonschema``.

Usage: ``validate_schema.py MANIFEST``. ``MANIFEST`` is a JSON object
``{"schemas": {name: schema, ...}, "instances": [{"name": ..., "schema": <name>,
"instance": <the spec as JSON>}, ...]}``.

Each schema is checked against the Draft-07 meta-schema; each instance is validated with
``Draft7Validator`` (formats asserted, as editors do). Prints one JSON object:
``{"schemas": {name: [meta-schema errors]}, "instances": {name: [error messages]}}``.
"""

import json
import sys

import jsonschema


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    out = {"schemas": {}, "instances": {}}
    validators = {}
    for name, schema in manifest["schemas"].items():
        meta = jsonschema.Draft7Validator(jsonschema.Draft7Validator.META_SCHEMA)
        out["schemas"][name] = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in meta.iter_errors(schema)
        ]
        validators[name] = jsonschema.Draft7Validator(
            schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
        )
    for case in manifest["instances"]:
        validator = validators[case["schema"]]
        out["instances"][case["name"]] = [
            "".join(f"/{p}" for p in e.absolute_path) + f": {e.message}"
            for e in validator.iter_errors(case["instance"])
        ]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
