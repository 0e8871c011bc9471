"""The workflow result: wt-runner's app serves a workflow's result only if it is a mapping."""

from typing import Annotated, Any

from wt_registry import register
from wt_task import SkippedDependencyFallback, SkipSentinel


def _skipped_to_none(value: Any) -> Any:
    return None if isinstance(value, SkipSentinel) else value


@register(description="Wrap a value into the result mapping {key: value}; a skipped value is null.")
def make_result(
    value: Annotated[Any, SkippedDependencyFallback(_skipped_to_none)],
    key: str = "result",
) -> dict[str, Any]:
    return {key: value}
