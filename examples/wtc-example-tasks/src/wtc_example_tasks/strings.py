"""String tasks."""

from typing import Annotated, Literal

from pydantic import Field
from wt_registry import register


@register(description="Build a greeting.")
def greet(
    name: Annotated[str, Field(description="Who to greet")],
    greeting: Annotated[str, Field(description="The greeting word")] = "Hello",
    punctuation: Literal["!", ".", "?"] = "!",
) -> str:
    return f"{greeting}, {name}{punctuation}"


@register(description="Upper-case a text.")
def shout(text: str) -> str:
    return text.upper()


@register(description="Split a text into words.")
def split_words(text: str) -> list[str]:
    return text.split()


@register(description="Join words with a separator.")
def join_words(words: list[str], sep: str = " ") -> str:
    return sep.join(words)


@register(description="Describe a value with a label.")
def describe(label: str, value: int, unit: str = "") -> str:
    return f"{label}: {value}{(' ' + unit) if unit else ''}"
