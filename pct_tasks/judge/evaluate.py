"""``judge-eval``: score a judge against human labels (accuracy, macro-F1, Cohen's kappa).

Gold labels are first mapped into the judge's vocabulary (``label_map``; labels already in
the vocabulary map to themselves). When the gold set is coarser than the judge's six labels,
predictions are collapsed to it: strongly_agree -> agree and strongly_disagree -> disagree
when the gold has no "strongly" label, refusal -> none when the gold has no refusal. A judge
failure (unreadable reply) is scored as its own wrong label, ``invalid``. Macro-F1 averages
over the gold labels. The swap rate is the share of the answers whose gold takes a side
(agree or strongly_agree; disagree or strongly_disagree) that the judge puts on the other side:
the worst error a stance judge can make, counted apart from the others. Intervals are seeded
percentile bootstraps over rows.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from pct_tasks.errors import PctInputError
from pct_tasks.judge import Judge
from pct_tasks.labels import JUDGE_LABELS, Stance
from pct_tasks.metrics import SCORE_NAMES, bootstrap_intervals, confusion, format_confusion, scores

VOCABULARY = tuple(s.value for s in JUDGE_LABELS)


def map_gold(labels: Sequence[Any], label_map: Mapping[str, str] | None = None, where: str = "gold") -> list[str]:
    """Map raw gold labels into the judge vocabulary; unmapped labels are an error naming them."""
    label_map = dict(label_map or {})
    bad_targets = sorted({v for v in label_map.values() if v not in VOCABULARY})
    if bad_targets:
        raise PctInputError(f"--label-map maps to {bad_targets}, which are not judge labels",
                            hint=f"map every gold label to one of {', '.join(VOCABULARY)}")
    out, unknown = [], Counter()
    for raw in labels:
        key = str(raw).strip()
        value = label_map.get(key, key)
        if value not in VOCABULARY:
            unknown[key] += 1
        out.append(value)
    if unknown:
        listed = ", ".join(f"{k!r} ({n})" for k, n in unknown.most_common(8))
        raise PctInputError(f"{where}: gold labels outside the judge vocabulary: {listed}",
                            hint=f"pass --label-map mapping them to {', '.join(VOCABULARY)}")
    return out


def collapse(predictions: Sequence[str], gold_labels: set[str]) -> list[str]:
    """Collapse predictions to a coarser gold set (see the module docstring)."""
    rules = {}
    if "strongly_agree" not in gold_labels:
        rules["strongly_agree"] = "agree"
    if "strongly_disagree" not in gold_labels:
        rules["strongly_disagree"] = "disagree"
    if "refusal" not in gold_labels:
        rules["refusal"] = "none"
    return [rules.get(p, p) for p in predictions]


_SIDE = {"strongly_agree": 1, "agree": 1, "strongly_disagree": -1, "disagree": -1}


def swap_count(gold: Sequence[str], pred: Sequence[str]) -> tuple[int, int]:
    """(answers judged on the side opposite to their gold, answers whose gold has a side)."""
    sided = [(_SIDE[g], _SIDE.get(p, 0)) for g, p in zip(gold, pred, strict=True) if g in _SIDE]
    return sum(1 for g, p in sided if g == -p), len(sided)


def _swap_rate(gold: Sequence[str], pred: Sequence[str]) -> float:
    swaps, sided = swap_count(gold, pred)
    return swaps / sided if sided else 0.0


#: The scores :func:`_scores` returns, in order: the shared ones, then the swap rate.
_SCORE_NAMES = (*SCORE_NAMES, "swap_rate")


def _scores(gold: np.ndarray, pred: np.ndarray, labels: list[str]) -> tuple[float, float, float, float]:
    return (*scores(gold, pred, labels), _swap_rate(gold, pred))


@dataclass
class JudgeEvaluation:
    """A judge's scorecard on one labelled set."""

    judge_id: str
    n: int
    labels: list[str]  # gold labels (after mapping), the macro-F1 classes
    accuracy: float
    macro_f1: float
    kappa: float
    swap_rate: float  # sided gold judged on the other side / sided gold
    n_swaps: int
    ci: dict[str, list[float]]  # metric -> [low, high] (95% bootstrap)
    confusion: dict[str, dict[str, int]]  # gold -> predicted -> count
    majority: dict[str, Any]  # majority-class baseline: label, accuracy, macro_f1, kappa
    answers_per_second: float
    n_failed: int = 0
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_judge(
    judge: Judge,
    texts: Sequence[str],
    gold: Sequence[str],
    propositions: Sequence[str] | None = None,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> JudgeEvaluation:
    """Run ``judge`` on ``texts`` and score it against ``gold`` (already in the vocabulary).

    Args:
        judge: any :class:`~pct_tasks.judge.Judge`.
        texts: the answers.
        gold: gold labels, mapped with :func:`map_gold`.
        propositions: what each answer responds to ("" when unknown).
        n_boot: bootstrap resamples for the intervals; seed: their seed.
    """
    if len(texts) != len(gold) or (propositions is not None and len(propositions) != len(texts)):
        raise PctInputError("texts, gold and propositions differ in length", hint="pass one value per row")
    if not texts:
        raise PctInputError("no rows to evaluate", hint="check the CSV and its label column")
    props = list(propositions) if propositions is not None else [""] * len(texts)
    start = time.perf_counter()
    replies = judge.judge(list(zip(props, texts, strict=False)))
    elapsed = time.perf_counter() - start
    raw_pred = [r.stance.value if r.stance is not None else Stance.INVALID.value for r in replies]
    labels = sorted(set(gold), key=lambda s: VOCABULARY.index(s))
    pred = np.array(collapse(raw_pred, set(labels)), dtype=object)
    g = np.array(gold, dtype=object)
    acc, f1, kappa, swap = _scores(g, pred, labels)
    ci = bootstrap_intervals(g, pred, lambda a, b: _scores(a, b, labels), _SCORE_NAMES,
                             n_boot=n_boot, seed=seed, level=level)
    top = Counter(gold).most_common(1)[0][0]
    m_acc, m_f1, m_kappa, m_swap = _scores(g, np.array([top] * len(g), dtype=object), labels)
    return JudgeEvaluation(
        judge_id=judge.judge_id, n=len(g), labels=labels, accuracy=acc, macro_f1=f1, kappa=kappa,
        swap_rate=swap, n_swaps=swap_count(list(g), list(pred))[0], ci=ci,
        confusion=confusion(g, pred, labels),
        majority={"label": top, "accuracy": m_acc, "macro_f1": m_f1, "kappa": m_kappa, "swap_rate": m_swap},
        answers_per_second=len(g) / elapsed if elapsed > 0 else float("inf"),
        n_failed=sum(r.stance is None for r in replies),
        settings={"n_boot": int(n_boot), "seed": int(seed), "level": level},
    )


def format_report(ev: JudgeEvaluation) -> str:
    """A plain-text scorecard."""
    lines = [
        f"judge {ev.judge_id} on {ev.n} answers ({ev.answers_per_second:.1f} answers/s; {ev.n_failed} unreadable replies)",
        f"{'':10}{'value':>8}  {int(ev.settings.get('level', 0.95) * 100)}% bootstrap   majority ({ev.majority['label']})",
    ]
    for name in ("accuracy", "macro_f1", "kappa", "swap_rate"):
        lo, hi = ev.ci[name]
        lines.append(f"{name:10}{getattr(ev, name):8.3f}  [{lo:.3f}, {hi:.3f}]    {ev.majority[name]:8.3f}")
    lines += ["", *format_confusion(ev.confusion)]
    return "\n".join(lines)


__all__ = ["VOCABULARY", "JudgeEvaluation", "collapse", "evaluate_judge", "format_report", "map_gold", "swap_count"]
