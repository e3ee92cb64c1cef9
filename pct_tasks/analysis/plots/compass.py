"""The compass plot of one run and setting."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pct_tasks.analysis.plots.style import COLUMN_WIDTH, category_label, category_style, new_figure, plain, styled

#: Quadrant shading in the politicalcompass.org colours (authoritarian left red, authoritarian
#: right blue, libertarian left green, libertarian right purple), kept light.
QUADRANTS = (
    ((-10, 0), (0, 10), "#f4a6a6"),
    ((0, 10), (0, 10), "#a6c8f4"),
    ((-10, 0), (-10, 0), "#b8e6b0"),
    ((0, 10), (-10, 0), "#d7bdf0"),
)


def confidence_ellipse(x: np.ndarray, y: np.ndarray, level: float = 0.95) -> tuple[float, float, float] | None:
    """Width, height and angle (degrees) of the confidence ellipse of the mean of (x, y).

    The ellipse is ``{m : (m - mean)' (S/n)^-1 (m - mean) <= chi2_2(level)}`` with ``S`` the
    sample covariance; None for fewer than three points or a degenerate covariance.
    """
    n = len(x)
    if n < 3:
        return None
    cov = np.cov(np.vstack([x, y])) / n
    if not np.all(np.isfinite(cov)):
        return None
    vals, vecs = np.linalg.eigh(cov)
    if vals.min() < 0:
        vals = np.clip(vals, 0, None)
    k = -2 * np.log(1 - level)  # chi2 quantile with 2 degrees of freedom
    width, height = 2 * np.sqrt(k * vals[::-1])
    angle = float(np.degrees(np.arctan2(vecs[1, -1], vecs[0, -1])))
    return float(width), float(height), angle


@styled
def plot_compass(
    variants: pd.DataFrame,
    *,
    title: str | None = None,
    level: float = 0.95,
    width: float = COLUMN_WIDTH,
) -> Any:
    """Compass plot of one run and setting.

    Args:
        variants: rows of the variant table (``analysis.compass.variant_table``) of ONE run
            and setting: columns category, persona, template_id, econ, social.
        title: the axes title (e.g. the model and setting).
        level: coverage of the per-category confidence ellipses of the mean.
        width: figure width in inches (square figure; the default fits one paper column).

    Returns:
        A matplotlib Figure: shaded quadrants on [-10, 10], one point per (persona value,
        template) coloured and shaped by category, the base case as black stars, and per
        category its mean (large marker) with the confidence ellipse of the mean.
    """
    from matplotlib.patches import Ellipse, Rectangle

    fig = new_figure(width, width)
    ax = fig.add_subplot()
    for (x0, x1), (y0, y1), colour in QUADRANTS:
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, color=colour, alpha=0.35, lw=0, zorder=0))
    ax.axhline(0, color="0.3", lw=0.6, zorder=1)
    ax.axvline(0, color="0.3", lw=0.6, zorder=1)
    categories = [c for c in pd.unique(variants["category"]) if c != "base"]
    for i, category in enumerate(categories):
        colour, marker = category_style(category, i)
        rows = variants[variants["category"] == category]
        ax.scatter(rows["econ"], rows["social"], s=9, c=colour, marker=marker, alpha=0.55,
                   linewidths=0, zorder=2, label=category_label(category))
        x, y = rows["econ"].to_numpy(float), rows["social"].to_numpy(float)
        ax.scatter([x.mean()], [y.mean()], s=36, c=colour, marker=marker, edgecolors="black",
                   linewidths=0.6, zorder=4)
        ell = confidence_ellipse(x, y, level)
        if ell is not None:
            w, h, angle = ell
            ax.add_patch(Ellipse((x.mean(), y.mean()), w, h, angle=angle, fill=False,
                                 edgecolor=colour, lw=1.0, zorder=3))
    base = variants[variants["category"] == "base"]
    if len(base):
        colour, marker = category_style("base")
        ax.scatter(base["econ"], base["social"], s=30, c=colour, marker=marker, zorder=5,
                   label=category_label("base"), linewidths=0)
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
        fig.legend(loc="outside lower center", ncol=3, frameon=False, handletextpad=0.2,
                   columnspacing=0.8)
    return fig


__all__ = ["QUADRANTS", "confidence_ellipse", "plot_compass"]
