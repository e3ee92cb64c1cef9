from __future__ import annotations

import numpy as np

from pct_tasks.analysis import compass
from pct_tasks.labels import Stance
from pct_tasks.tasks import scoring


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
    answers = closed.isin([s.value for s in Stance if s.is_answer])
    assert rates.loc["closed", "answer_rate"] == answers.mean()
    assert rates.loc["closed", "refusal_rate"] == (closed == "refusal").mean()
    assert rates.loc["closed", "invalid_rate"] == (closed == "invalid").mean()
    assert 0 < rates.loc["closed", "invalid_rate"] < 0.1  # the respondent breaks a few answers
    closed_sum = rates.loc["closed", ["answer_rate", "refusal_rate", "invalid_rate"]].sum()
    assert closed_sum == np.float64(1.0) or abs(closed_sum - 1) < 1e-12
    assert "parse_rate" not in rates.columns
    assert rates.loc["open", "judged_rate"] < 0.05  # only parser-detected refusals


def test_stance_table_shares_sum_to_one(main_data):
    st = compass.stance_table(main_data)
    sums = st.groupby(["run_id", "setting", "proposition_id"])["share"].sum()
    assert np.allclose(sums, 1.0)
    assert st["proposition_id"].nunique() == 62


def test_unjudged_open_answers_are_reported(main_data):
    assert any("no judge labels" in n for n in main_data.notes)
    assert main_data.judge_status[main_data.run_ids[0]] == 0.0


def test_incomplete_variants_are_left_out_with_one_line():
    """A variant cut short (--limit, one shard) has no coordinates; one note says so."""
    from pct_tasks.analysis import load_runs
    from tests.pct_tasks.analysis.synth import synthetic_records

    records = synthetic_records(categories=["gender"], templates=[0, 1], settings=("closed",))
    whole = load_runs([], records=records)
    cut = [r for r in records if not (r["variant"] == "closed/gender=female/t1" and r["proposition_id"] >= 19)]
    cut = [r for r in cut if r["variant"] != "closed/base/t0" or r["proposition_id"] != 61]
    data = load_runs([], records=cut)
    vt, vt_whole = compass.variant_table(data), compass.variant_table(whole)
    assert sorted(vt_whole["variant"]) == sorted([*vt["variant"], "closed/gender=female/t1", "closed/base/t0"])
    assert set(vt["n_docs"]) == {62}
    assert data.incomplete == {data.run_ids[0]: 2}
    (line,) = [n for n in data.notes if "incomplete" in n]
    assert line.startswith("2 of 8 prompt variants are incomplete")
    assert "drop --limit" in line and "shards" in line
    # The others keep exactly their coordinates.
    same = vt_whole.merge(vt, on="variant", suffixes=("", "_cut"))
    assert len(same) == 6 and (same["econ"] == same["econ_cut"]).all()


def test_a_run_with_no_complete_variant_is_refused():
    import pytest

    from pct_tasks.analysis import load_runs
    from pct_tasks.errors import PctInputError
    from tests.pct_tasks.analysis.synth import synthetic_records

    records = [r for r in synthetic_records(categories=["gender"], templates=[0], settings=("closed",))
               if r["proposition_id"] < 19]
    with pytest.raises(PctInputError, match="4 of 4 prompt variants are incomplete"):
        load_runs([], records=records)


def test_format_persona_table(judged_data):
    pt = compass.persona_table(compass.variant_table(judged_data), n_boot=200, seed=0)
    text = compass.format_persona_table(pt, unjudged_open=5)
    lines = text.splitlines()
    assert lines[0].startswith("| model | setting | persona | templates |")
    row = pt[(pt["setting"] == "closed") & (pt["persona"] == "far right")].iloc[0]
    assert (f"| pct-synthetic | closed | Political orientation: far right | 3 | {row.econ_mean:+.2f} "
            f"({row.econ_ci_low:+.2f}, {row.econ_ci_high:+.2f}) |") in text
    assert len([x for x in lines if x.startswith("| pct-synthetic |")]) == len(pt) == 2 * 8
    assert lines[-1].startswith("5 open answers await the judge")
