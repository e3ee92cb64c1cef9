"""Coefficient heatmap: models x persona values, non-significant cells blank."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pct_tasks.analysis.display import AXIS_LABELS, category_label, persona_label, persona_rank
from pct_tasks.analysis.plots.style import PAGE_WIDTH, new_figure, plain, styled


@styled
def plot_effect_heatmap(
    effects: pd.DataFrame,
    *,
    axis: str,
    setting: str = "closed",
    title: str | None = None,
    annotate: bool = True,
    width: float = PAGE_WIDTH,
) -> Any:
    """Heatmap of persona effects on one axis.

    Args:
        effects: an effects table (``analysis.effects.ols_effects`` or ``mixed_effects``):
            columns model, setting, category, persona, axis, coef, significant.
        axis: "econ" or "social".
        setting: which setting's effects to show.
        title: the figure title.
        annotate: write the coefficient in each significant cell.
        width: figure width in inches.

    Returns:
        A Figure with one row per model and one column per persona value (grouped by
        category), coloured by the coefficient on a diverging scale centred on zero; cells
        whose effect is not significant are left blank.
    """
    from matplotlib.colors import TwoSlopeNorm

    sub = effects[(effects["axis"] == axis) & (effects["setting"] == setting)]
    columns = sorted(dict.fromkeys(zip(sub["category"], sub["persona"], strict=True)),
                     key=lambda k: persona_rank(*k))
    models = list(dict.fromkeys(sub["model"]))
    grid = np.full((len(models), len(columns)), np.nan)
    for rec in sub.itertuples(index=False):
        if rec.significant:
            grid[models.index(rec.model), columns.index((rec.category, rec.persona))] = rec.coef
    height = 1.0 + 0.28 * max(len(models), 1)
    fig = new_figure(width, height + 0.9)
    ax = fig.add_subplot()
    finite = grid[np.isfinite(grid)]
    limit = float(np.abs(finite).max()) if finite.size else 1.0
    norm = TwoSlopeNorm(vmin=-limit, vcenter=0.0, vmax=limit)
    image = ax.imshow(np.ma.masked_invalid(grid), cmap="RdBu_r", norm=norm, aspect="auto")
    ax.set_xticks(range(len(columns)))
    ax.set_xticklabels([plain(persona_label(c, p)) for c, p in columns], rotation=60, ha="right")
    ax.set_yticks(range(len(models)))
    ax.set_yticklabels([plain(m) for m in models])
    # Thin separators and labels between persona categories.
    cats = [c for c, _ in columns]
    for j in range(1, len(cats)):
        if cats[j] != cats[j - 1]:
            ax.axvline(j - 0.5, color="0.4", lw=0.6)
    starts = [j for j in range(len(cats)) if j == 0 or cats[j] != cats[j - 1]]
    for k, j in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(cats)
        ax.text((j + end - 1) / 2, -0.7, category_label(cats[j]), ha="center", va="bottom",
                fontsize=6)
    if annotate:
        for i in range(len(models)):
            for j in range(len(columns)):
                if np.isfinite(grid[i, j]):
                    ax.text(j, i, f"{grid[i, j]:.1f}", ha="center", va="center", fontsize=5,
                            color="white" if abs(grid[i, j]) > 0.6 * limit else "black")
    ax.set_ylim(len(models) - 0.5, -1.2)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    fig.colorbar(image, ax=ax, shrink=0.8, label=f"{AXIS_LABELS.get(axis, axis)} shift vs no persona")
    if title:
        fig.suptitle(plain(title))
    return fig


__all__ = ["plot_effect_heatmap"]
