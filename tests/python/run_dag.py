"""Run a compiled workflow DAG in-process and print its result as JSON.

Used by tests/execution.rs: ``run_dag.py <release dir> <package> <module> <params json>``.
Objects JSON cannot encode (e.g. wt_task's skip sentinel) are printed as their repr.
"""

import importlib
import json
import sys

release_dir, package, module, params = sys.argv[1:5]
sys.path.insert(0, release_dir)
main = importlib.import_module(f"{package}.dags.{module}").main
print(json.dumps(main(json.loads(params)), default=repr))
