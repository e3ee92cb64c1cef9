"""Figures: one module per figure, each function takes tables and returns a Figure (never saves).

Writing files is the caller's job (``pct_tasks.report`` through ``pct_tasks.outputs``), so that
escaping and provenance live in one place.
"""

from .agreement import plot_stance_bars, plot_tvd
from .compass import plot_compass
from .effects import plot_effect_heatmap

__all__ = ["plot_compass", "plot_effect_heatmap", "plot_stance_bars", "plot_tvd"]
