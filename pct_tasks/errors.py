"""User-facing errors and the exit codes of every ``pct`` command (standard library only).

Exit codes (README, "Exit codes"): 0 ok; 1 only for "the model moved" in ``pct compare``;
2 bad input or usage; 3 not comparable; 4 I/O or internal error. Each error is one line
naming the input (file and line where known) and the fix.
"""

from __future__ import annotations

EXIT_OK = 0
#: Only ``pct compare``: a check failed (the model moved). Never used for an error.
EXIT_MOVED = 1
EXIT_INPUT = 2
EXIT_NOT_COMPARABLE = 3
EXIT_IO = 4


class PctInputError(ValueError):
    """Bad input from the user (a file, a flag, a samples line): exit code 2.

    Args:
        message: what is wrong, naming the input (file and line where known).
        hint: what the user should do about it.
    """

    exit_code = EXIT_INPUT

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} (fix: {self.hint})" if self.hint else base


class PctNotComparableError(PctInputError):
    """Inputs that are each fine but cannot be put side by side: exit code 3."""

    exit_code = EXIT_NOT_COMPARABLE


__all__ = ["EXIT_INPUT", "EXIT_IO", "EXIT_MOVED", "EXIT_NOT_COMPARABLE", "EXIT_OK",
           "PctInputError", "PctNotComparableError"]
