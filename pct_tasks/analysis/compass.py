"""Compass coordinates and their uncertainty, as tables.

All coordinates come from :mod:`pct_tasks.tasks.scoring` (the one implementation of the PCT
formula); this module only groups samples into variants and summarises them.

Tables (one row per ...):

* :func:`variant_table`: run x setting x persona x template (a prompt variant).
* :func:`persona_table`: run x setting x persona value, mean over templates with a seeded
  percentile bootstrap interval over templates.
* :func:`run_table`: run x setting, over the persona variants, with the base case beside it.
* :func:`stance_table`: run x setting x proposition x stance label, counts and shares.
* :func:`rate_table`: run x setting: parse, answer, refusal, invalid and judged rates.

Open-setting coordinates exist only for judged answers; a variant with no judged answer
gets no row.
"""

from __future__ import annotations

import pandas as pd

from pct_tasks.tasks import scoring
from pct_tasks.labels import Stance
from pct_tasks.analysis.frame import ANSWER_INDEX, UNJUDGED, RunData

VARIANT_KEYS = ["run_id", "setting", "category", "persona", "template_id", "variant"]
PERSONA_KEYS = ["run_id", "setting", "category", "persona"]
AXES = ("econ", "social")


def answer_indices(stances: pd.Series) -> pd.Series:
    """Stance labels -> answer index 0..3 (float, NaN for non-answers and unjudged)."""
    return stances.astype(str).map(ANSWER_INDEX).astype(float)


def variant_table(data: RunData) -> pd.DataFrame:
    """Coordinates of every prompt variant of every run.

    Columns: run_id, model, setting, category, persona, template_id, variant, econ, social,
    n_valid (answers scored), n_docs (documents seen), n_unjudged.
    """
    s = data.samples
    idx = answer_indices(s["stance"])
    run_col = s["run_id"].astype(str).to_numpy()
    variant_col = s["variant"].astype(str).to_numpy()
    triples = (
        ((r, v), int(p), None if a != a else int(a))
        for r, v, p, a in zip(run_col, variant_col, s["proposition_id"].to_numpy(), idx.to_numpy(),
                              strict=True)
    )
    coords = scoring.variant_coordinates(triples)
    meta = (
        s.assign(_unjudged=(s["stance"].astype(str) == UNJUDGED))
        .groupby(VARIANT_KEYS, observed=True, sort=True)
        .agg(n_docs=("doc_key", "size"), n_unjudged=("_unjudged", "sum"))
        .reset_index()
    )
    meta = meta[meta["n_docs"] > 0]
    rows = []
    for rec in meta.itertuples(index=False):
        c = coords[(str(rec.run_id), str(rec.variant))]
        rows.append((c.econ, c.social, c.n_valid))
    vals = pd.DataFrame(rows, columns=["econ", "social", "n_valid"], index=meta.index)
    out = pd.concat([meta, vals], axis=1)
    # An open variant without any judged answer has no position, only the formula's constants.
    out = out[out["n_valid"] > 0].copy()
    labels = {rid: data.label(rid) for rid in data.runs}
    out.insert(1, "model", out["run_id"].astype(str).map(labels))
    for c in ("run_id", "setting", "category", "persona", "variant"):
        out[c] = out[c].astype(str)
    out["template_id"] = out["template_id"].astype(int)
    out["n_unjudged"] = out["n_unjudged"].astype(int)
    return out.reset_index(drop=True)[
        ["run_id", "model", "setting", "category", "persona", "template_id", "variant",
         "econ", "social", "n_valid", "n_docs", "n_unjudged"]
    ]


def _summary_columns(values: pd.Series, prefix: str, n_boot: int, seed: int) -> dict[str, float]:
    summ = scoring.summarise(values.to_numpy(), n_boot=n_boot, seed=seed)
    return {
        f"{prefix}_mean": summ.mean,
        f"{prefix}_ci_low": summ.ci_low,
        f"{prefix}_ci_high": summ.ci_high,
        f"{prefix}_se": summ.se,
        f"{prefix}_spread": summ.spread,
    }


