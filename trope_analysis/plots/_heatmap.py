from __future__ import annotations

import numpy as np
import pandas as pd


def visualize_jaccard(matrix: pd.DataFrame, title: str = "Jaccard overlap of trope sets"):
    """Heatmap of a square Jaccard matrix (``sharing.jaccard``), values printed in cells."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(matrix)
    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * max(n, 2), 0.8 + 0.5 * max(n, 2)))
    values = matrix.to_numpy(dtype=float)
    im = ax.imshow(np.nan_to_num(values), vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(n), [str(c) for c in matrix.columns], rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(n), [str(i) for i in matrix.index], fontsize=7)
    if n <= 25:
        for i in range(n):
            for j in range(n):
                if not np.isnan(values[i, j]):
                    ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=5.5,
                            color="white" if values[i, j] < 0.5 else "black")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    ax.set_title(title, fontsize=9)
    return fig
