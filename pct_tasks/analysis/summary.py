"""The compass table: coordinates per run, setting and persona value, from logged samples.

Closed answers carry their stance; open answers are scored only once judged (``pct judge``),
so before that the open rows are reported as awaiting the judge rather than as positions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pct_tasks.tasks.data import category_labels, personas
from pct_tasks.labels import stance_or_none
from pct_tasks.io.records import SampleRecord
from pct_tasks.tasks.scoring import summarise, variant_coordinates


@dataclass(frozen=True)
class CompassRow:
    model: str
    run_id: str
    setting: str
    category: str
    persona: str
    n_variants: int
    econ: float
    econ_ci: tuple[float, float]
    social: float
    social_ci: tuple[float, float]
    valid_share: float


def compass_rows(records: Iterable[SampleRecord]) -> list[CompassRow]:
    groups: dict[tuple, list[SampleRecord]] = defaultdict(list)
    for r in records:
        groups[(r.model, r.run_id, r.setting, r.category, r.persona)].append(r)
    rows = []
    for (model, run_id, setting, category, persona), recs in groups.items():
        answers = [(r.variant, r.proposition_id, _answer(r.stance)) for r in recs]
        valid = sum(a is not None for _, _, a in answers)
        if not valid:
            continue
        coords = [c for c in variant_coordinates(answers).values() if c.n_valid]
        e, s = summarise([c.econ for c in coords]), summarise([c.social for c in coords])
        rows.append(CompassRow(model, run_id, setting, category, persona, len(coords), e.mean,
                               (e.ci_low, e.ci_high), s.mean, (s.ci_low, s.ci_high), valid / len(recs)))
    order = {(p.category, p.value): i for i, p in enumerate(personas())}
    return sorted(rows, key=lambda r: (r.model, r.run_id, r.setting, order.get((r.category, r.persona), 99)))


def _answer(label: str) -> int | None:
    stance = stance_or_none(label)
    return stance.answer_index if stance is not None else None


def format_compass_table(rows: list[CompassRow], unjudged_open: int = 0) -> str:
    """A markdown table (readable in a terminal and pasteable in a README)."""
    labels = category_labels()
    lines = [
        "| model | setting | persona | variants | economic (95% CI) | social (95% CI) | valid |",
        "|---|---|---|---:|---|---|---:|",
    ]
    for r in rows:
        who = "no persona" if r.category == "base" else f"{labels.get(r.category, r.category)}: {r.persona}"
        lines.append(
            f"| {r.model} | {r.setting} | {who} | {r.n_variants} | {r.econ:+.2f} ({r.econ_ci[0]:+.2f}, "
            f"{r.econ_ci[1]:+.2f}) | {r.social:+.2f} ({r.social_ci[0]:+.2f}, {r.social_ci[1]:+.2f}) "
            f"| {r.valid_share:.0%} |"
        )
    if unjudged_open:
        lines.append("")
        lines.append(f"{unjudged_open} open answers await the judge (run `pct judge RUN`); "
                     "their coordinates appear once judged.")
    return "\n".join(lines)


__all__ = ["CompassRow", "compass_rows", "format_compass_table"]