def persona_table(
    variants: pd.DataFrame, *, n_boot: int = scoring.BOOTSTRAP_ITERS, seed: int = scoring.BOOTSTRAP_SEED
) -> pd.DataFrame:
    """Per persona value (base included): mean coordinates and a bootstrap interval over templates."""
    rows = []
    for keys, group in variants.groupby(PERSONA_KEYS, sort=True):
        row = dict(zip(PERSONA_KEYS, keys, strict=True))
        row["model"] = group["model"].iloc[0]
        for axis in AXES:
            row.update(_summary_columns(group[axis], axis, n_boot, seed))
        row["n_templates"] = len(group)
        rows.append(row)
    cols = ["run_id", "model", "setting", "category", "persona"]
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out[cols + [c for c in out.columns if c not in cols]]


def run_table(
    variants: pd.DataFrame, *, n_boot: int = scoring.BOOTSTRAP_ITERS, seed: int = scoring.BOOTSTRAP_SEED
) -> pd.DataFrame:
    """Per run and setting: mean over persona variants (bootstrap over variants), base beside it.

    A run without persona variants (a base-only run) is summarised over its base variants.
    """
    rows = []
    for (run_id, setting), group in variants.groupby(["run_id", "setting"], sort=True):
        personas = group[group["category"] != "base"]
        base = group[group["category"] == "base"]
        scope = personas if len(personas) else base
        row = {"run_id": run_id, "model": group["model"].iloc[0], "setting": setting,
               "n_variants": len(scope)}
        for axis in AXES:
            row.update(_summary_columns(scope[axis], axis, n_boot, seed))
            row[f"base_{axis}"] = float(base[axis].mean()) if len(base) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def stance_table(data: RunData) -> pd.DataFrame:
    """Per run, setting and proposition: count and share of each stance label."""
    s = data.samples
    counts = (
        s.groupby(["run_id", "setting", "proposition_id", "stance"], observed=True)
        .size()
        .rename("count")
        .reset_index()
    )
    totals = counts.groupby(["run_id", "setting", "proposition_id"], observed=True)["count"].transform("sum")
    counts["share"] = counts["count"] / totals
    props = s.drop_duplicates("proposition_id").set_index("proposition_id")
    counts.insert(3, "section", counts["proposition_id"].map(props["section"]).astype(str))
    counts.insert(4, "proposition", counts["proposition_id"].map(props["proposition"]).astype(str))
    counts.insert(1, "model", counts["run_id"].astype(str).map({r: data.label(r) for r in data.runs}))
    for c in ("run_id", "setting", "stance"):
        counts[c] = counts[c].astype(str)
    return counts.sort_values(["run_id", "setting", "proposition_id", "stance"]).reset_index(drop=True)


def rate_table(data: RunData) -> pd.DataFrame:
    """Per run and setting: how many answers could be read, were answers, refusals, invalid.

    ``parse_rate`` is the share of samples whose text could be read (everything but
    ``invalid``); ``answer_rate`` the share with one of the four compass answers;
    ``judged_rate`` (open) the share carrying a judge's label or a parser-detected refusal.
    """
    s = data.samples
    st = s["stance"].astype(str)
    flags = pd.DataFrame({
        "run_id": s["run_id"].astype(str),
        "setting": s["setting"].astype(str),
        "parse": st != Stance.INVALID.value,
        "answer": st.map(ANSWER_INDEX).notna(),
        "refusal": st == Stance.REFUSAL.value,
        "invalid": st == Stance.INVALID.value,
        "none": st == Stance.NONE.value,
        "judged": st != UNJUDGED,
    })
    out = flags.groupby(["run_id", "setting"], sort=True).agg(
        n=("parse", "size"),
        parse_rate=("parse", "mean"),
        answer_rate=("answer", "mean"),
        refusal_rate=("refusal", "mean"),
        invalid_rate=("invalid", "mean"),
        none_rate=("none", "mean"),
        judged_rate=("judged", "mean"),
    ).reset_index()
    out.insert(1, "model", out["run_id"].map({r: data.label(r) for r in data.runs}))
    return out


__all__ = [
    "AXES",
    "answer_indices",
    "persona_table",
    "rate_table",
    "run_table",
    "stance_table",
    "variant_table",
]
