"""How the analysis is shown to a reader: natural order of persona values and human labels.

Tables keep their raw keys in files (``category=cls``, ``econ_ci_low``) so that code can join
them; everything a person reads (the HTML report, figures) goes through this module:

* categories in a fixed order, the no-persona base case first;
* persona values in their natural order (age ascending; class lower to upper; political
  orientation far left to far right; the others as in the study);
* column and category names as words ("Class", "Economic, 95% CI low").
"""

from __future__ import annotations

from functools import cache

import pandas as pd

#: Values whose study order is not their natural order (the rest keep the study order).
NATURAL_ORDER: dict[str, tuple[str, ...]] = {
    "cls": ("lower class", "middle class", "upper middle class", "upper class"),
    "political_orientation": ("far left", "mainstream left", "mainstream right", "far right"),
}

#: Column headers as a reader sees them.
COLUMN_LABELS: dict[str, str] = {
    "model": "Model",
    "setting": "Setting",
    "category": "Category",
    "persona": "Persona",
    "template_id": "Template",
    "proposition_id": "Proposition",
    "proposition": "Proposition",
    "variant": "Variant",
    "stance": "Stance",
    "justification": "Answer (as written)",
    "source": "Source (file:line)",
    "econ": "Economic",
    "social": "Social",
    "econ_mean": "Economic",
    "econ_ci_low": "Econ. CI low",
    "econ_ci_high": "Econ. CI high",
    "social_mean": "Social",
    "social_ci_low": "Social CI low",
    "social_ci_high": "Social CI high",
    "n_templates": "Templates",
    "n": "Answers",
    "axis": "Axis",
    "coef": "Shift",
    "ci_low": "CI low",
    "ci_high": "CI high",
    "p": "p",
    "p_adj": "p (adjusted)",
    "significant": "Significant",
    "var_template": "Var. template",
    "var_proposition": "Var. proposition",
    "converged": "Converged",
    "tvd": "Mean TVD",
    "tvd_ci_low": "TVD CI low",
    "tvd_ci_high": "TVD CI high",
    "tvd_sd": "TVD s.d.",
    "n_propositions": "Propositions",
    "answer_rate": "Compass answer",
    "refusal_rate": "Refusal",
    "invalid_rate": "Unreadable",
    "none_rate": "No stance",
    "judged_rate": "Labelled (judge, refusal or unreadable)",
    "rank": "Rank",
    "backend": "Backend",
    "econ_spread": "Econ. s.d.",
    "social_spread": "Social s.d.",
    "persona_sensitivity": "Persona sensitivity",
    "sensitivity_reference": "Sensitivity reference",
    "closed_open_tvd": "Closed-open TVD",
    "open_econ": "Open econ.",
    "open_social": "Open social",
    "econ_ci": "Economic [95% CI]",
    "social_ci": "Social [95% CI]",
    "coef_ci": "Shift [95% CI]",
    "tvd_ci": "Mean TVD [95% CI]",
}

AXIS_LABELS = {"econ": "Economic", "social": "Social"}


@cache
def _study_order() -> dict[str, tuple[str, ...]]:
    from pct_tasks.tasks.data import personas

    order: dict[str, list[str]] = {}
    for p in personas():
        order.setdefault(p.category, []).append(p.value)
    return {c: tuple(v) for c, v in order.items()}


def category_order() -> tuple[str, ...]:
    """The base case first, then the study's categories in its order."""
    return ("base", *_study_order())


def category_label(category: str) -> str:
    from pct_tasks.tasks.data import category_labels

    return category_labels().get(str(category), str(category))


def persona_label(category: str, persona: str) -> str:
    """"No persona" for the base case, else the value as written ("far left", "48")."""
    return category_label("base") if str(category) == "base" or not persona else str(persona)


def persona_rank(category: str, persona: str) -> tuple[int, float, str]:
    """Sort key of a (category, persona value) pair in the natural order."""
    cats = category_order()
    c = cats.index(category) if category in cats else len(cats)
    values = NATURAL_ORDER.get(category) or _study_order().get(category, ())
    if category == "age":
        try:
            return c, float(persona), ""
        except ValueError:
            pass
    return c, float(values.index(persona)) if persona in values else float(len(values)), str(persona)


def sort_personas(frame: pd.DataFrame, before: tuple[str, ...] = ("model", "setting"),
                  after: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows ordered by ``before`` columns, then persona in natural order, then ``after``."""
    if frame.empty or "category" not in frame:
        return frame
    rank = [persona_rank(c, p) for c, p in zip(frame["category"].astype(str),
                                                   frame["persona"].astype(str), strict=True)]
    keyed = frame.assign(_c=[r[0] for r in rank], _v=[r[1] for r in rank], _s=[r[2] for r in rank])
    by = [c for c in before if c in frame] + ["_c", "_v", "_s"] + [c for c in after if c in frame]
    return keyed.sort_values(by, kind="stable").drop(columns=["_c", "_v", "_s"]).reset_index(drop=True)


def fold_interval(frame: pd.DataFrame, mean: str, low: str, high: str, name: str,
                  fmt: str = ".2f") -> pd.DataFrame:
    """Replace three columns by one "m [low, high]" text column (narrow tables)."""
    text = [("" if m != m else f"{m:{fmt}}") + ("" if lo != lo else f" [{lo:{fmt}}, {hi:{fmt}}]")
            for m, lo, hi in zip(frame[mean], frame[low], frame[high], strict=True)]
    at = list(frame.columns).index(mean)
    out = frame.drop(columns=[mean, low, high])
    out.insert(at, name, text)
    return out


def for_reader(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """``frame`` (optionally only ``columns``) with human category, persona and column labels."""
    out = frame[[c for c in columns if c in frame]] if columns else frame.copy()
    out = out.copy()
    if "category" in out and "persona" in out:
        out["persona"] = [persona_label(c, p) for c, p in zip(out["category"], out["persona"], strict=True)]
    if "category" in out:
        out["category"] = out["category"].astype(str).map(
            lambda c: "" if c == "base" else category_label(c))
    if "axis" in out:
        out["axis"] = out["axis"].map(lambda a: AXIS_LABELS.get(a, a))
    if "sensitivity_reference" in out:
        out["sensitivity_reference"] = out["sensitivity_reference"].map(
            lambda r: {"base": "No persona", "run mean": "Mean of personas"}.get(r, r))
    if "setting" in out:
        out["setting"] = out["setting"].astype(str)
    return out.rename(columns=COLUMN_LABELS)


__all__ = ["AXIS_LABELS", "COLUMN_LABELS", "NATURAL_ORDER", "category_label", "category_order",
           "fold_interval", "for_reader", "persona_label", "persona_rank", "sort_personas"]
