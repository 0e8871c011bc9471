"""Example wt tasks for the wtc examples: arithmetic, strings, lists, skip conditions, io."""

from wtc_example_tasks.arithmetic import add, multiply, total
from wtc_example_tasks.conditions import any_is_empty, any_is_negative
from wtc_example_tasks.io import load_numbers
from wtc_example_tasks.lists import group_by_parity, make_range, summarize_group
from wtc_example_tasks.results import make_result
from wtc_example_tasks.strings import describe, greet, join_words, shout, split_words

__all__ = [
    "add",
    "any_is_empty",
    "any_is_negative",
    "describe",
    "greet",
    "group_by_parity",
    "join_words",
    "load_numbers",
    "make_range",
    "make_result",
    "multiply",
    "shout",
    "split_words",
    "summarize_group",
    "total",
]
