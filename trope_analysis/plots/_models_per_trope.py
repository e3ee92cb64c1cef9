from __future__ import annotations

import numpy as np
import pandas as pd


def visualize_models_per_trope(tropes: pd.DataFrame, n_models: int, title: str = "How many models use each trope"):
    """Bar chart: number of tropes used by exactly k models, k = 1..n_models."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ks = np.arange(1, max(n_models, 1) + 1)
    counts = np.array([(tropes["n_models"] == k).sum() for k in ks])
    fig, ax = plt.subplots(figsize=(1.5 + 0.6 * len(ks), 3.2))
    ax.bar(ks, counts, color="#4C72B0")
    for k, c in zip(ks, counts, strict=True):
        ax.text(k, c, str(int(c)), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(ks)
    ax.set_xlabel("models using the trope")
    ax.set_ylabel("tropes")
    ax.set_title(title, fontsize=9)
    return fig
