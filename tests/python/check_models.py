"""Differential check: generated pydantic models against the JSON schemas they mirror.

Usage: ``check_models.py MANIFEST``. ``MANIFEST`` is a JSON list of cases
``{"name": ..., "package_dir": ..., "test_cases": <path or null>}``; ``package_dir``
holds ``params.py``, ``formdata.py``, ``params.json`` and ``rjsf.json``.

For every case, ``Params.model_validate(x)`` must succeed exactly when
``wt_contracts.validate(x, params.json)`` does, and ``FormData`` likewise with
``rjsf.json``, for many instances ``x``:

* the ``params`` of the case's ``test-cases.yaml`` (and their form data; params naming
  tasks without parameters also without those);
* values built from each task's schema (defaults, examples, constants, enums and
  type-directed samples), one task per instance, plus a document with every task;
* mutations of those: wrong JSON types, missing required keys, extra keys, numbers
  beyond their bounds, values outside an enum, duplicated array items, ...

Prints one JSON summary line per case and a final total line; exits with status 1
when any instance disagrees (the first disagreements are printed).
"""

import importlib.util
import json
import random
import sys
import traceback
import zlib
from pathlib import Path

import wt_contracts
from pydantic import ValidationError
from ruamel.yaml import YAML

# Values of every JSON type (and the integral float JSON Schema counts as an integer).
WRONG = [None, True, False, 0, 1, -1, 1.0, 2.5, "", "x", [], [1], {}, {"x": 1}]
MAX_PER_TASK = 160
MAX_DEPTH = 3


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Instances:
    """Builds instances of a schema document."""

    def __init__(self, root, rng):
        self.defs = root.get("$defs", {})
        self.rng = rng

    def deref(self, schema):
        for _ in range(20):
            if not (isinstance(schema, dict) and "$ref" in schema):
                break
            ref = schema["$ref"]
            target = self.defs.get(ref.removeprefix("#/$defs/"))
            if target is None:
                break
            schema = target
        return schema

    def samples(self, schema, depth=0):
        """Candidate values for `schema`, mostly valid ones."""
        if not isinstance(schema, dict):
            return [None, 1, "x"]
        out = []
        for key in ("default", "const"):
            if key in schema:
                out.append(schema[key])
        out += list(schema.get("examples", []))[:2]
        out += list(schema.get("enum", []))[:3]
        if depth > MAX_DEPTH + 1:
            return out or [None]
        if "$ref" in schema:
            out += self.samples(self.deref(schema), depth + 1)
        for key in ("anyOf", "oneOf", "allOf"):
            for branch in schema.get(key, []):
                out += self.samples(branch, depth + 1)[:2]
        types = schema.get("type", [])
        types = [types] if isinstance(types, str) else list(types)
        if not types and "properties" in schema:
            types = ["object"]
        for name in types:
            out += self.by_type(name, schema, depth)
        return out or [None]

    def by_type(self, name, schema, depth):
        if name == "string":
            return ["a" * max(schema.get("minLength", 3), 1), "2024-01-01T00:00:00"]
        if name in ("integer", "number"):
            values = [0, 1]
            for key in ("minimum", "maximum"):
                if key in schema:
                    values.append(schema[key])
            if "exclusiveMinimum" in schema:
                values.append(schema["exclusiveMinimum"] + 1)
            if name == "number":
                values.append(0.5)
            return values
        if name == "boolean":
            return [True, False]
        if name == "null":
            return [None]
        if name == "array":
            items = schema.get("items", {})
            return [[]] + [[item] for item in self.samples(items, depth + 1)[:2]]
        if name == "object":
            props = schema.get("properties", {})
            required = schema.get("required", [])
            minimal = {k: self.samples(props.get(k, {}), depth + 1)[0] for k in required}
            full = {k: self.samples(p, depth + 1)[0] for k, p in props.items()}
            return [minimal, full]
        return []

    def mutations(self, value, schema, depth=0):
        """Variants of `value` (an instance of `schema`), mostly invalid ones."""
        schema = self.deref(schema)
        yield from WRONG
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            return
        for key, delta in (("minimum", -1), ("maximum", 1), ("exclusiveMinimum", 0),
                           ("exclusiveMaximum", 0)):
            if isinstance(schema.get(key), int | float):
                yield schema[key] + delta
                yield schema[key] + delta / 2
        if "enum" in schema or "const" in schema:
            yield "__not_allowed__"
        if "minLength" in schema:
            yield "a" * max(schema["minLength"] - 1, 0)
        if "pattern" in schema:
            yield "#not matching#"
        for key in ("anyOf", "oneOf", "allOf"):
            for branch in schema.get(key, []):
                branch = self.deref(branch)
                for sample in self.samples(branch, depth + 1)[:2]:
                    yield sample
                    if isinstance(sample, dict):
                        yield from self.object_mutations(sample, branch, depth)
        if isinstance(value, list):
            if value:
                yield value + [value[0]]
                for item in self.mutations(value[0], schema.get("items", {}), depth + 1):
                    yield [item] + value[1:]
            else:
                for sample in self.samples(schema.get("items", {}), depth + 1)[:2]:
                    yield [sample, sample]
            yield value * 20
        if isinstance(value, dict):
            yield from self.object_mutations(value, schema, depth)

    def object_mutations(self, value, schema, depth):
        yield {**value, "__extra__": 1}
        for key in value:
            yield {k: v for k, v in value.items() if k != key}
        for key, prop in schema.get("properties", {}).items():
            base = value.get(key)
            if base is None:
                base = self.samples(prop, depth + 1)[0]
            for variant in self.mutations(base, prop, depth + 1):
                yield {**value, key: variant}
        for branch in schema.get("allOf", []):
            for key in ("if", "then", "else"):
                for prop_key, prop in branch.get(key, {}).get("properties", {}).items():
                    for sample in self.samples(prop, depth + 1)[:3]:
                        yield {**value, prop_key: sample}

    def for_property(self, schema):
        """Instances of one top-level property: samples and (a sample of) mutations."""
        bases = self.samples(schema)[:4]
        found = list(bases)
        for base in bases:
            found += list(self.mutations(base, schema))
        if len(found) > MAX_PER_TASK:
            found = bases + self.rng.sample(found[len(bases) :], MAX_PER_TASK - len(bases))
        return found


