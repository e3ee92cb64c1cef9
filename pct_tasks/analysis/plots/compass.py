"""The compass plot of one run and setting."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pct_tasks.analysis.display import category_label, category_order, persona_label
from pct_tasks.analysis.plots.style import COLUMN_WIDTH, category_style, new_figure, plain, styled

#: Quadrant shading in the politicalcompass.org colours (authoritarian left red, authoritarian
#: right blue, libertarian left green, libertarian right purple), kept light.
QUADRANTS = (
    ((-10, 0), (0, 10), "#f4a6a6"),
    ((0, 10), (0, 10), "#a6c8f4"),
    ((-10, 0), (-10, 0), "#b8e6b0"),
    ((0, 10), (-10, 0), "#d7bdf0"),
)


@styled
def plot_compass(
    variants: pd.DataFrame,
    *,
    personas: pd.DataFrame | None = None,
    title: str | None = None,
    width: float = COLUMN_WIDTH,
) -> Any:
    """Compass plot of one run and setting.

    Args:
        variants: rows of the variant table (``analysis.compass.variant_table``) of ONE run
            and setting: columns category, persona, template_id, econ, social.
        personas: the matching rows of ``analysis.compass.persona_table`` (means and 95%
            intervals over templates); without it the means are computed here, with no interval.
        title: the axes title (e.g. the model and setting).
        width: figure width in inches (the default fits one paper column).

    Returns:
        A matplotlib Figure: shaded quadrants on [-10, 10]; per persona value a small faint
        point per template and a large point for its mean over templates with its 95%
        interval on both axes, named where it stands apart from the others; colour and shape by category, the base case as a black
        star. Persona values are never pooled: opposite personas stay apart.
    """
    fig = new_figure(width, width + 0.55)
    ax = fig.add_subplot()
    _quadrants(ax)
    means = personas if personas is not None else _means(variants)
    categories = list(dict.fromkeys(c for c in category_order() if c in set(variants["category"])))
    for i, category in enumerate(categories):
        colour, marker = category_style(category, i)
        rows = variants[variants["category"] == category]
        ax.scatter(rows["econ"], rows["social"], s=6, c=colour, marker=marker, alpha=0.3,
                   linewidths=0, zorder=2)
        for rec in means[means["category"] == category].itertuples(index=False):
            _mean_point(ax, rec, colour, marker)
    _label_apart(ax, means)
    ax.set_xlim(-10, 10)
    ax.set_ylim(-10, 10)
    ax.set_aspect("equal")
    ax.set_xticks(range(-10, 11, 5))
    ax.set_yticks(range(-10, 11, 5))
    ax.set_xlabel("Economic (left \u2190 \u2192 right)")
    ax.set_ylabel("Social (libertarian \u2190 \u2192 authoritarian)")
    if title:
        ax.set_title(plain(title))
    if len(variants):
        fig.legend(handles=_legend_handles(categories), loc="outside lower center", ncol=3,
                   frameon=False, handletextpad=0.3, columnspacing=0.8)
    return fig


def _quadrants(ax) -> None:
    from matplotlib.patches import Rectangle

    for (x0, x1), (y0, y1), colour in QUADRANTS:
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, color=colour, alpha=0.35, lw=0, zorder=0))
    ax.axhline(0, color="0.3", lw=0.6, zorder=1)
    ax.axvline(0, color="0.3", lw=0.6, zorder=1)


def _means(variants: pd.DataFrame) -> pd.DataFrame:
    grouped = variants.groupby(["category", "persona"], sort=False)[["econ", "social"]].mean()
    return grouped.rename(columns={"econ": "econ_mean", "social": "social_mean"}).reset_index()


def _mean_point(ax, rec, colour: str, marker: str) -> None:
    x, y = float(rec.econ_mean), float(rec.social_mean)
    low_high = [getattr(rec, f, None) for f in ("econ_ci_low", "econ_ci_high", "social_ci_low",
                                                 "social_ci_high")]
    if all(v is not None and np.isfinite(v) for v in low_high):
        xl, xh, yl, yh = (float(v) for v in low_high)
        ax.errorbar([x], [y], xerr=[[x - xl], [xh - x]], yerr=[[y - yl], [yh - y]], fmt="none",
                    ecolor=colour, elinewidth=0.7, capsize=0, zorder=3)
    ax.scatter([x], [y], s=30 if rec.category != "base" else 50, c=colour, marker=marker,
               edgecolors="black", linewidths=0.5, zorder=4)


def _label_apart(ax, means: pd.DataFrame, gap: float = 1.2) -> None:
    """Name the persona values whose point stands apart (outermost first); points in a crowd
    near the centre stay unnamed rather than unreadable (the table beside has them all)."""
    placed: list[tuple[float, float]] = []
    recs = sorted(means.itertuples(index=False),
                  key=lambda r: -(float(r.econ_mean) ** 2 + float(r.social_mean) ** 2))
    for rec in recs:
        x, y = float(rec.econ_mean), float(rec.social_mean)
        if not (np.isfinite(x) and np.isfinite(y)):
            continue
        if all((x - px) ** 2 + (y - py) ** 2 >= gap ** 2 for px, py in placed):
            ax.annotate(plain(persona_label(rec.category, rec.persona)), (x, y), xytext=(3, 3),
                        textcoords="offset points", fontsize=4.5, color="0.15", zorder=5)
        placed.append((x, y))


def _legend_handles(categories: list[str]) -> list[Any]:
    from matplotlib.lines import Line2D

    handles = []
    for i, category in enumerate(categories):
        colour, marker = category_style(category, i)
        handles.append(Line2D([], [], ls="none", marker=marker, color=colour, markeredgecolor="black",
                              markeredgewidth=0.5, markersize=5, label=category_label(category)))
    handles.append(Line2D([], [], ls="none", marker="o", color="0.6", alpha=0.5, markersize=2.5,
                          label="one template"))
    handles.append(Line2D([], [], ls="-", lw=0.7, marker="o", color="0.3", markeredgecolor="black",
                          markersize=5, label="mean over templates, 95% CI"))
    return handles


__all__ = ["QUADRANTS", "plot_compass"]
