from __future__ import annotations

import pytest

from pct_tasks.errors import PctInputError
from pct_tasks.judge import JudgeReply, evaluate_judge
from pct_tasks.judge.evaluate import collapse, format_report, map_gold, swap_count
from pct_tasks.labels import Stance


class ScriptedJudge:
    judge_id = "scripted"

    def __init__(self, labels):
        self.labels = labels

    def judge(self, pairs):
        return [JudgeReply(Stance(lab) if lab else None, "", None if lab else "no label found")
                for lab in self.labels[: len(pairs)]]


def test_map_gold_and_errors():
    assert map_gold(["1_disagree", "2_agree", "3_other", "agree"],
                    {"1_disagree": "disagree", "2_agree": "agree", "3_other": "none"}) == \
        ["disagree", "agree", "none", "agree"]
    with pytest.raises(PctInputError, match=r"gold labels outside the judge vocabulary: 'pro' \(2\)"):
        map_gold(["pro", "pro", "agree"])
    with pytest.raises(PctInputError, match="not judge labels"):
        map_gold(["a"], {"a": "positive"})


def test_collapse_follows_the_gold_set():
    preds = ["strongly_agree", "strongly_disagree", "refusal", "none"]
    assert collapse(preds, {"agree", "disagree", "none"}) == ["agree", "disagree", "none", "none"]
    assert collapse(preds, {"agree", "disagree", "none", "refusal"}) == ["agree", "disagree", "refusal", "none"]
    assert collapse(preds, {"strongly_agree", "strongly_disagree", "refusal"}) == preds


def test_swap_rate_counts_only_side_reversals():
    gold = ["agree", "strongly_agree", "disagree", "disagree", "none", "refusal", "agree"]
    pred = ["disagree", "strongly_disagree", "agree", "none", "agree", "disagree", "refusal"]
    assert swap_count(gold, pred) == (3, 5)  # 5 sided golds; none/refusal predictions are no swap
    ev = evaluate_judge(ScriptedJudge(pred), ["t"] * 7, gold, n_boot=50, seed=0)
    assert (ev.n_swaps, ev.swap_rate) == (3, pytest.approx(3 / 5))
    assert "swap_rate" in format_report(ev) and "swap_rate" in ev.to_dict()


def test_scores_match_hand_computation():
    gold = ["agree", "agree", "agree", "disagree", "disagree", "none"]
    # after collapsing: agree, agree, none, disagree, invalid(failure), none
    judge = ScriptedJudge(["strongly_agree", "agree", "none", "disagree", None, "refusal"])
    ev = evaluate_judge(judge, ["t"] * 6, gold, n_boot=200, seed=1)
    assert ev.n == 6 and ev.n_failed == 1
    assert ev.accuracy == pytest.approx(4 / 6)
    # F1: agree P=1 R=2/3 -> 0.8; disagree P=1 R=1/2 -> 2/3; none P=1/2 R=1 -> 2/3
    assert ev.macro_f1 == pytest.approx((0.8 + 2 / 3 + 2 / 3) / 3)
    # kappa: po = 4/6; pe = sum over labels of p_gold * p_pred = (3/6)(2/6) + (2/6)(1/6) + (1/6)(2/6)
    pe = (3 * 2 + 2 * 1 + 1 * 2) / 36
    assert ev.kappa == pytest.approx((4 / 6 - pe) / (1 - pe))
    assert ev.confusion["disagree"] == {"disagree": 1, "agree": 0, "none": 0, "invalid": 1}
    # no answer is put on the side opposite to its gold; "always agree" swaps both disagreements
    assert (ev.swap_rate, ev.n_swaps) == (0.0, 0)
    assert ev.majority == {"label": "agree", "accuracy": 0.5, "macro_f1": pytest.approx(2 / 9), "kappa": 0.0,
                           "swap_rate": pytest.approx(2 / 5)}
    lo, hi = ev.ci["accuracy"]
    assert 0 <= lo <= ev.accuracy <= hi <= 1
    assert set(ev.to_dict()) >= {"n", "accuracy", "macro_f1", "kappa"}
    assert "majority (agree)" in format_report(ev)