def outcome(model, schema, instance):
    try:
        wt_contracts.validate(instance, schema)
        expected = True
    except wt_contracts.ValidationError:
        expected = False
    try:
        model.model_validate(instance)
        actual = True
    except ValidationError:
        actual = False
    return expected, actual


def check_document(case, kind, model, schema, extra_instances, rng):
    gen = Instances(schema, rng)
    instances = list(extra_instances)
    first = {}
    for key, prop in schema.get("properties", {}).items():
        values = gen.for_property(prop)
        first[key] = values[0]
        instances += [{key: value} for value in values]
    instances += [{}, dict(first), {**first, "__unknown__": {}}, [], "x", None]
    stats = {"instances": 0, "valid": 0, "disagreements": []}
    for instance in instances:
        stats["instances"] += 1
        try:
            expected, actual = outcome(model, schema, instance)
        except Exception:  # noqa: BLE001 - any crash is a failure to report
            stats["disagreements"].append(
                {"kind": kind, "instance": repr(instance)[:400], "crash": traceback.format_exc()}
            )
            continue
        stats["valid"] += expected
        if expected != actual:
            try:
                model.model_validate(instance)
                why = "pydantic accepted"
            except ValidationError as e:
                why = str(e)[:600]
            stats["disagreements"].append(
                {"kind": kind, "json_schema_valid": expected, "instance": repr(instance)[:400],
                 "pydantic": why}
            )
    return stats


def check_case(case):
    root = Path(case["package_dir"])
    rng = random.Random(zlib.crc32(case["name"].encode()))
    tag = f"case_{zlib.crc32(case['name'].encode())}"
    params_schema = json.loads((root / "params.json").read_text())
    rjsf_schema = json.loads((root / "rjsf.json").read_text())
    params = load_module(root / "params.py", f"{tag}_params").Params
    formdata = load_module(root / "formdata.py", f"{tag}_formdata").FormData

    test_params, test_formdata = [], []
    if case.get("test_cases"):
        cases = YAML(typ="safe").load(Path(case["test_cases"]).read_text()) or {}
        for test_case in cases.values():
            if isinstance(test_case, dict) and "params" in test_case:
                test_params.append(test_case["params"])
                try:
                    test_formdata.append(
                        wt_contracts.params_to_formdata(
                            test_case["params"], rjsf_schema, params_schema
                        )
                    )
                except Exception:  # noqa: BLE001 - invalid params have no form data
                    pass

    # Test cases written for older versions of a spec may name tasks that no longer take
    # parameters: their other tasks are instances too.
    known = params_schema.get("properties", {})
    trimmed = [
        {k: v for k, v in t.items() if k in known}
        for t in test_params
        if isinstance(t, dict) and any(k not in known for k in t)
    ]
    p = check_document(case, "params", params, params_schema, test_params + trimmed, rng)
    f = check_document(case, "formdata", formdata, rjsf_schema, test_formdata, rng)
    test_valid = sum(outcome(params, params_schema, t)[0] for t in test_params)
    return {
        "case": case["name"],
        "instances": p["instances"] + f["instances"],
        "valid": p["valid"] + f["valid"],
        "test_cases": len(test_params),
        "test_cases_valid": test_valid,
        "disagreements": p["disagreements"] + f["disagreements"],
    }


def main():
    cases = json.loads(Path(sys.argv[1]).read_text())
    total = {"cases": 0, "instances": 0, "valid": 0, "test_cases": 0,
             "test_cases_valid": 0, "disagreements": 0}
    failed = False
    for case in cases:
        result = check_case(case)
        disagreements = result.pop("disagreements")
        result["disagreements"] = len(disagreements)
        print(json.dumps(result))
        for d in disagreements[:5]:
            print("  " + json.dumps(d))
        failed |= bool(disagreements)
        total["cases"] += 1
        for key in ("instances", "valid", "test_cases", "test_cases_valid", "disagreements"):
            total[key] += result[key]
    print(json.dumps({"total": total}))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
