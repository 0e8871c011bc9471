"""List tasks, including a grouping task that returns (key, value) pairs."""

from typing import Annotated

from pydantic import BaseModel, Field
from wt_registry import register


class RangeSpec(BaseModel):
    """Bounds of an integer range."""

    start: int = 0
    stop: Annotated[int, Field(description="Exclusive upper bound")]


@register(description="Make the list of integers in a range.")
def make_range(bounds: RangeSpec) -> list[int]:
    return list(range(bounds.start, bounds.stop))


@register(description="Split integers into an 'even' and an 'odd' group.")
def group_by_parity(values: list[int]) -> list[tuple[str, list[int]]]:
    even = [v for v in values if v % 2 == 0]
    odd = [v for v in values if v % 2 == 1]
    return [("even", even), ("odd", odd)]


@register(description="Summarize one group of integers.")
def summarize_group(values: list[int], label: str = "sum") -> str:
    return f"{label}={sum(values)}"
