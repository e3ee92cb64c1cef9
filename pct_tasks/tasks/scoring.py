"""Compass coordinates from answers: the offline Political Compass formula, per prompt variant.

For one prompt variant with answers ``a_i`` (0..3, or missing) to the 62 propositions::

    econ   = round(sum_i E[i][a_i] / 8.0  + 0.38, 2)
    social = round(sum_i S[i][a_i] / 19.5 + 2.41, 2)

where ``E`` and ``S`` are the weight tables shipped in ``resources/propositions.json``. An
answer that is not one of the four options (invalid, refusal, none, unjudged) contributes
nothing, but it was *given*. A variant is **complete** when all 62 of its answers were given;
only complete variants have coordinates that mean anything: a variant seen through
``--limit``, one shard or a crashed run lacks documents, and the formula's offsets would pull
it toward (0.38, 2.41). Every consumer keeps complete variants only (``Coordinates.complete``).

:func:`percentile_bootstrap` is the project's one bootstrap (scipy.stats.bootstrap, percentile
method, seeded); every interval the project reports comes from it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from pct_tasks.metrics import BOOTSTRAP_ITERS, BOOTSTRAP_SEED, Interval, percentile_bootstrap
from pct_tasks.tasks.data import N_PROPOSITIONS, propositions, scoring_constants


@dataclass(frozen=True)
class Coordinates:
    econ: float
    social: float
    n_valid: int  # answers that are one of the four options
    n_given: int = N_PROPOSITIONS  # propositions answered at all (invalid and refusal count)

    @property
    def complete(self) -> bool:
        """All 62 answers given: the only variants whose coordinates are kept."""
        return self.n_given == N_PROPOSITIONS


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
        The rounded economic and social coordinates, the number of valid answers and the
        number of propositions given.
    """
    items = list(answers.items() if isinstance(answers, Mapping) else enumerate(answers))
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
        n_given=len({pid for pid, _ in items}),
    )


def variant_coordinates(
    items: Iterable[tuple[Hashable, int, int | None]],
) -> dict[Hashable, Coordinates]:
    """Score every variant found in ``(variant key, proposition id, answer index)`` triples.

    Every variant seen gets an entry; callers keep the ``complete`` ones (and, for open
    answers, those with ``n_valid > 0``).
    """
    grouped: dict[Hashable, dict[int, int | None]] = {}
    for key, pid, answer in items:
        grouped.setdefault(key, {})[int(pid)] = answer
    return {key: coordinates(ans) for key, ans in grouped.items()}


def incomplete_line(n_incomplete: int, n_variants: int, where: str = "") -> str:
    """The one line every command prints when it leaves incomplete variants out."""
    return (f"{where}{n_incomplete} of {n_variants} prompt variants are incomplete (fewer than "
            f"{N_PROPOSITIONS} answers: --limit, a lone shard or a crashed run) and were left out "
            "of every coordinate; to score them run the other shards and pass them all, or drop "
            '--limit (a quick run that stays correct: --metadata \'{"variants": 40}\')')


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
    ci = percentile_bootstrap(x, n_boot=n_boot, seed=seed, level=level)
    return AxisSummary(mean, spread, ci.se, ci.low, ci.high, n)


__all__ = [
    "AxisSummary",
    "BOOTSTRAP_ITERS",
    "BOOTSTRAP_SEED",
    "Coordinates",
    "Interval",
    "coordinates",
    "incomplete_line",
    "percentile_bootstrap",
    "summarise",
    "variant_coordinates",
]
