from __future__ import annotations

import numpy as np

from pct_tasks.analysis import agreement, load_runs

from .synth import synthetic_records


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
