"""Skip conditions: called with the (unpacked) argument values of a task."""

from typing import Any

from wt_registry import register


@register(description="True when any argument is an empty list or None.")
def any_is_empty(*args: Any) -> bool:
    return any(a is None or (isinstance(a, list) and not a) for a in args)


@register(description="True when any argument is a negative number.")
def any_is_negative(*args: Any) -> bool:
    return any(isinstance(a, int | float) and a < 0 for a in args)
