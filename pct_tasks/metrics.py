"""Scores of a labeller against gold labels, shared by ``judge-eval`` and ``parse-eval``.

Accuracy, macro-F1 over the gold classes, Cohen's kappa, one class's F1, a confusion table,
and seeded percentile-bootstrap intervals over rows. numpy is imported here; scikit-learn only
when a score is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

#: The scores :func:`scores` returns, in order.
SCORE_NAMES = ("accuracy", "macro_f1", "kappa")


def scores(gold: np.ndarray, pred: np.ndarray, labels: Sequence[str]) -> tuple[float, float, float]:
    """(accuracy, macro-F1 over ``labels``, Cohen's kappa) of ``pred`` against ``gold``."""
    from sklearn.metrics import cohen_kappa_score, f1_score

    acc = float((gold == pred).mean())
    f1 = float(f1_score(gold, pred, labels=list(labels), average="macro", zero_division=0))
    if len(set(gold) | set(pred)) < 2:
        kappa = 1.0 if acc == 1.0 else 0.0
    else:
        kappa = float(cohen_kappa_score(gold, pred))
        kappa = 0.0 if np.isnan(kappa) else kappa
    return acc, f1, kappa


def class_f1(gold: np.ndarray, pred: np.ndarray, label: str) -> float:
    """F1 of one class (precision and recall of ``label``); 0 when it is never gold nor predicted."""
    tp = int(((gold == label) & (pred == label)).sum())
    fp = int(((gold != label) & (pred == label)).sum())
    fn = int(((gold == label) & (pred != label)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def bootstrap_intervals(
    gold: np.ndarray,
    pred: np.ndarray,
    stat: Callable[[np.ndarray, np.ndarray], Sequence[float]],
    names: Sequence[str],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, list[float]]:
    """Percentile-bootstrap interval (resampling rows) of each value ``stat(gold, pred)`` returns."""
    if not n_boot:
        return {name: [float("nan"), float("nan")] for name in names}
    rng = np.random.default_rng(seed)
    boots = np.array([stat(gold[idx], pred[idx])
                      for idx in rng.integers(0, len(gold), size=(int(n_boot), len(gold)))])
    alpha = (1 - level) / 2
    return {name: [float(np.quantile(boots[:, k], alpha)), float(np.quantile(boots[:, k], 1 - alpha))]
            for k, name in enumerate(names)}


def confusion(gold: np.ndarray, pred: np.ndarray, labels: Sequence[str]) -> dict[str, dict[str, int]]:
    """gold -> predicted -> count; columns are ``labels`` then any other predicted label, sorted."""
    shown = list(labels) + sorted(set(pred) - set(labels))
    return {gl: {pl: int(((gold == gl) & (pred == pl)).sum()) for pl in shown} for gl in labels}


def format_confusion(table: dict[str, dict[str, int]]) -> list[str]:
    """The confusion table as aligned text lines (rows gold, columns predicted)."""
    cols = list(next(iter(table.values())).keys())
    width = max(len(c) for c in [*cols, *table, "gold \\ pred"]) + 2
    lines = ["confusion (rows gold, columns predicted)",
             "gold \\ pred".ljust(width) + "".join(c.rjust(width) for c in cols)]
    for gl, row in table.items():
        lines.append(gl.ljust(width) + "".join(str(row[c]).rjust(width) for c in cols))
    return lines


__all__ = ["SCORE_NAMES", "bootstrap_intervals", "class_f1", "confusion", "format_confusion", "scores"]
