from __future__ import annotations

import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from pct_tasks.analysis import agreement, compass, effects, load_runs
from pct_tasks.analysis.plots import plot_compass, plot_effect_heatmap, plot_stance_bars, plot_tvd
from pct_tasks.io.outputs import figure_bytes
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
    personas = compass.persona_table(rows, n_boot=100)
    fig = plot_compass(rows, personas=personas, title="synthetic, closed")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xlim() == (-10, 10) and ax.get_ylim() == (-10, 10)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    # Per category one faint scatter of its templates, and one point per persona value: opposite
    # personas are never pooled into a category mean.
    means = [tuple(c.get_offsets()[0]) for c in scatters if len(c.get_offsets()) == 1]
    assert len(means) == len(personas) == 4 + 3 + 1
    far = personas.set_index("persona").loc[["far left", "far right"]]
    for rec in far.itertuples():
        assert (pytest.approx(rec.econ_mean), pytest.approx(rec.social_mean)) in means
    assert sum(len(c.get_offsets()) for c in scatters) == len(rows) + len(personas)
    assert not [p for p in ax.patches if isinstance(p, Ellipse)]
    names = {t.get_text() for t in ax.texts}
    assert {"far left", "far right"} <= names
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["No persona", "Gender", "Political orientation", "one template",
                      "mean over templates, 95% CI"]
    assert fig.get_size_inches()[0] == pytest.approx(3.4)  # one paper column
    png = figure_bytes(fig, "png", {"produced_by": "t", "package_version": "0"})
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and b"produced by t" in png


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
    tvd = agreement.closed_open_tvd(data, n_boot=100)
    assert (tvd["tvd_ci_low"] <= tvd["tvd"]).all() and (tvd["tvd"] <= tvd["tvd_ci_high"]).all()
    fig = plot_tvd(tvd)
    ax = fig.axes[0]
    assert len(ax.patches) == 8
    # Natural order, base first; intervals drawn; an axis fitted to the data; a colour legend.
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "No persona", "male", "female", "non-binary", "far left", "mainstream left",
        "mainstream right", "far right"]
    assert ax.get_ylim()[1] == pytest.approx(min(1.0, max(0.05, tvd["tvd_ci_high"].max() * 1.25)))
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "No persona", "Gender", "Political orientation", "95% CI over propositions"]


def test_dollar_signs_in_names_do_not_break_figures(data):
    vt = compass.variant_table(data)
    vt["model"] = "gpt$x^{2$ <b>"
    ols = effects.ols_effects(vt)
    for fig in (plot_compass(vt[vt["setting"] == "closed"], title="gpt$x^{2$ closed"),
                plot_effect_heatmap(ols, axis="econ", title="$bad$ {")):
        assert figure_bytes(fig, "png")[:4] == b"\x89PNG"


def test_natural_order_of_persona_values():
    import pandas as pd

    from pct_tasks.analysis.display import persona_rank, sort_personas

    pairs = [("political_orientation", "far right"), ("cls", "upper class"), ("age", "81"),
             ("political_orientation", "mainstream left"), ("cls", "upper middle class"),
             ("age", "18"), ("base", ""), ("political_orientation", "far left"),
             ("cls", "lower class"), ("age", "48"), ("political_orientation", "mainstream right"),
             ("cls", "middle class")]
    frame = pd.DataFrame(pairs, columns=["category", "persona"])
    out = sort_personas(frame)
    assert list(zip(out["category"], out["persona"], strict=True)) == [
        ("base", ""), ("age", "18"), ("age", "48"), ("age", "81"), ("cls", "lower class"),
        ("cls", "middle class"), ("cls", "upper middle class"), ("cls", "upper class"),
        ("political_orientation", "far left"), ("political_orientation", "mainstream left"),
        ("political_orientation", "mainstream right"), ("political_orientation", "far right")]
    assert persona_rank("age", "9") < persona_rank("age", "18")  # numeric, not alphabetical
