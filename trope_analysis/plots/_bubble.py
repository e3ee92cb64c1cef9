from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd


def section_colours(sections) -> dict[str, tuple]:
    """A fixed colour per PCT section (the order of ``pct_tasks.tasks.data.sections()``)."""
    import matplotlib

    try:
        from pct_tasks.tasks.data import sections as pct_sections

        order = list(pct_sections())
    except Exception:  # pragma: no cover - data always ships with pct_tasks
        order = []
    order += sorted(set(map(str, sections)) - set(order))
    cmap = matplotlib.colormaps["tab10"]
    return {s: cmap(i % 10) for i, s in enumerate(order)}


def visualize_bubbles(tropes: pd.DataFrame, title: str = "", top_n: int = 30, width: int = 28):
    """Bubble chart of the ``top_n`` largest tropes: area ~ uses, colour = PCT section.

    Args:
        tropes: rows with ``name``, ``uses`` (or ``size``) and ``section``.
        title: figure title.
        top_n: bubbles drawn.
        width: characters per label line.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    col = "uses" if "uses" in tropes.columns else "size"
    top = tropes.sort_values([col, "trope_id"], ascending=[False, True], kind="stable").head(top_n)
    n = len(top)
    cols = 6
    rows = max(1, int(np.ceil(n / cols)))
    fig, ax = plt.subplots(figsize=(2.6 * cols, 2.4 * rows + 1.2))
    colours = section_colours(tropes["section"]) if n else {}
    if n:
        sizes = top[col].to_numpy(dtype=float)
        area = 400 + 5200 * sizes / sizes.max()
        xs = np.arange(n) % cols
        ys = -(np.arange(n) // cols)
        ax.scatter(xs, ys, s=area, c=[colours[str(s)] for s in top["section"]], alpha=0.55, edgecolors="k", linewidths=0.5)
        for x, y, name, size in zip(xs, ys, top["name"], top[col], strict=True):
            label = textwrap.shorten(str(name), 90, placeholder="...")
            ax.text(x, y, "\n".join(textwrap.wrap(label, width)) + f"\n({int(size)})", ha="center", va="center",
                    fontsize=6.5)
        handles = [plt.Line2D([], [], marker="o", ls="", color=colours[s], label=s, markersize=8)
                   for s in sorted(set(map(str, top["section"])), key=list(colours).index)]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3, fontsize=8, frameon=False)
    else:
        ax.text(0.5, 0.5, "no tropes", ha="center", va="center")
    ax.set_xlim(-0.6, cols - 0.4)
    ax.set_ylim(-rows + 0.4, 0.6)
    ax.axis("off")
    ax.set_title(title)
    return fig
