"""Figures: one module per figure, each function takes tables and returns a Figure (never saves).

Writing files is the caller's job (``pct_tasks.analysis.report`` through ``pct_tasks.io.outputs``), so that
escaping and provenance live in one place.
"""

from pct_tasks.analysis.plots.agreement import plot_stance_bars, plot_tvd
from pct_tasks.analysis.plots.compass import plot_compass
from pct_tasks.analysis.plots.effects import plot_effect_heatmap

__all__ = ["plot_compass", "plot_effect_heatmap", "plot_stance_bars", "plot_tvd"]
