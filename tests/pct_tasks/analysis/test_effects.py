from __future__ import annotations

import pytest

from pct_tasks.analysis import compass, effects
from pct_tasks.errors import PctInputError


@pytest.fixture(scope="module")
def ols(main_data):
    return effects.ols_effects(compass.variant_table(main_data), correction="bh")


def _cell(table, persona, axis):
    row = table[(table["persona"] == persona) & (table["axis"] == axis) & (table["setting"] == "closed")]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.parametrize("axis", ["econ", "social"])
def test_ols_recovers_planted_orientation_effect(ols, axis):
    for persona, sign in [("far left", -1), ("mainstream left", -1), ("mainstream right", 1), ("far right", 1)]:
        cell = _cell(ols, persona, axis)
        assert sign * cell["coef"] > 2, (persona, cell["coef"])
        assert cell["significant"] and cell["p_adj"] < 1e-3
    # Far is farther than mainstream, as planted (-2 / -1 / +1 / +2).
    assert _cell(ols, "far right", axis)["coef"] > _cell(ols, "mainstream right", axis)["coef"]
    assert _cell(ols, "far left", axis)["coef"] < _cell(ols, "mainstream left", axis)["coef"]


def test_ols_finds_no_gender_effect(ols):
    gender = ols[ols["category"] == "gender"]
    assert len(gender) == 3 * 2
    assert not gender["significant"].any()
    assert (gender["coef"].abs() < 1.5).all()


def test_bh_adjusts_within_family(main_data):
    vt = compass.variant_table(main_data)
    raw = effects.ols_effects(vt, correction="none")
    bh = effects.ols_effects(vt, correction="bh")
    assert (raw["p_adj"] == raw["p"]).all()
    assert (bh["p_adj"] >= bh["p"] - 1e-15).all()
    with pytest.raises(PctInputError, match="bonferroni"):
        effects.ols_effects(vt, correction="bonferroni")


def test_no_base_case_no_effects(main_data):
    vt = compass.variant_table(main_data)
    assert effects.ols_effects(vt[vt["category"] != "base"]).empty


def test_mixed_model_agrees_with_ols(main_data, ols):
    mixed = effects.mixed_effects(main_data, correction="bh")
    assert set(mixed["axis"]) == {"econ", "social"}
    assert mixed["converged"].all()
    for axis in ("econ", "social"):
        far_right = _cell(mixed, "far right", axis)
        far_left = _cell(mixed, "far left", axis)
        assert far_right["coef"] > 2 and far_right["significant"]
        assert far_left["coef"] < -2 and far_left["significant"]
        # Same design, same units: the two estimates of the shift are close.
        assert abs(far_right["coef"] - _cell(ols, "far right", axis)["coef"]) < 1.5
    assert not mixed[mixed["category"] == "gender"]["significant"].any()
    assert (mixed["var_proposition"] > mixed["var_template"]).all()


def test_mixed_model_fits_the_quick_subset():
    """One template (the quick subset): no template variance to fit, and no crash (issue 13.3)."""
    from pct_tasks.analysis import load_runs
    from tests.pct_tasks.analysis.synth import synthetic_records

    data = load_runs([], records=synthetic_records(subset="quick"))
    mixed = effects.mixed_effects(data)
    assert len(mixed) == 2 * 2 * 4  # settings x axes x political orientation values
    assert mixed["var_template"].isna().all() and (mixed["var_proposition"] > 0).all()
    far_right = mixed[(mixed["persona"] == "far right") & (mixed["setting"] == "closed")]
    assert (far_right["coef"] > 2).all()

