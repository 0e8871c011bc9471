"""An io task (mocked in the mock-io DAG)."""

import json
from pathlib import Path

from wt_registry import register


@register(description="Load a JSON list of integers from a file.", tags=["io"])
def load_numbers(path: str) -> list[int]:
    return [int(v) for v in json.loads(Path(path).read_text())]
