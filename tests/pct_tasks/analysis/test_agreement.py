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


def test_unjudged_runs_have_no_comparison(main_data):
    assert agreement.closed_open_tvd(main_data).empty
    shares = agreement.stance_shares(main_data)
    classes = list(agreement.CLASSES)
    assert np.allclose(shares[classes].sum(axis=1), 1.0)


def test_closed_open_total_variation_distance_by_hand():
    """Moved from the deleted judge.open_scoring: the same hand-computed distances."""
    records = synthetic_records(categories=["gender"], personas=["male"], templates=[0, 1, 2, 3])
    closed = {r["doc_key"].split("/", 1)[1]: r["stance"] for r in records if r["setting"] == "closed"}
    for r in records:  # open answers equal the closed ones, except on propositions 0 and 1
        if r["setting"] == "open":
            r["stance"] = closed[r["doc_key"].split("/", 1)[1]]
    planted = {
        # p0 closed: agree 3/4, disagree 1/4; open: agree 1/4, none 2/4, disagree 1/4 -> 0.5
        0: (("agree", "strongly_agree", "agree", "disagree"), ("agree", "none", "refusal", "strongly_disagree")),
        # p1 closed: invalid counts as none; the open sides are the same -> 0
        1: (("invalid", "disagree", "agree", "agree"), ("none", "disagree", "strongly_agree", "agree")),
    }
    for r in records:
        if r["category"] == "gender" and r["proposition_id"] in planted:
            pair = planted[r["proposition_id"]]
            r["stance"] = pair[r["setting"] == "open"][r["template_id"]]
    tvd = agreement.closed_open_tvd(load_runs([], records=records)).set_index("category")["tvd"]
    assert tvd["gender"] == pytest.approx(0.5 / 62, abs=1e-12)
    assert tvd["base"] == 0.0
