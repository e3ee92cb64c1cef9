"""The leaderboard: one row per run, for a README, a PR comment or a spreadsheet.

Columns (closed setting unless named otherwise):

* ``model``, ``backend``, ``model_args``, ``run_id``; ``n`` (closed answers scored: the
  documents of the row's complete closed variants, base case included);
* ``answer_rate``, ``refusal_rate``, ``invalid_rate`` (closed answers; they sum to 1);
* ``econ``/``social`` with ``*_ci_low``/``*_ci_high``: mean over persona variants with a
  seeded bootstrap interval over variants; ``econ_spread``/``social_spread``: their standard
  deviation across variants;
* ``persona_sensitivity``: how far personas move the model, the mean over persona values of
  the Euclidean distance between the value's mean position (over templates) and the
  no-persona base case, or, in runs without base-case tasks, the mean position of the
  persona values; ``sensitivity_reference`` says which ("base" or "run mean") per row;
* ``closed_open_tvd``: mean total variation distance between closed and open stance shares
  (needs judged open answers; empty otherwise); ``open_econ``/``open_social`` likewise.

The rows are sorted by ``sort`` (default ``econ``, left to right) and ranked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pct_tasks.analysis import agreement, compass
from pct_tasks.analysis.frame import RunData
from pct_tasks.errors import PctInputError
from pct_tasks.io.outputs import markdown_table
from pct_tasks.tasks import scoring

COLUMNS: tuple[str, ...] = (
    "rank", "model", "backend", "n", "answer_rate", "refusal_rate", "invalid_rate",
    "econ", "econ_ci_low", "econ_ci_high", "social", "social_ci_low", "social_ci_high",
    "econ_spread", "social_spread", "persona_sensitivity", "sensitivity_reference",
    "closed_open_tvd", "open_econ", "open_social", "model_args", "run_id",
)
SORT_KEYS: tuple[str, ...] = (
    "econ", "social", "answer_rate", "refusal_rate", "invalid_rate", "persona_sensitivity",
    "closed_open_tvd", "econ_spread", "social_spread", "model",
)
#: Columns shown in the markdown table (the CSV has them all).
MARKDOWN_COLUMNS: tuple[str, ...] = (
    "rank", "model", "backend", "n", "answer_rate", "refusal_rate", "invalid_rate", "econ",
    "econ_ci", "social", "social_ci", "econ_spread", "social_spread", "persona_sensitivity",
    "sensitivity_reference", "closed_open_tvd",
)
#: ``sensitivity_reference`` values: the no-persona base case, or the persona values' mean.
REFERENCE_BASE, REFERENCE_RUN_MEAN = "base", "run mean"


def persona_sensitivity(personas: pd.DataFrame) -> pd.DataFrame:
    """Per run (closed setting): mean distance of persona-value means from the reference.

    Returns:
        Indexed by run id: ``persona_sensitivity`` and ``sensitivity_reference`` (``"base"``
        when the run has base-case variants, else ``"run mean"``, the mean position of its
        persona values).
    """
    out = {}
    closed = personas[personas["setting"] == "closed"]
    for run_id, rows in closed.groupby("run_id"):
        base = rows[rows["category"] == "base"]
        values = rows[rows["category"] != "base"]
        if values.empty:
            continue
        points = values[["econ_mean", "social_mean"]].to_numpy(float)
        if len(base):
            ref, which = base[["econ_mean", "social_mean"]].to_numpy(float)[0], REFERENCE_BASE
        else:
            ref, which = points.mean(axis=0), REFERENCE_RUN_MEAN
        out[run_id] = (float(np.linalg.norm(points - ref, axis=1).mean()), which)
    return pd.DataFrame.from_dict(out, orient="index",
                                  columns=["persona_sensitivity", "sensitivity_reference"])


def leaderboard(
    data: RunData,
    *,
    sort: str = "econ",
    descending: bool = False,
    variants: pd.DataFrame | None = None,
    n_boot: int = scoring.BOOTSTRAP_ITERS,
    seed: int = scoring.BOOTSTRAP_SEED,
) -> pd.DataFrame:
    """Build the leaderboard table.

    Args:
        data: the runs (``analysis.load_runs``).
        sort: the column to rank by (one of ``SORT_KEYS``).
        descending: rank the largest value first.
        variants: a precomputed variant table (saves recomputing it in ``pct report``).
        n_boot, seed: bootstrap settings for the coordinate intervals.

    Returns:
        One row per run, columns ``COLUMNS``.
    """
    if sort not in SORT_KEYS:
        raise PctInputError(f"cannot sort the leaderboard by {sort!r}",
                            hint=f"choose one of {', '.join(SORT_KEYS)}")
    if variants is None:
        variants = compass.variant_table(data)
    runs = compass.run_table(variants, n_boot=n_boot, seed=seed)
    if "run_id" not in runs.columns:  # no complete variant at all (e.g. only unjudged open answers)
        runs = pd.DataFrame(columns=["run_id", "setting"])
    personas = compass.persona_table(variants, n_boot=200, seed=seed)
    rates = compass.rate_table(data)
    sens = persona_sensitivity(personas) if len(personas) else persona_sensitivity(
        pd.DataFrame(columns=["run_id", "setting", "category", "econ_mean", "social_mean"]))
    tvd = agreement.run_tvd(agreement.closed_open_tvd(data))

    rows = []
    for run_id, info in data.runs.items():
        closed = runs[(runs["run_id"] == run_id) & (runs["setting"] == "closed")]
        open_ = runs[(runs["run_id"] == run_id) & (runs["setting"] == "open")]
        rate = rates[(rates["run_id"] == run_id) & (rates["setting"] == "closed")]
        row = {
            "model": data.label(run_id),
            "backend": info.get("backend"),
            "n": int(_first(rate, "n")) if len(rate) else 0,
            "answer_rate": _first(rate, "answer_rate"),
            "refusal_rate": _first(rate, "refusal_rate"),
            "invalid_rate": _first(rate, "invalid_rate"),
            "econ": _first(closed, "econ_mean"),
            "econ_ci_low": _first(closed, "econ_ci_low"),
            "econ_ci_high": _first(closed, "econ_ci_high"),
            "social": _first(closed, "social_mean"),
            "social_ci_low": _first(closed, "social_ci_low"),
            "social_ci_high": _first(closed, "social_ci_high"),
            "econ_spread": _first(closed, "econ_spread"),
            "social_spread": _first(closed, "social_spread"),
            "persona_sensitivity": float(sens["persona_sensitivity"].get(run_id, np.nan)),
            "sensitivity_reference": sens["sensitivity_reference"].get(run_id, ""),
            "closed_open_tvd": float(tvd.get(run_id, np.nan)),
            "open_econ": _first(open_, "econ_mean") if data.open_judged(run_id) else np.nan,
            "open_social": _first(open_, "social_mean") if data.open_judged(run_id) else np.nan,
            "model_args": info.get("model_args") or "",
            "run_id": run_id,
        }
        rows.append(row)
    table = pd.DataFrame(rows)
    table = table.sort_values(sort, ascending=not descending, na_position="last", kind="stable")
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.reset_index(drop=True)[list(COLUMNS)]


def _first(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].iloc[0]) if len(frame) and column in frame else float("nan")


def to_markdown(table: pd.DataFrame, *, notes: list[str] | None = None) -> str:
    """The leaderboard as a markdown table (intervals folded into one column per axis)."""
    shown = table.copy()
    for axis in ("econ", "social"):
        shown[f"{axis}_ci"] = [
            "" if np.isnan(lo) else f"[{lo:.2f}, {hi:.2f}]"
            for lo, hi in zip(shown[f"{axis}_ci_low"], shown[f"{axis}_ci_high"], strict=True)
        ]
    for col in ("answer_rate", "refusal_rate", "invalid_rate"):
        shown[col] = [f"{v:.1%}" if v == v else "" for v in shown[col]]
    text = markdown_table(shown[list(MARKDOWN_COLUMNS)])
    legend = (
        "\nn: closed answers scored (complete variants, base case included); answer, refusal "
        "and invalid rates: shares of those answers (they sum to 1); economic and social "
        "coordinates: closed setting, mean over persona variants with a 95% bootstrap "
        "interval; spread: SD across variants; persona sensitivity: mean distance of persona "
        "values from the reference named in its row (base: the no-persona base case; run "
        "mean: the mean of the persona values, for runs without base-case tasks); closed-open "
        "TVD: mean total variation distance of stance shares (needs judged open answers).\n"
    )
    if notes:
        legend += "".join(f"\n- {n}" for n in notes) + "\n"
    return text + legend


__all__ = ["COLUMNS", "REFERENCE_BASE", "REFERENCE_RUN_MEAN", "SORT_KEYS", "leaderboard",
           "persona_sensitivity", "to_markdown"]
