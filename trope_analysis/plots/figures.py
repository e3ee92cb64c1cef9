"""The trope figures: bubbles per model by PCT section, persona and model heatmaps, sharing bars."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from pct_tasks.analysis.plots.style import PAGE_WIDTH, new_figure, plain, styled


def _label(text: str, width: int = 70, lines: int = 2) -> str:
    return "\n".join(textwrap.wrap(plain(text), width, max_lines=lines, placeholder=" ..."))


def _section_colours(sections: Sequence[str]) -> dict[str, str]:
    from pct_tasks.tasks.data import sections as pct_sections

    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#999999", "#F0E442"]
    order = list(pct_sections()) + sorted(set(map(str, sections)) - set(pct_sections()))
    return {s: palette[i % len(palette)] for i, s in enumerate(order)}


@styled
def visualize_bubbles(tropes: pd.DataFrame, title: str = "", top_n: int = 30):
    """The ``top_n`` most used tropes, grouped by PCT section: bubble area ~ answers using it.

    Args:
        tropes: rows with ``name``, ``section``, ``side`` and ``uses`` (answers; else ``n_docs``).
        title: figure title.
        top_n: tropes shown.
    """
    col = "uses" if "uses" in tropes.columns else "n_docs"
    top = tropes.rename_axis(None).sort_values([col, "trope_id"], ascending=[False, True], kind="stable").head(top_n)
    colours = _section_colours(tropes["section"].astype(str).tolist())
    top = top.assign(_order=top["section"].astype(str).map(list(colours).index)).sort_values(
        ["_order", col, "trope_id"], ascending=[True, False, True], kind="stable")
    sections = list(dict.fromkeys(top["section"].astype(str)))
    n_lines = len(top) + len(sections)
    fig = new_figure(PAGE_WIDTH, 0.6 + 0.34 * max(n_lines, 2))
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(plain(title), loc="left")
    if top.empty:
        ax.text(0.5, 0.5, "no tropes", ha="center", va="center", transform=ax.transAxes)
        return fig
    biggest, y = float(top[col].max()), 0.0
    for section in sections:
        ax.text(0.0, y, plain(section), fontweight="bold", va="center", ha="left")
        y -= 1
        for _, t in top[top["section"].astype(str) == section].iterrows():
            ax.scatter([0.03], [y], s=20 + 280 * float(t[col]) / biggest, color=colours[section], alpha=0.7,
                       edgecolors="black", linewidths=0.4, clip_on=False)
            ax.text(0.07, y, _label(t["name"], 95), va="center", ha="left", fontsize=6)
            ax.text(1.0, y, f"{int(t[col]):,} ({plain(t['side'])})", va="center", ha="right", fontsize=6)
            y -= 1
    ax.set_xlim(0, 1)
    ax.set_ylim(y + 0.5, 0.5)
    return fig


@styled
def visualize_persona_tropes(over: pd.DataFrame, tropes: pd.DataFrame, top_n: int = 25, alpha: float = 0.05):
    """Persona x trope over-representation: log2 ratio of use rates; dots mark q < ``alpha``.

    Args:
        over: ``sharing.overrepresentation`` rows (attribute "persona").
        tropes: the tropes table (names).
        top_n: tropes shown (those with the most significant cells, then the largest).
    """
    rows = over[over["attribute"] == "persona"]
    sig = rows[rows["q_value"] < alpha].groupby("trope_id").size()
    size = tropes.set_index("trope_id")["size"]
    ids = sorted(rows["trope_id"].unique().tolist(), key=lambda t: (-sig.get(t, 0), -int(size.get(t, 0)), t))[:top_n]
    values = sorted(rows["value"].unique().tolist())
    grid = rows[rows["trope_id"].isin(ids)].pivot_table(index="trope_id", columns="value", values="log2_ratio")
    grid = grid.reindex(index=ids, columns=values)
    qs = rows[rows["trope_id"].isin(ids)].pivot_table(index="trope_id", columns="value", values="q_value")
    qs = qs.reindex(index=ids, columns=values)
    names = tropes.set_index("trope_id")["name"]
    fig = new_figure(PAGE_WIDTH, 1.2 + 0.22 * max(len(ids), 2))
    ax = fig.add_subplot()
    data = grid.to_numpy(dtype=float)
    lim = max(1.0, float(np.nanmax(np.abs(data)))) if np.isfinite(data).any() else 1.0
    im = ax.imshow(np.ma.masked_invalid(data), cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
    yy, xx = np.nonzero(qs.to_numpy(dtype=float) < alpha)
    ax.scatter(xx, yy, s=6, color="black", marker="o")
    ax.set_xticks(range(len(values)), [plain(v) for v in values], rotation=60, ha="right")
    ax.set_yticks(range(len(ids)), [_label(names.get(t, ""), 60, 1) for t in ids])
    fig.colorbar(im, ax=ax, label="log2 use rate vs rest of group", shrink=0.6)
    ax.set_title(f"Tropes over-used by a persona (dots: BH q < {alpha})", loc="left")
    return fig


@styled
def visualize_model_tropes(members: pd.DataFrame, tropes: pd.DataFrame, top_n: int = 25):
    """Model x trope: share of each model's answers in the trope's group that use it."""
    uses = members.drop_duplicates(["trope_id", "model", "doc_key"]).groupby(["trope_id", "model"]).size()
    answers = members.drop_duplicates(["model", "doc_key"]).groupby("model").size()
    order = tropes.sort_values(["n_models", "size", "trope_id"], ascending=[False, False, True], kind="stable")
    ids = order["trope_id"].head(top_n).tolist()
    models = sorted(answers.index.astype(str))
    grid = uses.unstack("model").reindex(index=ids, columns=models).fillna(0) / answers.reindex(models).to_numpy()
    fig = new_figure(PAGE_WIDTH, 1.2 + 0.22 * max(len(ids), 2))
    ax = fig.add_subplot()
    im = ax.imshow(grid.to_numpy(dtype=float), cmap="viridis", aspect="auto", vmin=0)
    ax.set_xticks(range(len(models)), [plain(m) for m in models], rotation=45, ha="right")
    names = tropes.set_index("trope_id")["name"]
    ax.set_yticks(range(len(ids)), [_label(names[t], 60, 1) for t in ids])
    fig.colorbar(im, ax=ax, label="share of the model's answers using it", shrink=0.6)
    ax.set_title("Tropes shared between models", loc="left")
    return fig


@styled
def visualize_jaccard(matrix: pd.DataFrame, title: str = "Jaccard overlap of trope sets"):
    """Heatmap of a square Jaccard matrix (``sharing.jaccard``), values printed in cells."""
    n = len(matrix)
    fig = new_figure(min(PAGE_WIDTH, 1.6 + 0.3 * n), min(PAGE_WIDTH, 1.2 + 0.28 * n))
    ax = fig.add_subplot()
    values = matrix.to_numpy(dtype=float)
    im = ax.imshow(np.nan_to_num(values), vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(n), [plain(c) for c in matrix.columns], rotation=60, ha="right")
    ax.set_yticks(range(n), [plain(i) for i in matrix.index])
    if n <= 12:
        for i, j in zip(*np.nonzero(np.isfinite(values)), strict=True):
            ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=5,
                    color="white" if values[i, j] < 0.5 else "black")
    fig.colorbar(im, ax=ax, shrink=0.6)
    ax.set_title(plain(title), loc="left")
    return fig


@styled
def visualize_models_per_trope(tropes: pd.DataFrame, n_models: int, title: str = "How many models use each trope"):
    """Bar chart: number of tropes used by exactly k models, k = 1..n_models."""
    ks = np.arange(1, max(n_models, 1) + 1)
    counts = np.array([(tropes["n_models"] == k).sum() for k in ks])
    fig = new_figure(min(PAGE_WIDTH, 1.5 + 0.35 * len(ks)), 2.2)
    ax = fig.add_subplot()
    ax.bar(ks, counts, color="#0072B2")
    for k, c in zip(ks, counts, strict=True):
        ax.text(k, c, f"{int(c):,}", ha="center", va="bottom", fontsize=6)
    ax.set_xticks(ks)
    ax.set_xlabel("models using the trope")
    ax.set_ylabel("tropes")
    ax.set_title(title, loc="left")
    return fig


def figure_names(models: Sequence[str], n_personas: int) -> list[str]:
    """The figure files ``pct tropes`` writes for these models and persona values."""
    from trope_analysis.report import slug

    names = [f"plots/bubbles_{slug(m)}.png" for m in models]
    if n_personas > 1:
        names += ["plots/persona_tropes.png", "plots/jaccard_personas.png"]
    if len(models) > 1:
        names += ["plots/model_tropes.png", "plots/jaccard_models.png", "plots/models_per_trope.png"]
    return names


def trope_figures(pipeline, members: pd.DataFrame, over: Callable[[], pd.DataFrame], top_n: int):
    """(file name, figure maker, description) for every figure of a fitted pipeline."""
    from trope_analysis import sharing
    from trope_analysis.report import slug

    tropes = pipeline.tropes_
    models = sorted(pipeline.docs_["model"].astype(str).unique())
    n_personas = sharing.doc_attribute(pipeline, "persona").nunique()
    makers = {}
    for m in models:
        def bubbles(m=m):
            mine = members[members["model"].astype(str) == m].drop_duplicates(["trope_id", "doc_key"])
            used = tropes.join(mine.groupby("trope_id").size().rename("uses"), on="trope_id", how="inner")
            return visualize_bubbles(used, title=f"Top {top_n} tropes of {m}, by PCT section", top_n=top_n)
        makers[f"plots/bubbles_{slug(m)}.png"] = (bubbles, f"top {top_n} tropes of {m}")
    makers["plots/persona_tropes.png"] = (lambda: visualize_persona_tropes(over(), tropes), "persona x trope")
    makers["plots/jaccard_personas.png"] = (
        lambda: visualize_jaccard(sharing.jaccard(pipeline, "persona"), "Jaccard overlap between personas"),
        "Jaccard heatmap between personas")
    makers["plots/model_tropes.png"] = (lambda: visualize_model_tropes(members, tropes), "model x trope")
    makers["plots/jaccard_models.png"] = (
        lambda: visualize_jaccard(sharing.jaccard(pipeline, "model"), "Jaccard overlap between models"),
        "Jaccard heatmap between models")
    makers["plots/models_per_trope.png"] = (lambda: visualize_models_per_trope(tropes, len(models)), "models per trope")
    return [(name, *makers[name]) for name in figure_names(models, n_personas)]
