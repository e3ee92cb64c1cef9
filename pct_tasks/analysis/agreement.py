"""Closed vs open: does a model say the same thing when it is not handed the four options?

Two views. The stance shares (for the stacked bars) keep five classes: the four compass
answers and ``no_stance`` (invalid, refusal, or an open answer that takes no side). The
distance is the paper's: for each proposition, the total variation distance between the
closed and the open distributions over the three sides {agree, disagree, none} (a stance's
``direction``; invalid and refusal count as none) of the same persona value, pooled over
templates since the two settings use different templates::

    TVD(P, Q) = 1/2 * sum_side |P(side) - Q(side)|     (0 = same shares, 1 = disjoint)

averaged over propositions: the project's one closed-vs-open distance. Open answers need a
judge's labels; unjudged ones are left out, and a run with none judged has no closed-vs-open
result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pct_tasks.analysis.frame import UNJUDGED, RunData
from pct_tasks.labels import ANSWERS, NO_STANCE, Stance
from pct_tasks.tasks.scoring import BOOTSTRAP_ITERS, BOOTSTRAP_SEED, summarise

#: The sides compared by the distance (a stance's ``direction``).
SIDES: tuple[str, ...] = ("agree", "disagree", "none")
#: The classes compared, in display order (disagree side first).
CLASSES: tuple[str, ...] = (*(s.value for s in ANSWERS), NO_STANCE)


def stance_class(stances: pd.Series) -> pd.Series:
    """Stance labels -> the five comparison classes ("unjudged" -> NaN)."""
    answers = {s.value for s in ANSWERS}
    st = stances.astype(str)
    out = st.where(st.isin(answers), NO_STANCE)
    return out.where(st != UNJUDGED)


def stance_shares(data: RunData, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Shares of the five classes per run x setting x proposition (x ``by`` columns).

    Returns:
        A wide table: key columns, then one column per class (shares summing to 1), and
        ``n`` (answers counted).
    """
    s = data.samples
    keys = ["run_id", "setting", *by, "proposition_id"]
    frame = pd.DataFrame({k: s[k].astype(str) if k != "proposition_id" else s[k] for k in keys})
    frame["cls"] = stance_class(s["stance"])
    frame = frame.dropna(subset=["cls"])
    counts = frame.groupby([*keys, "cls"], observed=True).size().unstack("cls", fill_value=0)
    counts = counts.reindex(columns=list(CLASSES), fill_value=0)
    n = counts.sum(axis=1)
    shares = counts.div(n, axis=0)
    shares["n"] = n
    shares = shares.reset_index()
    shares.columns.name = None
    return shares


def closed_open_tvd(data: RunData, *, n_boot: int = BOOTSTRAP_ITERS,
                    seed: int = BOOTSTRAP_SEED) -> pd.DataFrame:
    """Mean TVD between closed and open side shares, per run and persona value.

    Returns:
        Columns run_id, model, category, persona, tvd (mean over propositions), tvd_sd,
        n_propositions, tvd_ci_low, tvd_ci_high (95% bootstrap interval over propositions). Only runs with judged open answers appear.
    """
    shares = stance_shares(data, by=("category", "persona"))
    # Parser-detected refusals aside, an unjudged run's open answers say nothing about stance.
    judged = [r for r in data.runs if data.open_judged(r)]
    shares = shares[shares["run_id"].isin(judged)]
    sides = pd.DataFrame({
        "agree": shares[Stance.AGREE.value] + shares[Stance.STRONGLY_AGREE.value],
        "disagree": shares[Stance.DISAGREE.value] + shares[Stance.STRONGLY_DISAGREE.value],
        "none": shares[NO_STANCE],
    })
    keys = ["run_id", "category", "persona", "proposition_id"]
    sides = pd.concat([shares[[*keys, "setting"]], sides], axis=1)
    closed = sides[sides["setting"] == "closed"].drop(columns="setting")
    open_ = sides[sides["setting"] == "open"].drop(columns="setting")
    both = closed.merge(open_, on=keys, suffixes=("_c", "_o"))
    if both.empty:
        return pd.DataFrame(columns=["run_id", "model", "category", "persona", "tvd", "tvd_sd",
                                     "n_propositions", "tvd_ci_low", "tvd_ci_high"])
    diff = np.abs(both[[f"{c}_c" for c in SIDES]].to_numpy() - both[[f"{c}_o" for c in SIDES]].to_numpy())
    both["tvd"] = 0.5 * diff.sum(axis=1)
    out = both.groupby(["run_id", "category", "persona"], sort=True).agg(
        tvd=("tvd", "mean"), tvd_sd=("tvd", "std"), n_propositions=("tvd", "size")
    ).reset_index()
    # A 95% percentile bootstrap interval of the mean over propositions.
    intervals = both.groupby(["run_id", "category", "persona"], sort=True)["tvd"].apply(
        lambda x: summarise(x.to_numpy(), n_boot=n_boot, seed=seed))
    out["tvd_ci_low"] = [i.ci_low for i in intervals]
    out["tvd_ci_high"] = [i.ci_high for i in intervals]
    out.insert(1, "model", out["run_id"].map({r: data.label(r) for r in data.runs}))
    return out


def run_tvd(per_persona: pd.DataFrame) -> pd.Series:
    """One closed-open distance per run: the mean over its persona values (base included)."""
    return per_persona.groupby("run_id")["tvd"].mean()


__all__ = ["CLASSES", "NO_STANCE", "SIDES", "closed_open_tvd", "run_tvd", "stance_class",
           "stance_shares"]
