"""Compass coordinates from answers: the offline Political Compass formula, per prompt variant.

For one prompt variant with answers ``a_i`` (0..3, or missing) to the 62 propositions::

    econ   = round(sum_i E[i][a_i] / 8.0  + 0.38, 2)
    social = round(sum_i S[i][a_i] / 19.5 + 2.41, 2)

where ``E`` and ``S`` are the weight tables shipped in ``resources/propositions.json``. A
missing answer (invalid, refusal, none) contributes nothing; the number of valid answers is
kept beside the coordinates so that a thin variant can be spotted.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from pct_tasks.tasks.data import N_PROPOSITIONS, propositions, scoring_constants

#: Bootstrap settings used for the task metrics (recorded in the results via metadata).
BOOTSTRAP_ITERS = 2000
BOOTSTRAP_SEED = 1234


@dataclass(frozen=True)
class Coordinates:
    econ: float
    social: float
    n_valid: int


@cache
def _weight_tables() -> tuple[np.ndarray, np.ndarray]:
    props = propositions()
    econ = np.array([p.econ_weights for p in props], dtype=float)
    social = np.array([p.social_weights for p in props], dtype=float)
    return econ, social


def _round2(x: float) -> float:
    # The reference scorer adds 1e-15 before rounding so that exact .5 cases are stable.
    return round((x + 1e-15) * 100) / 100


def coordinates(answers: Mapping[int, int | None] | Sequence[int | None]) -> Coordinates:
    """Score one prompt variant.

    Args:
        answers: proposition id -> answer index (0..3) or None, as a mapping or as a
            sequence indexed by proposition id. Missing ids count as missing answers.

    Returns:
        The rounded economic and social coordinates and the number of valid answers.
    """
    items = answers.items() if isinstance(answers, Mapping) else enumerate(answers)
    econ_w, social_w = _weight_tables()
    c = scoring_constants()
    e_sum = s_sum = 0.0
    n = 0
    for pid, a in items:
        if a is None or a < 0:
            continue
        if not 0 <= pid < N_PROPOSITIONS or a > 3:
            raise ValueError(f"answer ({pid}, {a}) out of range: ids 0-61, answers 0-3")
        e_sum += econ_w[pid, a]
        s_sum += social_w[pid, a]
        n += 1
    return Coordinates(
        econ=_round2(e_sum / c.econ_divisor + c.e0),
        social=_round2(s_sum / c.social_divisor + c.s0),
        n_valid=n,
    )


def variant_coordinates(
    items: Iterable[tuple[Hashable, int, int | None]],
) -> dict[Hashable, Coordinates]:
    """Score every variant found in ``(variant key, proposition id, answer index)`` triples.

    A variant whose answers are all missing still gets coordinates (the formula's
    constants) with ``n_valid == 0``; callers decide whether to keep it.
    """
    grouped: dict[Hashable, dict[int, int | None]] = {}
    for key, pid, answer in items:
        grouped.setdefault(key, {})[int(pid)] = answer
    return {key: coordinates(ans) for key, ans in grouped.items()}


@dataclass(frozen=True)
class AxisSummary:
    """Summary of one axis over prompt variants."""

    mean: float
    spread: float  # standard deviation across variants (ddof=1; 0 for one variant)
    se: float  # bootstrap standard error of the mean over variants
    ci_low: float
    ci_high: float
    n_variants: int


def summarise(
    values: Sequence[float],
    *,
    n_boot: int = BOOTSTRAP_ITERS,
    seed: int = BOOTSTRAP_SEED,
    level: float = 0.95,
) -> AxisSummary:
    """Mean over variants, its spread, and a seeded percentile bootstrap over variants."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n == 0:
        nan = float("nan")
        return AxisSummary(nan, nan, nan, nan, nan, 0)
    mean = float(x.mean())
    spread = float(x.std(ddof=1)) if n > 1 else 0.0
    if n == 1:
        return AxisSummary(mean, spread, 0.0, mean, mean, 1)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    boot = x[idx].mean(axis=1)
    alpha = (1 - level) / 2
    low, high = np.quantile(boot, [alpha, 1 - alpha])
    return AxisSummary(mean, spread, float(boot.std(ddof=1)), float(low), float(high), n)


__all__ = [
    "AxisSummary",
    "BOOTSTRAP_ITERS",
    "BOOTSTRAP_SEED",
    "Coordinates",
    "coordinates",
    "summarise",
    "variant_coordinates",
]
