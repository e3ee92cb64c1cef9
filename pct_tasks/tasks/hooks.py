"""lm-eval entry points of the PCT tasks (named for the YAML key they serve).

The YAMLs in ``task_configs/`` point here with ``!function pct_tasks.tasks.hooks.<name>``. The
logic lives in ``variants`` (documents), ``parsing`` (answers) and ``scoring`` (coordinates);
this module only adapts it to lm-eval's calling conventions.

Per-document metric values of the coordinate metrics are ``(variant, proposition, answer)``
triples (answer -1 when not one of the four options); the ``agg_*`` functions score each
*complete* variant (all 62 answers present) and summarise over variants. Variants missing
documents (``--limit``, one shard) are left out, with one printed line saying how many. lm-eval
computes no standard error for custom aggregations, so ``pct_econ_se`` / ``pct_social_se``
(bootstrap over variants) and the 95% interval bounds are metrics of their own.

Rates (the project's one vocabulary): ``answer_rate`` (one of the four compass answers),
``refusal_rate``, ``invalid_rate``; for closed answers the three sum to 1. Open answers get
their stance from the judge, so ``pct_open`` reports only ``refusal_rate`` and
``invalid_rate`` (the rest await the judge, whose task reports ``judged_rate``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import datasets

from pct_tasks.labels import Setting, Stance, stance_or_none
from pct_tasks.tasks.parsing import parse_answer
from pct_tasks.tasks.scoring import AxisSummary, incomplete_line, summarise, variant_coordinates
from pct_tasks.tasks.variants import build_docs, variant_index

# -- documents (custom_dataset) ---------------------------------------------------------


def _dataset(docs: list[dict[str, Any]]) -> dict[str, datasets.Dataset]:
    return {"test": datasets.Dataset.from_list(docs)}


def closed_docs(**metadata: Any) -> dict[str, datasets.Dataset]:
    return _dataset(build_docs(Setting.CLOSED, **metadata))


def open_docs(**metadata: Any) -> dict[str, datasets.Dataset]:
    return _dataset(build_docs(Setting.OPEN, **metadata))


def closed_base_docs(**metadata: Any) -> dict[str, datasets.Dataset]:
    return _dataset(build_docs(Setting.CLOSED, base=True, **metadata))


def open_base_docs(**metadata: Any) -> dict[str, datasets.Dataset]:
    return _dataset(build_docs(Setting.OPEN, base=True, **metadata))


def closed_user_turn_docs(**metadata: Any) -> dict[str, datasets.Dataset]:
    return _dataset(build_docs(Setting.CLOSED, persona_turn="user", **metadata))


def open_user_turn_docs(**metadata: Any) -> dict[str, datasets.Dataset]:
    return _dataset(build_docs(Setting.OPEN, persona_turn="user", **metadata))


# -- per-document results ---------------------------------------------------------------

COORDINATE_METRICS = tuple(
    f"pct_{axis}{suffix}"
    for axis in ("econ", "social")
    for suffix in ("", "_spread", "_se", "_ci_low", "_ci_high")
)


def process_results_closed(doc: dict[str, Any], results: Sequence[str]) -> dict[str, Any]:
    parsed = parse_answer(results[0], Setting.CLOSED, doc.get("options"))
    stance = parsed.stance
    answer = stance.answer_index
    item = (variant_index(doc["setting"])[doc["variant"]], doc["proposition_id"],
            -1 if answer is None else answer)
    out: dict[str, Any] = {"stance": stance.value}
    out.update(dict.fromkeys(COORDINATE_METRICS, item))
    out["n_variants"] = item
    out.update(_rates(stance))
    return out


def _rates(stance: Stance | None) -> dict[str, int]:
    return {
        "answer_rate": int(stance is not None and stance.is_answer),
        "refusal_rate": int(stance is Stance.REFUSAL),
        "invalid_rate": int(stance is Stance.INVALID),
    }


def process_results_open(doc: dict[str, Any], results: Sequence[str]) -> dict[str, Any]:
    parsed = parse_answer(results[0], Setting.OPEN)
    # No stance here: an open answer's stance comes from the judge (pct judge), not the run.
    # parsing.open_refusal: a refusal in the opening and no side taken, at any length.
    rates = _rates(parsed.stance)
    del rates["answer_rate"]
    return rates


# -- aggregations -----------------------------------------------------------------------


@lru_cache(maxsize=8)
def _axis_summaries(items: tuple[tuple[int, int, int], ...]) -> tuple[AxisSummary, AxisSummary]:
    coords = variant_coordinates((v, p, None if a < 0 else a) for v, p, a in items)
    kept = [c for c in coords.values() if c.complete and c.n_valid > 0]
    if len(kept) < len(coords):
        print(incomplete_line(len(coords) - len(kept), len(coords), "pct (lm-eval results): "),
              file=sys.stderr)
    return summarise([c.econ for c in kept]), summarise([c.social for c in kept])


def _summaries(items: Sequence[Sequence[int]]) -> tuple[AxisSummary, AxisSummary]:
    # Every coordinate metric receives the same triples; the cache scores them once.
    return _axis_summaries(tuple(tuple(i) for i in items))


def agg_econ_mean(items):
    return _summaries(items)[0].mean


def agg_social_mean(items):
    return _summaries(items)[1].mean


def agg_econ_spread(items):
    return _summaries(items)[0].spread


def agg_social_spread(items):
    return _summaries(items)[1].spread


def agg_econ_se(items):
    return _summaries(items)[0].se


def agg_social_se(items):
    return _summaries(items)[1].se


def agg_econ_ci_low(items):
    return _summaries(items)[0].ci_low


def agg_econ_ci_high(items):
    return _summaries(items)[0].ci_high


def agg_social_ci_low(items):
    return _summaries(items)[1].ci_low


def agg_social_ci_high(items):
    return _summaries(items)[1].ci_high


def agg_n_variants(items):
    return _summaries(items)[0].n_variants


def agg_agree_share(stances: Sequence[str]) -> float | None:
    """Share of answers on the agree side among those that take a side (None if none do)."""
    sided = [s.direction for s in map(stance_or_none, stances) if s is not None and s.direction != "none"]
    return sum(s == "agree" for s in sided) / len(sided) if sided else None


__all__ = [
    "COORDINATE_METRICS",
    "agg_agree_share",
    "closed_base_docs",
    "closed_docs",
    "closed_user_turn_docs",
    "open_base_docs",
    "open_docs",
    "open_user_turn_docs",
    "process_results_closed",
    "process_results_open",
]
