from __future__ import annotations

import numpy as np
import pytest

from pct_tasks.analysis import agreement, load_runs

from tests.pct_tasks.analysis.synth import synthetic_records


def test_tvd_is_a_distance_in_unit_range(judged_data):
    tvd = agreement.closed_open_tvd(judged_data)
    assert len(tvd) == 7 + 1  # 7 persona values + base
    assert ((tvd["tvd"] > 0) & (tvd["tvd"] < 1)).all()
    assert (tvd["n_propositions"] == 62).all()


def test_identical_settings_have_zero_tvd():
    records = synthetic_records(categories=["gender"], templates=[0])
    closed = {r["doc_key"].split("/", 1)[1]: r["stance"] for r in records if r["setting"] == "closed"}
    for r in records:
        if r["setting"] == "open":
            r["stance"] = closed[r["doc_key"].split("/", 1)[1]]
    data = load_runs([], records=records)
    tvd = agreement.closed_open_tvd(data)
    assert np.allclose(tvd["tvd"], 0.0)
    assert agreement.direction_agreement(data)["same_direction"].iloc[0] == 1.0


def test_unjudged_runs_have_no_comparison(main_data):
    assert agreement.closed_open_tvd(main_data).empty
    shares = agreement.stance_shares(main_data)
    classes = list(agreement.CLASSES)
    assert np.allclose(shares[classes].sum(axis=1), 1.0)


def test_tvd_is_the_judge_modules_quantity(judged_data):
    """The per-persona mean TVD equals the mean of the per-proposition TVD of the judge API."""
    from types import SimpleNamespace

    from pct_tasks.judge import closed_open_tvd as per_proposition

    tvd = agreement.closed_open_tvd(judged_data)
    s = judged_data.samples
    for _, row in tvd.head(3).iterrows():
        part = s[(s["run_id"] == row["run_id"]) & (s["category"] == row["category"])
                 & (s["persona"] == row["persona"])]
        records = [SimpleNamespace(setting=r.setting, proposition_id=int(r.proposition_id), stance=str(r.stance))
                   for r in part.itertuples()]
        values = per_proposition(records)
        assert row["tvd"] == pytest.approx(np.mean(list(values.values())), abs=1e-12)
