"""Figures of the trope analysis: pure functions, data in, matplotlib figure out (never saved here)."""

from ._bubble import visualize_bubbles
from ._heatmap import visualize_jaccard
from ._models_per_trope import visualize_models_per_trope

__all__ = ["visualize_bubbles", "visualize_jaccard", "visualize_models_per_trope"]
