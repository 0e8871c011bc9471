"""Arithmetic tasks."""

from typing import Annotated

from pydantic import Field
from wt_registry import register


@register(description="Add two integers.")
def add(
    a: Annotated[int, Field(description="First addend")],
    b: Annotated[int, Field(description="Second addend")] = 0,
) -> int:
    return a + b


@register(description="Multiply a number by a factor.")
def multiply(
    value: Annotated[int, Field(description="The number to multiply")],
    factor: Annotated[int, Field(description="Multiplier", ge=0)] = 2,
) -> int:
    return value * factor


@register(description="Sum a list of integers.")
def total(values: list[int]) -> int:
    return sum(values)
