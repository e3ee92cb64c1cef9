"""User-facing errors: one message naming the input, plus a hint saying how to fix it."""

from __future__ import annotations


class PctInputError(ValueError):
    """Bad input from the user (a file, a flag, a samples line).

    Args:
        message: what is wrong, naming the input (file and line where known).
        hint: what the user should do about it.
    """

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} (fix: {self.hint})" if self.hint else base


__all__ = ["PctInputError"]
