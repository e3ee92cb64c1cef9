"""Where the lm-eval task folder lives, for an installed wheel and for a source checkout."""

from __future__ import annotations

import re
from pathlib import Path

# This module lives in pct_tasks/io/; the package root is one level up.
_PACKAGE = Path(__file__).resolve().parent.parent


def task_dir() -> Path:
    """The folder to give lm-eval as ``--include_path``.

    A wheel carries it inside the package (``pct_tasks/task_configs``); a source checkout or
    editable install has it at the repository root (``task_configs/``).
    """
    for candidate in (_PACKAGE / "task_configs", _PACKAGE.parent / "task_configs"):
        if (candidate / "pct_closed.yaml").is_file():
            return candidate
    raise FileNotFoundError(
        "the pct task folder is missing from this installation; reinstall pct-tropes "
        "(pip install pct-tropes, or pip install -e . in a checkout)"
    )


def slug(value: object, max_len: int | None = None, default: str = "run", tail: bool = False) -> str:
    """A file-name-safe form of a name: runs of other characters become one ``_``.

    Args:
        value: the name (a model, a run label, ...).
        max_len: cut to this many characters (the end is kept with ``tail=True``).
        default: returned when nothing is left.
    """
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", str(value)).strip("_")
    if max_len is not None:
        text = text[-max_len:] if tail else text[:max_len]
    return text or default


__all__ = ["slug", "task_dir"]
