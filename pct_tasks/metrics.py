"""Scores of a labeller against gold labels, shared by ``judge-eval`` and ``parse-eval``.

Accuracy, macro-F1 over the gold classes, Cohen's kappa, one class's F1, a confusion table,
and seeded percentile-bootstrap intervals over rows. numpy is imported here; scikit-learn only
when a score is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Resamples and seed of every bootstrap interval the project reports (coordinates, gates, scores).
BOOTSTRAP_ITERS = 2000
BOOTSTRAP_SEED = 1234

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


@dataclass(frozen=True)
class Interval:
    """A percentile bootstrap interval of a statistic, and the bootstrap standard error."""

    low: Any  # float, or an array for a statistic with several outputs
    high: Any
    se: Any


def percentile_bootstrap(
    samples: Sequence[Any] | np.ndarray,
    statistic: Any = np.mean,
    *,
    n_boot: int = BOOTSTRAP_ITERS,
    seed: int = BOOTSTRAP_SEED,
    level: float = 0.95,
) -> Interval:
    """The project's one bootstrap: seeded percentile intervals from ``scipy.stats.bootstrap``.

    Args:
        samples: one array (resampled along its last axis), or a tuple of arrays of equal
            length resampled together (paired rows, e.g. gold and predicted labels).
        statistic: a function of the sample(s); vectorised when it takes ``axis`` (like
            ``np.mean``); it may return several values (an array), each with its interval.
        n_boot: resamples; seed: the generator's seed; level: the interval's coverage.

    Returns:
        An :class:`Interval`. With fewer than two rows the interval collapses onto the
        statistic of the data (se 0).
    """
    from scipy.stats import bootstrap

    arrays = tuple(np.asarray(a) for a in samples) if isinstance(samples, (tuple, list)) else (
        np.asarray(samples),)
    if arrays[0].shape[-1] < 2 or n_boot < 1:
        value = np.asarray(statistic(*arrays), dtype=float)
        out = value if value.ndim else float(value)
        return Interval(out, out, np.zeros_like(value) if value.ndim else 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        res = bootstrap(arrays, statistic, n_resamples=int(n_boot), confidence_level=level,
                        method="percentile", paired=len(arrays) > 1, axis=-1,
                        rng=np.random.default_rng(seed))
    low, high, se = res.confidence_interval.low, res.confidence_interval.high, res.standard_error
    if np.ndim(low) == 0:
        return Interval(float(low), float(high), float(se))
    return Interval(np.asarray(low), np.asarray(high), np.asarray(se))


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
    gold, pred = np.asarray(gold), np.asarray(pred)

    def on_rows(rows: np.ndarray) -> np.ndarray:
        rows = rows.astype(int)
        return np.asarray(stat(gold[rows], pred[rows]), dtype=float)

    ci = percentile_bootstrap(np.arange(len(gold)), on_rows, n_boot=n_boot, seed=seed, level=level)
    low, high = np.atleast_1d(ci.low), np.atleast_1d(ci.high)
    return {name: [float(low[k]), float(high[k])] for k, name in enumerate(names)}


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


__all__ = ["BOOTSTRAP_ITERS", "BOOTSTRAP_SEED", "SCORE_NAMES", "Interval", "bootstrap_intervals", "class_f1", "confusion", "format_confusion", "percentile_bootstrap", "scores"]
