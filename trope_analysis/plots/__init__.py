"""Figures of the trope analysis: pure functions, data in, matplotlib figure out (never saved here)."""

from trope_analysis.plots._bubble import visualize_bubbles
from trope_analysis.plots._heatmap import visualize_jaccard
from trope_analysis.plots._models_per_trope import visualize_models_per_trope

__all__ = ["visualize_bubbles", "visualize_jaccard", "visualize_models_per_trope"]
