from __future__ import annotations

import json

import pytest

from pct_tasks.errors import PctInputError
from pct_tasks.judge import JudgeReply, judged_records, load_judgements, run_judge
from pct_tasks.judge.cache import Judgement, JudgementCache, text_hash
from pct_tasks.labels import Stance
from tests.pct_tasks.judge.synthetic_run import truth, write_run


class CountingJudge:
    """Labels by keyword; counts calls; can fail after n batches (an interruption)."""

    judge_id = "counting-v1"

    def __init__(self, fail_after: int | None = None):
        self.calls, self.seen, self.fail_after = 0, 0, fail_after

    def judge(self, pairs):
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise KeyboardInterrupt
        self.calls += 1
        self.seen += len(pairs)
        return [JudgeReply(Stance.DISAGREE if "disagree" in a or "against" in a or "oppose" in a or "reject" in a
                           else Stance.AGREE, "kw") for _, a in pairs]


@pytest.fixture
def run(tmp_path):
    return write_run(tmp_path / "m", templates=(0,), personas=["18", "far left"])


def test_cache_round_trip_and_torn_line(tmp_path):
    cache = JudgementCache(tmp_path / "j" / "x.jsonl")
    a = Judgement("x", 1, text_hash("a"), Stance.AGREE, "r")
    cache.append([a])
    with cache.path.open("a") as fh:
        fh.write('{"judge_id": "x", "propos')  # killed mid-write
    b = Judgement("x", 2, text_hash("b"), Stance.INVALID, "", error="no label found", reply="??")
    cache.append([b])
    assert cache.load() == {a.key: a, b.key: b}
    assert len(cache.path.read_text().splitlines()) == 3


def test_judges_every_open_answer_then_costs_nothing(run):
    judge = CountingJudge()
    first = run_judge(run, judge, batch_size=50)
    assert (first.n_answers, first.n_judged, first.n_cached, judge.calls) == (124, 124, 0, 3)
    again = run_judge(run, CountingJudge())
    assert (again.n_judged, again.n_cached) == (0, 124)
    assert again.labels == first.labels
    path = run / "judgements" / "counting-v1.jsonl"
    assert again.files == [str(path)] and len(path.read_text().splitlines()) == 124


def test_interrupted_run_resumes_where_it_stopped(run):
    with pytest.raises(KeyboardInterrupt):
        run_judge(run, CountingJudge(fail_after=2), batch_size=40)
    assert len(JudgementCache(run / "judgements" / "counting-v1.jsonl").load()) == 80
    judge = CountingJudge()
    summary = run_judge(run, judge, batch_size=40)
    assert (judge.seen, summary.n_cached, summary.n_judged) == (44, 80, 44)
    assert sum(summary.labels.values()) == 124


def test_load_judgements_maps_doc_keys(run, offline_classifier):
    run_judge(run, offline_classifier)
    labels = load_judgements(run)
    docs = [json.loads(line)["doc"] for line in next(run.glob("samples_pct_open_*")).read_text().splitlines()]
    assert len(labels) == 124
    assert all(labels[d["doc_key"]] == Stance(truth(d)) for d in docs)
    records = judged_records(run)
    opened = [r for r in records if r.setting == "open"]
    assert {r.doc_key: r.stance for r in opened} == {k: v.value for k, v in labels.items()}
    assert all(r.stance != "unjudged" for r in opened)


def test_several_judges_need_a_judge_id(run, offline_classifier):
    run_judge(run, offline_classifier)
    run_judge(run, CountingJudge())
    with pytest.raises(PctInputError, match="judged by several judges"):
        load_judgements(run)
    assert set(load_judgements(run, judge_id="counting-v1").values()) <= {Stance.AGREE, Stance.DISAGREE}


def test_newer_offline_rules_supersede_older_ones(run, caplog):
    """After an upgrade the old offline labels stay on disk; the newest rules are read."""

    class Offline(CountingJudge):
        def __init__(self, judge_id, stance):
            super().__init__()
            self.judge_id, self.stance = judge_id, stance

        def judge(self, pairs):
            return [JudgeReply(self.stance, "fixed") for _ in pairs]

    run_judge(run, Offline("offline-v2-aaaaaaaa", Stance.AGREE))
    run_judge(run, Offline("offline-v10-bbbbbbbb", Stance.DISAGREE))
    with caplog.at_level("WARNING"):
        labels = load_judgements(run)
    assert labels and set(labels.values()) == {Stance.DISAGREE}
    assert "offline-v2-aaaaaaaa" in caplog.text and "superseded" in caplog.text
    # A judge of another kind beside them is still ambiguous.
    run_judge(run, CountingJudge())
    with pytest.raises(PctInputError, match="judged by several judges"):
        load_judgements(run)


def test_no_judge_yet_gives_no_labels(run):
    assert load_judgements(run) == {}


def test_a_second_run_with_the_same_answers_is_copied_not_judged(tmp_path):
    a = write_run(tmp_path / "a", templates=(0,), personas=["18"])
    b = write_run(tmp_path / "b", templates=(0,), personas=["18"])
    run_judge(a, CountingJudge())
    judge = CountingJudge()
    summary = run_judge([a, b], judge)
    assert (judge.calls, summary.n_cached) == (0, 62)
    assert len(load_judgements(b)) == 62


def test_summary_counts_unreadable_replies_and_answers_apart(tmp_path):
    """Issue 14.2: one unreadable reply shared by two answers is 1 reply, 2 answers."""
    a = write_run(tmp_path / "a", templates=(0,), personas=["18"])
    b = write_run(tmp_path / "b", templates=(0,), personas=["18"])

    class Garbled(CountingJudge):
        judge_id = "garbled-v1"

        def judge(self, pairs):
            self.seen += len(pairs)
            return [JudgeReply(None, "", error="unreadable") for _ in pairs]

    judge = Garbled()
    summary = run_judge([a, b], judge)
    assert judge.seen == 62  # the two runs share their 62 answers: each is asked once
    assert (summary.n_failed_replies, summary.n_failed) == (62, 124)


def test_empty_answers_are_none_without_a_call(tmp_path):
    from pct_tasks.tasks.variants import build_docs

    key = build_docs("open", templates=[0], personas=["18"])[0]["doc_key"]
    run = write_run(tmp_path / "m", templates=(0,), personas=["18"], responses={key: ""})
    judge = CountingJudge()
    run_judge(run, judge)
    assert judge.seen == 61 and load_judgements(run)[key] == Stance.NONE


def test_no_open_answers_is_a_clear_error(tmp_path):
    run = write_run(tmp_path / "m", templates=(0,), personas=["18"])
    next(run.glob("samples_pct_open_*")).unlink()
    with pytest.raises(PctInputError, match="no open answers"):
        run_judge(run, CountingJudge())
