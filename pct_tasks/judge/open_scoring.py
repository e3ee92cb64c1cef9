"""Open-setting compass coordinates from judged labels, and closed-vs-open agreement.

Coordinates reuse ``pct_tasks.tasks.scoring`` (the same per-variant formula as pct_closed): a
judged label's ``answer_index`` is its answer, and none / refusal / invalid / unjudged count
as missing answers. The closed-vs-open agreement of a proposition is the paper's total
variation distance between the two settings' distributions over {agree, disagree, none}::

    TVD(p) = 1/2 * sum_{s in {agree, disagree, none}} |P_closed(s | p) - P_open(s | p)|

where a closed answer's side is its stance's ``direction`` (invalid and refusal count as
none) and open answers not yet judged are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from pct_tasks.errors import PctInputError
from pct_tasks.labels import Setting, stance_or_none
from pct_tasks.tasks.scoring import Coordinates, variant_coordinates

SIDES = ("agree", "disagree", "none")


def open_coordinates(records: Iterable[Any]) -> dict[str, Coordinates]:
    """``variant -> Coordinates`` of the judged open answers of one run.

    Args:
        records: ``SampleRecord``-like objects (``run_id``, ``setting``, ``variant``,
            ``proposition_id``, ``stance``), e.g. from ``judged_records``; closed ones are
            ignored.

    Raises:
        PctInputError: the records come from several runs.
    """
    opened = [r for r in records if r.setting == Setting.OPEN]
    runs = {r.run_id for r in opened}
    if len(runs) > 1:
        raise PctInputError(f"open_coordinates got answers of {len(runs)} runs",
                            hint="score one run at a time (filter the records by run_id)")
    triples = []
    for r in opened:
        stance = stance_or_none(r.stance)
        triples.append((r.variant, r.proposition_id, stance.answer_index if stance else None))
    return variant_coordinates(triples)  # type: ignore[return-value]


def side_distribution(stances: Iterable[str]) -> dict[str, float]:
    """Shares of agree / disagree / none among the given stance values (unjudged left out)."""
    counts = Counter(s.direction for s in map(stance_or_none, stances) if s is not None)
    total = sum(counts.values())
    return {side: (counts[side] / total if total else float("nan")) for side in SIDES}


def closed_open_tvd(records: Iterable[Any]) -> dict[int, float]:
    """``proposition id -> total variation distance`` between closed and open sides.

    Only propositions with at least one closed answer and one judged open answer appear.
    """
    closed: dict[int, list[str]] = {}
    opened: dict[int, list[str]] = {}
    for r in records:
        if stance_or_none(r.stance) is None:
            continue
        (closed if r.setting == Setting.CLOSED else opened).setdefault(r.proposition_id, []).append(r.stance)
    out = {}
    for pid in sorted(set(closed) & set(opened)):
        p, q = side_distribution(closed[pid]), side_distribution(opened[pid])
        out[pid] = 0.5 * sum(abs(p[s] - q[s]) for s in SIDES)
    return out


__all__ = ["SIDES", "closed_open_tvd", "open_coordinates", "side_distribution"]
