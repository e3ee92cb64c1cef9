"""Compass coordinates and their uncertainty, as tables.

All coordinates come from :mod:`pct_tasks.tasks.scoring` (the one implementation of the PCT
formula); this module only groups samples into variants and summarises them.

Tables (one row per ...):

* :func:`variant_table`: run x setting x persona x template (a prompt variant).
* :func:`persona_table`: run x setting x persona value, mean over templates with a seeded
  percentile bootstrap interval over templates; :func:`format_persona_table` prints it
  (``pct compass``), ``pct report`` writes it.
* :func:`run_table`: run x setting, over the persona variants, with the base case beside it.
* :func:`stance_table`: run x setting x proposition x stance label, counts and shares.
* :func:`rate_table`: run x setting: answer, refusal, invalid, none and judged rates.

Only complete variants reach these tables (``frame.load_runs`` leaves the others out).
Open-setting coordinates exist only for judged answers; a variant with no judged answer
gets no row.
"""

from __future__ import annotations

import pandas as pd

from pct_tasks.analysis.display import sort_personas
from pct_tasks.analysis.frame import ANSWER_INDEX, UNJUDGED, RunData
from pct_tasks.labels import Stance
from pct_tasks.tasks import scoring
from pct_tasks.tasks.data import category_labels

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
    """Per persona value (base included): mean coordinates and a bootstrap interval over templates.

    Rows are in run and setting order, then persona values in their natural order with the base
    case first (``display.sort_personas``, the order the report uses); ``answer_rate`` is the
    share of the value's answers that are one of the four compass answers.
    """
    rows = []
    for keys, group in variants.groupby(PERSONA_KEYS, sort=True):
        row = dict(zip(PERSONA_KEYS, keys, strict=True))
        row["model"] = group["model"].iloc[0]
        for axis in AXES:
            row.update(_summary_columns(group[axis], axis, n_boot, seed))
        row["n_templates"] = len(group)
        row["answer_rate"] = float(group["n_valid"].sum() / group["n_docs"].sum())
        rows.append(row)
    cols = ["run_id", "model", "setting", "category", "persona"]
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out = sort_personas(out, before=("run_id", "setting"))
    return out[cols + [c for c in out.columns if c not in cols]].reset_index(drop=True)


def format_persona_table(personas_: pd.DataFrame, *, unjudged_open: int = 0) -> str:
    """The per-persona table as markdown (readable in a terminal, pasteable in a README)."""
    labels = category_labels()
    lines = [
        "| model | setting | persona | templates | economic (95% CI) | social (95% CI) | answers |",
        "|---|---|---|---:|---|---|---:|",
    ]
    for r in personas_.itertuples(index=False):
        who = "no persona" if r.category == "base" else f"{labels.get(r.category, r.category)}: {r.persona}"
        lines.append(
            f"| {r.model} | {r.setting} | {who} | {r.n_templates} | {r.econ_mean:+.2f} "
            f"({r.econ_ci_low:+.2f}, {r.econ_ci_high:+.2f}) | {r.social_mean:+.2f} "
            f"({r.social_ci_low:+.2f}, {r.social_ci_high:+.2f}) | {r.answer_rate:.0%} |"
        )
    if unjudged_open:
        lines += ["", f"{unjudged_open} open answers await the judge (run `pct judge RUN`); "
                  "their coordinates appear once judged."]
    return "\n".join(lines)


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
    """Per run and setting: the shares of answers of each kind (the project's one vocabulary).

    ``answer_rate``: one of the four compass answers; ``refusal_rate``; ``invalid_rate`` (no
    single option could be read); for closed answers these three sum to 1. Open answers also
    have ``none_rate`` (the judge found no side) and ``judged_rate`` (the share carrying a
    judge's label or a parser-detected refusal or invalid answer).
    """
    s = data.samples
    st = s["stance"].astype(str)
    flags = pd.DataFrame({
        "run_id": s["run_id"].astype(str),
        "setting": s["setting"].astype(str),
        "answer": st.map(ANSWER_INDEX).notna(),
        "refusal": st == Stance.REFUSAL.value,
        "invalid": st == Stance.INVALID.value,
        "none": st == Stance.NONE.value,
        "judged": st != UNJUDGED,
    })
    out = flags.groupby(["run_id", "setting"], sort=True).agg(
        n=("answer", "size"),
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
    "format_persona_table",
    "persona_table",
    "rate_table",
    "run_table",
    "stance_table",
    "variant_table",
]
