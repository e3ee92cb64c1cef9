"""Coarse analysis of logged runs: coordinates with intervals, demographic effects, closed vs open.

Start from :func:`load_runs` (samples of one or many runs, judge labels where present); every
other function takes its :class:`RunData` or one of the tables built from it.
"""

from pct_tasks.analysis.agreement import closed_open_tvd, stance_shares
from pct_tasks.analysis.compass import (
    format_persona_table,
    persona_table,
    rate_table,
    run_table,
    stance_table,
    variant_table,
)
from pct_tasks.analysis.effects import mixed_effects, ols_effects
from pct_tasks.analysis.frame import RunData, load_runs

__all__ = [
    "RunData",
    "closed_open_tvd",
    "format_persona_table",
    "load_runs",
    "mixed_effects",
    "ols_effects",
    "persona_table",
    "rate_table",
    "run_table",
    "stance_shares",
    "stance_table",
    "variant_table",
]
