"""The one exception type users see: a clear, one-line message and an exit status."""

from __future__ import annotations


class AwesomeBibError(Exception):
    """A problem with the user's input or environment, reported as one line, never a traceback."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
