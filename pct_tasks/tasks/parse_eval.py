"""``parse-eval``: score the closed-answer parser against hand labels.

Gold labels are the parser's own vocabulary (strongly_disagree, disagree, agree,
strongly_agree, refusal, invalid). Scores: accuracy, macro-F1 over the gold labels, refusal
F1, Cohen's kappa, a confusion table, seeded percentile-bootstrap intervals over rows, and the
parser's throughput. The metric code is shared with ``judge-eval`` (:mod:`pct_tasks.metrics`).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from pct_tasks.errors import PctInputError
from pct_tasks.labels import CLOSED_LABELS, Setting
from pct_tasks.metrics import SCORE_NAMES, bootstrap_intervals, class_f1, confusion, format_confusion, scores
from pct_tasks.tasks.parsing import parse_answer

VOCABULARY = tuple(s.value for s in CLOSED_LABELS)
_NUMBERING = re.compile(r"^\s*(?:[-*•]|\(?(?:\d+|[ivx]+|[a-d])[).:])\s*", re.I)


def read_options(value: str | None) -> list[str] | None:
    """Options in the order shown, from a JSON list or text with one option per line or per ``|``.

    Numbering and bullets ("1) ", "b) ", "- ") are dropped: ``"1) Agree\\n2) Disagree"``.
    """
    if not value or not value.strip():
        return None
    try:
        obj = json.loads(value)
    except ValueError:
        obj = None
    parts = obj if isinstance(obj, list) else re.split(r"\n|\|| / | or ", value)
    options = [_NUMBERING.sub("", str(p)).strip().strip('"').strip() for p in parts]
    options = [o for o in options if o]
    return options or None


def check_gold(labels: Sequence[str], where: str = "gold") -> list[str]:
    """Gold labels, stripped and lower-cased; any outside the parser vocabulary is an error naming them."""
    out = [str(v).strip().lower().replace(" ", "_") for v in labels]
    unknown = Counter(v for v in out if v not in VOCABULARY)
    if unknown:
        listed = ", ".join(f"{k!r} ({n})" for k, n in unknown.most_common(8))
        raise PctInputError(f"{where}: labels outside the parser vocabulary: {listed}",
                            hint=f"use one of {', '.join(VOCABULARY)}")
    return out


@dataclass
class ParserEvaluation:
    """The parser's scorecard on one labelled set."""

    n: int
    labels: list[str]  # gold labels present (the macro-F1 classes)
    accuracy: float
    macro_f1: float
    refusal_f1: float
    kappa: float
    ci: dict[str, list[float]]  # metric -> [low, high]
    confusion: dict[str, dict[str, int]]  # gold -> predicted -> count
    f1_per_label: dict[str, float]
    answers_per_second: float
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _all_scores(gold: np.ndarray, pred: np.ndarray, labels: list[str]) -> tuple[float, ...]:
    return (*scores(gold, pred, labels), class_f1(gold, pred, "refusal"))


def evaluate_parser(
    texts: Sequence[str],
    gold: Sequence[str],
    options: Sequence[Sequence[str] | None] | None = None,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> ParserEvaluation:
    """Parse each closed answer and score the stances against ``gold`` (see :func:`check_gold`).

    Args:
        texts: the model answers.
        gold: one label per answer, in the parser vocabulary.
        options: the options as shown to the model, per answer (None where unknown).
        n_boot: bootstrap resamples for the intervals (0: none); seed: their seed.
    """
    if len(texts) != len(gold) or (options is not None and len(options) != len(texts)):
        raise PctInputError("texts, gold labels and options differ in length", hint="pass one value per row")
    if not texts:
        raise PctInputError("no rows to evaluate", hint="check the CSV and its label column")
    shown = list(options) if options is not None else [None] * len(texts)
    start = time.perf_counter()
    raw = [parse_answer(t, Setting.CLOSED, o).stance.value for t, o in zip(texts, shown, strict=True)]
    elapsed = time.perf_counter() - start
    labels = sorted(set(gold), key=VOCABULARY.index)
    g, pred = np.array(gold, dtype=object), np.array(raw, dtype=object)
    acc, f1, kappa, ref_f1 = _all_scores(g, pred, labels)
    names = (*SCORE_NAMES, "refusal_f1")
    ci = bootstrap_intervals(g, pred, lambda a, b: _all_scores(a, b, labels), names,
                             n_boot=n_boot, seed=seed, level=level)
    return ParserEvaluation(
        n=len(g), labels=labels, accuracy=acc, macro_f1=f1, refusal_f1=ref_f1, kappa=kappa, ci=ci,
        confusion=confusion(g, pred, labels),
        f1_per_label={lab: class_f1(g, pred, lab) for lab in labels},
        answers_per_second=len(g) / elapsed if elapsed > 0 else float("inf"),
        settings={"n_boot": int(n_boot), "seed": int(seed), "level": level},
    )


def format_report(ev: ParserEvaluation) -> str:
    """A plain-text scorecard."""
    level = int(ev.settings.get("level", 0.95) * 100)
    lines = [f"parser on {ev.n} answers ({ev.answers_per_second:.0f} answers/s)",
             f"{'':12}{'value':>8}  {level}% bootstrap"]
    for name in ("accuracy", "macro_f1", "refusal_f1", "kappa"):
        lo, hi = ev.ci[name]
        lines.append(f"{name:12}{getattr(ev, name):8.3f}  [{lo:.3f}, {hi:.3f}]")
    lines += ["", *format_confusion(ev.confusion)]
    return "\n".join(lines)


__all__ = ["VOCABULARY", "ParserEvaluation", "check_gold", "evaluate_parser", "format_report", "read_options"]
