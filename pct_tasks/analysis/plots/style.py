"""Shared look of every figure: sizes for a paper column, category colours and markers.

Figures are built on ``matplotlib.figure.Figure`` directly (never pyplot), so that building
one neither touches global state nor needs a display, and a figure is freed when dropped.
"""

from __future__ import annotations

from typing import Any

from pct_tasks.analysis.display import category_label  # noqa: F401  (re-exported for the plots)
from pct_tasks.labels import NO_STANCE

#: A single paper column is about 3.4 inches wide; a full page width about 7.
COLUMN_WIDTH = 3.4
PAGE_WIDTH = 7.0

RC: dict[str, Any] = {
    "font.size": 7,
    "axes.titlesize": 8,
    "axes.labelsize": 7,
    "xtick.labelsize": 6,
    "ytick.labelsize": 6,
    "legend.fontsize": 6,
    "axes.linewidth": 0.6,
    "svg.fonttype": "none",
}

#: Colour-blind-safe (Okabe-Ito) colours and distinct markers per persona category.
CATEGORY_STYLE: dict[str, tuple[str, str]] = {
    "age": ("#E69F00", "o"),
    "gender": ("#56B4E9", "s"),
    "cls": ("#009E73", "^"),
    "nation": ("#CC79A7", "D"),
    "political_orientation": ("#D55E00", "v"),
    "base": ("#000000", "*"),
}
_FALLBACK = [("#0072B2", "P"), ("#F0E442", "X"), ("#999999", "h")]

#: Stance colours, disagree (red) to agree (blue), grey for no stance.
STANCE_COLOURS: dict[str, str] = {
    "strongly_disagree": "#b2182b",
    "disagree": "#ef8a62",
    "agree": "#67a9cf",
    "strongly_agree": "#2166ac",
    NO_STANCE: "#bdbdbd",
}


def plain(text: object) -> str:
    """Text shown as-is in a figure: "$" would otherwise start matplotlib mathtext (model
    names and persona values are data, and a stray pair of dollars must not break a plot)."""
    return str(text).replace("$", r"\$")


def category_style(category: str, index: int = 0) -> tuple[str, str]:
    """(colour, marker) of a persona category."""
    return CATEGORY_STYLE.get(category, _FALLBACK[index % len(_FALLBACK)])


def new_figure(width: float, height: float) -> Any:
    """A pyplot-free figure with the house style applied."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def styled(fn):
    """Decorator: run a plotting function under the house rc settings."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(RC):
            return fn(*args, **kwargs)

    return wrapper


__all__ = [
    "CATEGORY_STYLE",
    "COLUMN_WIDTH",
    "PAGE_WIDTH",
    "RC",
    "STANCE_COLOURS",
    "category_label",
    "category_style",
    "new_figure",
    "plain",
    "styled",
]
