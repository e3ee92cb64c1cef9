"""Demographic effects: how far each persona value moves a model on the compass.

Two models, reported side by side:

* **OLS per (run, setting, persona category), the paper's design.** One observation per
  prompt variant (a persona value x template, or a base-case template)::

      coordinate_v = b0 + sum_k b_k [persona_v = k] + e_v

  with the no-persona base case as the reference level, so ``b_k`` is the shift of persona
  value ``k`` against the base case, in compass units. Fitted once per axis. The p-values can
  be corrected with Benjamini-Hochberg (``correction="bh"``) within each (run, setting, axis)
  family; a cell is *significant* when its (corrected) p-value is below ``alpha``.

* **A mixed model per (run, setting, axis), beyond the paper.** One observation per answer
  to a proposition that carries weight on the axis::

      y_vp = b0 + sum_k b_k [persona_v = k] + u_template(v) + w_p + e_vp

  with random intercepts ``u`` for the template and ``w`` for the proposition (crossed,
  fitted as statsmodels MixedLM variance components in one group). ``y_vp`` is the answer's
  term in the PCT formula (the weight of the chosen answer over the axis divisor) times the
  number of propositions on the axis, so that the mean of ``y`` is the coordinate less its
  constant and ``b_k`` reads in compass units, like the OLS coefficient.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pct_tasks.analysis.compass import AXES, answer_indices
from pct_tasks.analysis.frame import RunData
from pct_tasks.tasks.data import propositions, scoring_constants

CORRECTIONS = ("none", "bh")
BASE = "base"


def _check_correction(correction: str) -> None:
    if correction not in CORRECTIONS:
        from pct_tasks.errors import PctInputError

        raise PctInputError(
            f"unknown multiple-testing correction {correction!r}",
            hint=f"choose one of {', '.join(CORRECTIONS)}",
        )


def _design(labels: Sequence[str], levels: Sequence[str]) -> np.ndarray:
    """Intercept plus one dummy column per non-reference level."""
    labels = np.asarray(labels, dtype=object)
    cols = [np.ones(len(labels))] + [(labels == lv).astype(float) for lv in levels]
    return np.column_stack(cols)


def ols_effects(
    variants: pd.DataFrame, *, correction: str = "none", alpha: float = 0.05
) -> pd.DataFrame:
    """OLS of each coordinate on the persona value, base case as reference.

    Args:
        variants: the variant table (``compass.variant_table``).
        correction: "none" or "bh" (Benjamini-Hochberg within run x setting x axis).
        alpha: significance level for the ``significant`` column.

    Returns:
        One row per (run, setting, category, persona value, axis): coef, se, t, p, p_adj,
        ci_low, ci_high (95%), significant, n (variants in the fit), base_mean. Categories
        without base-case variants in the run are skipped (no reference level).
    """
    import statsmodels.api as sm

    _check_correction(correction)
    rows = []
    for (run_id, setting), group in variants.groupby(["run_id", "setting"], sort=True):
        base = group[group["category"] == BASE]
        if len(base) < 2:
            continue
        for category, cat_rows in group[group["category"] != BASE].groupby("category", sort=True):
            levels = sorted(cat_rows["persona"].unique())
            fit_rows = pd.concat([base, cat_rows])
            X = _design(np.where(fit_rows["category"] == BASE, BASE, fit_rows["persona"]), levels)
            for axis in AXES:
                y = fit_rows[axis].to_numpy(dtype=float)
                res = sm.OLS(y, X).fit()
                ci = np.asarray(res.conf_int(0.05))
                # A category whose answers never vary (or a perfect fit) has no usable se.
                with np.errstate(invalid="ignore", divide="ignore"):
                    for j, level in enumerate(levels, start=1):
                        rows.append({
                            "run_id": run_id, "model": group["model"].iloc[0], "setting": setting,
                            "category": category, "persona": level, "axis": axis,
                            "coef": float(res.params[j]), "se": float(res.bse[j]),
                            "t": float(res.tvalues[j]), "p": float(res.pvalues[j]),
                            "ci_low": float(ci[j, 0]), "ci_high": float(ci[j, 1]),
                            "n": int(len(y)), "base_mean": float(res.params[0]),
                        })
    out = pd.DataFrame(rows, columns=[
        "run_id", "model", "setting", "category", "persona", "axis", "coef", "se", "t", "p",
        "ci_low", "ci_high", "n", "base_mean"])
    return adjust_pvalues(out, correction=correction, alpha=alpha)


def adjust_pvalues(
    table: pd.DataFrame, *, correction: str = "none", alpha: float = 0.05,
    family: Sequence[str] = ("run_id", "setting", "axis"),
) -> pd.DataFrame:
    """Add ``p_adj`` and ``significant``; BH is applied within each ``family`` of tests."""
    from statsmodels.stats.multitest import multipletests

    _check_correction(correction)
    table = table.copy()
    table["p_adj"] = table["p"].astype(float)
    if correction == "bh" and len(table):
        for _, idx in table.groupby(list(family), sort=False).groups.items():
            p = table.loc[idx, "p"].to_numpy(dtype=float)
            ok = np.isfinite(p)
            adj = np.full_like(p, np.nan)
            if ok.any():
                adj[ok] = multipletests(p[ok], method="fdr_bh")[1]
            table.loc[idx, "p_adj"] = adj
    table["significant"] = table["p_adj"].fillna(1.0) < alpha
    table["correction"] = correction
    return table


def answer_terms(data: RunData, axis: str) -> pd.DataFrame:
    """Per-answer observations for the mixed model: one row per scored answer on ``axis``.

    Columns: run_id, model, setting, category, persona (``category=value`` or "base"),
    template_id, proposition_id, y (the answer's term x the number of axis propositions).
    """
    if axis not in AXES:
        raise ValueError(f"axis must be one of {AXES}, got {axis!r}")
    weights = np.array([p.econ_weights if axis == "econ" else p.social_weights
                        for p in propositions()], dtype=float)
    c = scoring_constants()
    divisor = c.econ_divisor if axis == "econ" else c.social_divisor
    on_axis = np.flatnonzero(np.abs(weights).sum(axis=1) > 0)
    s = data.samples
    idx = answer_indices(s["stance"])
    keep = idx.notna() & s["proposition_id"].isin(on_axis)
    s = s[keep]
    a = idx[keep].to_numpy(dtype=int)
    pid = s["proposition_id"].to_numpy(dtype=int)
    y = weights[pid, a] / divisor * len(on_axis)
    persona = np.where(s["category"].astype(str) == BASE, BASE,
                       s["category"].astype(str) + "=" + s["persona"].astype(str))
    return pd.DataFrame({
        "run_id": s["run_id"].astype(str).to_numpy(),
        "setting": s["setting"].astype(str).to_numpy(),
        "category": s["category"].astype(str).to_numpy(),
        "persona": persona,
        "template_id": s["template_id"].to_numpy(dtype=int),
        "proposition_id": pid,
        "y": y,
    })


def mixed_effects(data: RunData, *, correction: str = "none", alpha: float = 0.05) -> pd.DataFrame:
    """The mixed model per (run, setting, axis); one row per persona value, like ``ols_effects``.

    Returns:
        Columns run_id, model, setting, category, persona, axis, coef, se, z, p, ci_low,
        ci_high, n, var_template, var_proposition, var_residual, converged, p_adj,
        significant. Runs without base-case answers in a setting are skipped.
    """
    _check_correction(correction)
    labels = {rid: data.label(rid) for rid in data.runs}
    rows = []
    for axis in AXES:
        terms = answer_terms(data, axis)
        for (run_id, setting), g in terms.groupby(["run_id", "setting"], sort=True):
            if not (g["persona"] == BASE).any() or g["persona"].nunique() < 2:
                continue
            rows.extend(_fit_mixed(g, axis, run_id, labels.get(run_id, run_id), setting))
    out = pd.DataFrame(rows, columns=[
        "run_id", "model", "setting", "category", "persona", "axis", "coef", "se", "z", "p",
        "ci_low", "ci_high", "n", "var_template", "var_proposition", "var_residual", "converged"])
    out = out.rename(columns={"z": "t"})
    return adjust_pvalues(out, correction=correction, alpha=alpha)


def _fit_mixed(g: pd.DataFrame, axis: str, run_id: str, model: str, setting: str) -> list[dict]:
    import scipy.sparse as sparse
    from statsmodels.regression.mixed_linear_model import MixedLM, VCSpec

    levels = sorted(p for p in g["persona"].unique() if p != BASE)
    X = _design(g["persona"].to_numpy(), levels)
    # Crossed random intercepts = variance components in a single group. Sparse indicator
    # matrices and Powell's method make this ~15x faster than dense matrices with L-BFGS
    # (which also stopped short of the optimum on the synthetic runs).
    # A factor with one level (the quick subset has one template) has no variance to
    # estimate, and statsmodels cannot fit a component of one column: leave it out.
    names, mats, colnames = [], [], []
    for name, col in (("template", "template_id"), ("proposition", "proposition_id")):
        codes, uniques = pd.factorize(g[col], sort=True)
        if len(uniques) < 2:
            continue
        ind = sparse.csr_matrix((np.ones(len(g)), (np.arange(len(g)), codes)),
                                shape=(len(g), len(uniques)))
        names.append(name)
        mats.append([ind])
        colnames.append([[str(u) for u in uniques]])
    if not names:
        return []
    vcs = VCSpec(names, [c[0:1] for c in colnames], mats)
    model_ = MixedLM(g["y"].to_numpy(dtype=float), X, groups=np.zeros(len(g)), exog_vc=vcs)
    with warnings.catch_warnings():
        # Boundary fits (a variance near zero) are expected, e.g. a template-free respondent.
        warnings.simplefilter("ignore")
        try:
            res = model_.fit(reml=True, method=["powell", "bfgs"])
        except (ValueError, np.linalg.LinAlgError):
            return []  # a design the model cannot fit (e.g. a persona level without answers)
    params = np.asarray(res.fe_params)
    bse = np.asarray(res.bse_fe)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = params / bse
    from scipy.stats import norm

    p = 2 * norm.sf(np.abs(z))
    vc = dict(zip(model_.exog_vc.names, np.asarray(res.vcomp), strict=True))
    out = []
    for j, level in enumerate(levels, start=1):
        category, _, value = level.partition("=")
        out.append({
            "run_id": run_id, "model": model, "setting": setting, "category": category,
            "persona": value, "axis": axis, "coef": float(params[j]), "se": float(bse[j]),
            "z": float(z[j]), "p": float(p[j]),
            "ci_low": float(params[j] - 1.959964 * bse[j]),
            "ci_high": float(params[j] + 1.959964 * bse[j]),
            "n": int(len(g)), "var_template": float(vc.get("template", np.nan)),
            "var_proposition": float(vc.get("proposition", np.nan)),
            "var_residual": float(res.scale), "converged": bool(res.converged),
        })
    return out


__all__ = ["CORRECTIONS", "adjust_pvalues", "answer_terms", "mixed_effects",
           "ols_effects"]
