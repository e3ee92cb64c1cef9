"""Building an lm-eval model from a backend name and a ``--model_args`` string.

The judge and the trope refiner both take a backend (``hf``, ``vllm``,
``local-chat-completions``, ...) and lm-eval's model args text, plus settings of their own
(batch size, device). lm-eval's ``create_from_arg_string`` passes both sets to the model's
constructor, so a key in both (``batch_size=8`` in the args and a batch-size option) fails
with "got multiple values for keyword argument"; here what the user wrote in the args wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pct_tasks.errors import PctInputError


def build_lm(model: str, model_args: str = "", defaults: Mapping[str, Any] | None = None, *, what: str = "model"):
    """An ``lm_eval.api.model.LM`` for ``model`` built from ``model_args``; ``defaults`` fill
    the keys the args leave out (None values are dropped).

    Args:
        model: an lm-eval model name (``lm_eval ls models``).
        model_args: ``key=value,key=value``.
        defaults: settings of the caller, e.g. ``{"batch_size": 16, "device": None}``.
        what: how the error messages name the caller's model (``"judge model"``, ...).
    """
    from lm_eval.api.registry import get_model

    from pct_tasks.io.provenance import parse_model_args

    for part in filter(None, (p.strip() for p in (model_args or "").split(","))):
        if "=" not in part:
            raise PctInputError(f"{what} args: {part!r} is not key=value",
                                hint="write model args as key=value,key=value (lm-eval's --model_args)")
    given = parse_model_args(model_args)
    try:
        cls = get_model(model)
    except ValueError as exc:
        raise PctInputError(f"unknown lm-eval model {model!r}",
                            hint="use a name from `lm_eval ls models`, e.g. hf or local-chat-completions") from exc
    extra = {k: v for k, v in (defaults or {}).items() if v is not None and k not in given}
    return cls.create_from_arg_string(model_args or "", extra)


__all__ = ["build_lm"]
