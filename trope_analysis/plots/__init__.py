"""Figures of the trope analysis, in the house style (``pct_tasks.analysis.plots.style``).

Pure functions: data in, a pyplot-free matplotlib figure out (never saved here).
``trope_figures`` lists what ``pct tropes`` writes; a figure that would be empty (sharing
between models when there is one model, personas when there is one persona value) is not made.
"""

from trope_analysis.plots.figures import (
    figure_names,
    trope_figures,
    visualize_bubbles,
    visualize_jaccard,
    visualize_model_tropes,
    visualize_models_per_trope,
    visualize_persona_tropes,
)

__all__ = [
    "figure_names",
    "trope_figures",
    "visualize_bubbles",
    "visualize_jaccard",
    "visualize_model_tropes",
    "visualize_models_per_trope",
    "visualize_persona_tropes",
]
