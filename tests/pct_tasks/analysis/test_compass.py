from __future__ import annotations

import numpy as np

from pct_tasks.tasks import scoring
from pct_tasks.analysis import compass
from pct_tasks.labels import Stance


def test_variant_coordinates_are_the_scoring_formula(main_data):
    vt = compass.variant_table(main_data)
    # 2 categories x (4 + 3 personas) x 4 templates + 4 base templates, closed only (open unjudged).
    assert len(vt) == 7 * 4 + 4
    assert set(vt["setting"]) == {"closed"}
    s = main_data.samples
    row = vt[vt["variant"] == "closed/political_orientation=far left/t2"].iloc[0]
    mine = s[s["variant"] == "closed/political_orientation=far left/t2"]
    answers = {int(p): Stance(st).answer_index if st in set(Stance) else None
               for p, st in zip(mine["proposition_id"], mine["stance"].astype(str), strict=True)}
    expected = scoring.coordinates(answers)
    assert (row["econ"], row["social"], row["n_valid"]) == (expected.econ, expected.social, expected.n_valid)
    assert row["n_docs"] == 62


def test_persona_table_intervals_and_planted_positions(main_data):
    vt = compass.variant_table(main_data)
    pt = compass.persona_table(vt, n_boot=500, seed=1).set_index("persona")
    assert set(pt["n_templates"]) == {4}
    assert (pt["econ_ci_low"] <= pt["econ_mean"]).all() and (pt["econ_mean"] <= pt["econ_ci_high"]).all()
    # The respondent's planted orientation effect: far right top right, far left bottom left.
    assert pt.loc["far right", "econ_mean"] > 5 and pt.loc["far right", "social_mean"] > 5
    assert pt.loc["far left", "econ_mean"] < -5 and pt.loc["far left", "social_mean"] < -5
    # Same seed, same intervals.
    again = compass.persona_table(vt, n_boot=500, seed=1).set_index("persona")
    assert np.allclose(again["econ_ci_low"], pt["econ_ci_low"])


def test_rates_match_the_samples(main_data):
    rates = compass.rate_table(main_data).set_index("setting")
    s = main_data.samples
    closed = s[s["setting"] == "closed"]["stance"].astype(str)
    assert rates.loc["closed", "n"] == len(closed) == 7 * 4 * 62 + 4 * 62
    assert rates.loc["closed", "parse_rate"] == (closed != "invalid").mean()
    assert rates.loc["closed", "refusal_rate"] == (closed == "refusal").mean()
    assert 0.9 < rates.loc["closed", "parse_rate"] < 1.0  # the respondent breaks a few answers
    assert rates.loc["open", "judged_rate"] < 0.05  # only parser-detected refusals


def test_stance_table_shares_sum_to_one(main_data):
    st = compass.stance_table(main_data)
    sums = st.groupby(["run_id", "setting", "proposition_id"])["share"].sum()
    assert np.allclose(sums, 1.0)
    assert st["proposition_id"].nunique() == 62


def test_unjudged_open_answers_are_reported(main_data):
    assert any("no judge labels" in n for n in main_data.notes)
    assert main_data.judge_status[main_data.run_ids[0]] == 0.0
