"""Judging the stance of open answers: any lm-eval backend, or an offline classifier.

A *judge* is any object with a ``judge_id`` and a ``judge(pairs)`` method (the
:class:`Judge` protocol): the offline :class:`OfflineStanceClassifier`, or the
:class:`LMJudge` that runs the ``pct_open_judge`` task on an lm-eval backend. The stage
(:func:`run_judge`) feeds it the open answers of one or more runs, caches every label beside
the run, and other stages read the labels back with :func:`load_judgements` or
:func:`judged_records`.

Importing this package is cheap; lm-eval, torch and sentence-transformers load on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pct_tasks.judge.prompt import JudgeReply, parse_reply

if TYPE_CHECKING:  # pragma: no cover
    from pct_tasks.judge.cache import Judgement, JudgementCache
    from pct_tasks.judge.evaluate import JudgeEvaluation, evaluate_judge
    from pct_tasks.judge.lm import LMJudge
    from pct_tasks.judge.offline import OfflineStanceClassifier
    from pct_tasks.judge.stage import JudgeRunSummary, judged_records, load_judgements, make_judge, run_judge


@runtime_checkable
class Judge(Protocol):
    """What the judge stage needs from a judge.

    ``judge_id`` names the judge and everything that changes its labels (model, its
    arguments, prompt or rules version); it is part of every cache key and is file-name safe.
    ``judge(pairs)`` labels ``(proposition text, answer text)`` pairs, returning one
    :class:`JudgeReply` per pair, in order (``stance=None`` with an ``error`` for a reply that
    could not be read). It must not raise on odd answer text.
    """

    @property
    def judge_id(self) -> str: ...

    def judge(self, pairs: Sequence[tuple[str, str]]) -> list[JudgeReply]: ...


_LAZY = {
    "Judgement": "cache",
    "JudgementCache": "cache",
    "JudgeEvaluation": "evaluate",
    "evaluate_judge": "evaluate",
    "LMJudge": "lm",
    "OfflineStanceClassifier": "offline",
    "JudgeRunSummary": "stage",
    "judged_records": "stage",
    "load_judgements": "stage",
    "make_judge": "stage",
    "run_judge": "stage",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Judge",
    "JudgeEvaluation",
    "JudgeReply",
    "JudgeRunSummary",
    "Judgement",
    "JudgementCache",
    "LMJudge",
    "OfflineStanceClassifier",
    "evaluate_judge",
    "judged_records",
    "load_judgements",
    "make_judge",
    "parse_reply",
    "run_judge",
]
