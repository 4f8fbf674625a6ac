"""What the rendering of one entry shares across the style's elements (the fixes in
:mod:`csl_names` and :mod:`csl_text`) and :mod:`csl_engine`: the entry's state, and the variables a
``cs:substitute`` child rendered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class EntryState:
    """What the rendering of the current entry has done so far (one entry at a time per process):
    whether its first name list is marked yet, and whether its year suffix is still to place."""

    def __init__(self) -> None:
        self.language = "en"
        self.reset(implicit_year_suffix=False)

    def reset(self, implicit_year_suffix: bool, mark_names: bool = True) -> None:
        self.names_marked = not mark_names
        self.year_suffix_pending = implicit_year_suffix
        self.sorting = False

    def enter(self, language: str, implicit_year_suffix: bool) -> None:
        """A new entry, in ``language`` (two letters): as :meth:`reset`, and its language."""
        self.language = language
        self.reset(implicit_year_suffix)


STATE = EntryState()


def substitute_record(context: Any) -> set[tuple[str, str]] | None:
    """The variables (tag, name) rendered so far by the ``cs:substitute`` child being tried in the
    layout of ``context``, or None when no substitute is being tried."""
    return context.get_layout().__dict__.get("_recording")


@contextmanager
def recording_substitute(layout: Any) -> Iterator[set[tuple[str, str]]]:
    """While a ``cs:substitute`` child of ``layout`` renders: the variables it renders."""
    record: set[tuple[str, str]] = set()
    layout.__dict__["_recording"] = record
    try:
        yield record
    finally:
        layout.__dict__["_recording"] = None
