"""Where the lm-eval task folder lives, for an installed wheel and for a source checkout."""

from __future__ import annotations

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


__all__ = ["task_dir"]
