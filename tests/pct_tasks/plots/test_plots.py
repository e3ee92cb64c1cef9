from __future__ import annotations

import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from pct_tasks.analysis import agreement, compass, effects, load_runs
from pct_tasks.io.outputs import figure_bytes
from pct_tasks.analysis.plots import plot_compass, plot_effect_heatmap, plot_stance_bars, plot_tvd

from tests.pct_tasks.analysis.synth import synthetic_records


@pytest.fixture(scope="module")
def data():
    return load_runs([], records=synthetic_records(categories=["political_orientation", "gender"],
                                                   templates=[0, 1, 2]))


@pytest.fixture(scope="module")
def variants(data):
    return compass.variant_table(data)


def test_compass_plot(variants):
    rows = variants[variants["setting"] == "closed"]
    fig = plot_compass(rows, title="synthetic, closed")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xlim() == (-10, 10) and ax.get_ylim() == (-10, 10)
    # Per category: the points and the mean; plus the base case.
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 2 * 2 + 1
    assert sum(len(c.get_offsets()) for c in scatters) == len(rows) + 2
    assert len([p for p in ax.patches if isinstance(p, Ellipse)]) == 2
    assert fig.get_size_inches()[0] == pytest.approx(3.4)  # one paper column
    png = figure_bytes(fig, "png", {"produced_by": "t", "package_version": "0"})
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"produced by t" in png


def test_confidence_ellipse_shrinks_with_more_points():
    import numpy as np

    from pct_tasks.analysis.plots.compass import confidence_ellipse

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=200), rng.normal(size=200)
    w_all, _, _ = confidence_ellipse(x, y)
    w_few, _, _ = confidence_ellipse(x[:20], y[:20])
    assert w_all < w_few
    assert confidence_ellipse(x[:2], y[:2]) is None


def test_heatmap_blanks_non_significant(variants):
    ols = effects.ols_effects(variants, correction="bh")
    fig = plot_effect_heatmap(ols, axis="econ", setting="closed")
    grid = fig.axes[0].images[0].get_array()
    sub = ols[(ols["axis"] == "econ") & (ols["setting"] == "closed")]
    assert grid.mask.sum() == (~sub["significant"]).sum()
    assert grid.count() == sub["significant"].sum() >= 4


def test_agreement_plots(data):
    shares = agreement.stance_shares(data)
    fig = plot_stance_bars(shares, title="t")
    top, bottom = fig.axes[:2]
    assert len(top.patches) == len(bottom.patches) == 62 * len(agreement.CLASSES)
    fig = plot_tvd(agreement.closed_open_tvd(data))
    assert len(fig.axes[0].patches) == 8


def test_dollar_signs_in_names_do_not_break_figures(data):
    vt = compass.variant_table(data)
    vt["model"] = "gpt$x^{2$ <b>"
    ols = effects.ols_effects(vt)
    for fig in (plot_compass(vt[vt["setting"] == "closed"], title="gpt$x^{2$ closed"),
                plot_effect_heatmap(ols, axis="econ", title="$bad$ {")):
        assert figure_bytes(fig, "png")[:4] == b"\x89PNG"
