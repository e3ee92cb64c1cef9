"""Judge labels survive parser changes, damaged cache lines and concurrent judges."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pct_tasks.judge import JudgeReply, load_judgements, run_judge
from pct_tasks.judge.cache import Judgement, text_hash
from pct_tasks.labels import Stance
from tests.pct_tasks.judge.synthetic_run import write_run


class KeywordJudge:
    judge_id = "kw-v1"

    def __init__(self, hold: threading.Event | None = None):
        self.seen, self.hold = 0, hold

    def judge(self, pairs):
        if self.hold is not None:
            self.hold.wait(5)
        self.seen += len(pairs)
        return [JudgeReply(Stance.DISAGREE if "against" in a else Stance.AGREE, "kw") for _, a in pairs]


@pytest.fixture
def run(tmp_path):
    return write_run(tmp_path / "m", templates=(0,), personas=["18"], closed=False)


def _cache(run) -> Path:
    return run / "judgements" / "kw-v1.jsonl"


def test_a_parser_change_loses_no_label(run, monkeypatch):
    run_judge(run, KeywordJudge())
    before = load_judgements(run)
    assert len(before) == 62

    import pct_tasks.io.records as records
    from pct_tasks.tasks.parsing import parse_answer

    def changed_parser(*args, **kwargs):  # a new justification extraction
        parsed = parse_answer(*args, **kwargs)
        return type(parsed)(**{**parsed.__dict__, "justification": "changed: " + parsed.justification})

    monkeypatch.setattr(records, "parse_answer", changed_parser)
    assert load_judgements(run) == before
    judge = KeywordJudge()
    assert run_judge(run, judge).n_judged == 0 and judge.seen == 0


def test_format_1_caches_are_still_read(run):
    from pct_tasks.io.records import read_samples
    from pct_tasks.judge.stage import answer_text

    recs = [r for r in read_samples(run) if r.setting == "open"]
    old = [Judgement("kw-v1", r.proposition_id, text_hash(answer_text(r)), Stance.AGREE) for r in recs]
    lines = [json.dumps({k: v for k, v in json.loads(j.to_json()).items()
                         if k in ("judge_id", "proposition_id", "text_sha256", "stance", "rationale", "error", "reply")}
                        | {"format": 1}) for j in old]
    _cache(run).parent.mkdir()
    _cache(run).write_text("\n".join(lines) + "\n")
    assert set(load_judgements(run).values()) == {Stance.AGREE} and len(load_judgements(run)) == 62
    judge = KeywordJudge()
    assert run_judge(run, judge).n_judged == 0 and judge.seen == 0


def test_a_corrupted_line_is_discarded_with_a_warning_and_judged_again(run, caplog):
    run_judge(run, KeywordJudge())
    lines = _cache(run).read_text(encoding="utf-8").splitlines()
    obj = json.loads(lines[10])
    flipped = "agree" if obj["stance"] != "agree" else "disagree"
    lines[10] = lines[10].replace(f'"stance": "{obj["stance"]}"', f'"stance": "{flipped}"')  # bit rot
    lines[20] = lines[20][: len(lines[20]) // 2]  # torn
    _cache(run).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(load_judgements(run)) == 60
    assert "discarded 2 damaged line(s)" in caplog.text
    judge = KeywordJudge()
    summary = run_judge(run, judge)
    assert (summary.n_judged, judge.seen) == (2, 2)
    assert load_judgements(run)[obj["doc_key"]] == Stance(obj["stance"])


def test_two_concurrent_judges_do_not_duplicate_work(run):
    hold = threading.Event()
    first, second = KeywordJudge(hold), KeywordJudge()
    t = threading.Thread(target=run_judge, args=(run, first))
    t.start()
    while not (run / "judgements" / "kw-v1.jsonl.lock").exists():
        pass
    t2 = threading.Thread(target=run_judge, args=(run, second))
    t2.start()
    time.sleep(1)  # let the second judge reach the lock (the assertions hold either way)
    hold.set()
    t.join(60)
    t2.join(60)
    assert (first.seen, second.seen) == (62, 0)
    assert len(_cache(run).read_text().splitlines()) == 62


@pytest.mark.slow
def test_two_pct_judge_processes_on_one_run(run):
    cmd = [sys.executable, "-c", "import sys; from pct_tasks.cli import main; sys.exit(main())",
           "judge", str(run), "--judge", "offline", "--json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=900) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    judged = sorted(json.loads(out)["n_judged"] for out, _ in outs)
    assert judged == [0, 62]
    (cache,) = (run / "judgements").glob("*.jsonl")
    assert len(cache.read_text().splitlines()) == 62
