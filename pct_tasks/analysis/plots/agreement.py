"""Closed vs open figures: stance shares per proposition, and mean TVD per persona value."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pct_tasks.analysis.agreement import CLASSES
from pct_tasks.analysis.display import category_label, persona_label, persona_rank
from pct_tasks.analysis.plots.style import (
    PAGE_WIDTH,
    STANCE_COLOURS,
    category_style,
    new_figure,
    plain,
    styled,
)


@styled
def plot_stance_bars(shares: pd.DataFrame, *, title: str | None = None, width: float = PAGE_WIDTH) -> Any:
    """Stacked stance shares per proposition: closed above, open below, same order.

    Args:
        shares: rows of ``analysis.agreement.stance_shares`` of ONE run: columns setting,
            proposition_id and one share column per class in ``CLASSES``.
        title: the figure title.
        width: figure width in inches.

    Returns:
        A Figure with two panels sharing the x axis (propositions in PCT order).
    """
    fig = new_figure(width, 3.2)
    axes = fig.subplots(2, 1, sharex=True)
    props = sorted(shares["proposition_id"].unique())
    for ax, setting in zip(axes, ("closed", "open"), strict=True):
        rows = shares[shares["setting"] == setting].set_index("proposition_id").reindex(props)
        bottom = np.zeros(len(props))
        for cls in CLASSES:
            vals = rows[cls].fillna(0).to_numpy(float) if cls in rows else np.zeros(len(props))
            ax.bar(range(len(props)), vals, bottom=bottom, width=0.85, color=STANCE_COLOURS[cls],
                   label=cls.replace("_", " "), linewidth=0)
            bottom += vals
        ax.set_ylim(0, 1)
        ax.set_ylabel(f"{setting}\nshare")
        if rows[list(CLASSES)].isna().all().all():
            ax.text(0.5, 0.5, f"no {setting} answers with a stance (judge labels missing?)",
                    transform=ax.transAxes, ha="center", va="center")
    axes[-1].set_xticks(range(len(props)))
    axes[-1].set_xticklabels([str(p) for p in props], fontsize=4.5)
    axes[-1].set_xlabel("proposition (PCT order)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(CLASSES), frameon=False)
    if title:
        fig.suptitle(plain(title))
    return fig


@styled
def plot_tvd(tvd: pd.DataFrame, *, title: str | None = None, width: float = PAGE_WIDTH) -> Any:
    """Mean closed-vs-open TVD per persona value with its 95% interval (a bar per model).

    Args:
        tvd: ``analysis.agreement.closed_open_tvd``: columns model, category, persona, tvd and
            (optional) tvd_ci_low, tvd_ci_high.

    Returns:
        A Figure: persona values in natural order (base first) along x, bars coloured by
        category (legend), one shade per model, error bars for the interval; the y axis
        from 0 to a little above the highest interval.
    """
    fig = new_figure(width, 2.8)
    ax = fig.add_subplot()
    keys = sorted(dict.fromkeys(zip(tvd["category"], tvd["persona"], strict=True)),
                  key=lambda k: persona_rank(*k))
    models = list(dict.fromkeys(tvd["model"]))
    bar_w = 0.8 / max(len(models), 1)
    for m, model in enumerate(models):
        rows = tvd[tvd["model"] == model].set_index(["category", "persona"])
        x = np.arange(len(keys)) + (m - (len(models) - 1) / 2) * bar_w
        vals = np.array([rows["tvd"].get(k, np.nan) for k in keys], dtype=float)
        ax.bar(x, vals, width=bar_w, color=[category_style(c)[0] for c, _ in keys],
               alpha=1.0 - 0.5 * m / max(len(models), 1), edgecolor="black", linewidth=0.3)
        if {"tvd_ci_low", "tvd_ci_high"} <= set(rows.columns):
            low = np.array([rows["tvd_ci_low"].get(k, np.nan) for k in keys], dtype=float)
            high = np.array([rows["tvd_ci_high"].get(k, np.nan) for k in keys], dtype=float)
            ax.errorbar(x, vals, yerr=[vals - low, high - vals], fmt="none", ecolor="black",
                        elinewidth=0.6, capsize=1.5)
    ax.set_xticks(range(len(keys)))
    ax.set_xticklabels([plain(persona_label(c, p)) for c, p in keys], rotation=60, ha="right")
    ax.set_ylabel("mean TVD, closed vs open")
    ax.set_ylim(0, _top(tvd))
    fig.legend(handles=_tvd_legend(keys, models), frameon=False, loc="outside right upper")
    if title:
        ax.set_title(plain(title))
    return fig


def _top(tvd: pd.DataFrame) -> float:
    col = "tvd_ci_high" if "tvd_ci_high" in tvd else "tvd"
    top = float(np.nanmax(tvd[col].to_numpy(float))) if len(tvd) else 1.0
    return min(1.0, max(0.05, top * 1.25))


def _tvd_legend(keys: list[tuple[str, str]], models: list[str]) -> list[Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=category_style(c)[0], edgecolor="black", linewidth=0.3,
                     label=category_label(c)) for c in dict.fromkeys(c for c, _ in keys)]
    if len(models) > 1:
        handles += [Patch(facecolor="0.4", alpha=1.0 - 0.5 * m / len(models), label=plain(model))
                    for m, model in enumerate(models)]
    handles.append(Line2D([], [], color="black", lw=0.6, label="95% CI over propositions"))
    return handles


__all__ = ["plot_stance_bars", "plot_tvd"]
