from __future__ import annotations

from types import SimpleNamespace

import pytest

from pct_tasks.errors import PctInputError
from pct_tasks.judge import closed_open_tvd, open_coordinates
from pct_tasks.tasks.scoring import Coordinates


def rec(variant, pid, stance, setting="open", run_id="r1"):
    return SimpleNamespace(run_id=run_id, setting=setting, variant=variant, proposition_id=pid, stance=stance)


def test_open_coordinates_equal_the_hand_computed_ones():
    records = (
        [rec("open/base/t0", p, "agree") for p in range(62)]
        + [rec("open/base/t1", p, "strongly_disagree") for p in range(62)]
        # p0 strongly agree: econ weight -2 -> -2/8 + 0.38 = 0.13; p1 strongly disagree:
        # social weight -8 -> -8/19.5 + 2.41 = 2.00; none, refusal, invalid and unjudged count
        # as missing answers.
        + [rec("open/base/t2", 0, "strongly_agree"), rec("open/base/t2", 1, "strongly_disagree"),
           rec("open/base/t2", 2, "none"), rec("open/base/t2", 3, "refusal"),
           rec("open/base/t2", 4, "invalid"), rec("open/base/t2", 5, "unjudged")]
        + [rec("closed/base/t0", 0, "agree", setting="closed")]
    )
    assert open_coordinates(records) == {
        "open/base/t0": Coordinates(0.38, 2.41, 62),
        "open/base/t1": Coordinates(0.01, -4.36, 62),
        "open/base/t2": Coordinates(0.13, 2.0, 2),
    }


def test_open_coordinates_refuse_mixed_runs():
    with pytest.raises(PctInputError, match="answers of 2 runs"):
        open_coordinates([rec("v", 0, "agree"), rec("v", 0, "agree", run_id="r2")])


def test_closed_open_total_variation_distance():
    records = (
        # p0 closed: agree 3/4, disagree 1/4; open: agree 1/4, none 2/4, disagree 1/4 (unjudged ignored)
        [rec("c", 0, s, setting="closed") for s in ("agree", "strongly_agree", "agree", "disagree")]
        + [rec("o", 0, s) for s in ("agree", "none", "refusal", "strongly_disagree", "unjudged")]
        # p1 closed: invalid counts as none; open identical -> 0
        + [rec("c", 1, "invalid", setting="closed"), rec("c", 1, "disagree", setting="closed")]
        + [rec("o", 1, "none"), rec("o", 1, "disagree")]
        # p2 has no open answer: left out
        + [rec("c", 2, "agree", setting="closed")]
    )
    tvd = closed_open_tvd(records)
    assert tvd == {0: pytest.approx(0.5), 1: 0.0}
