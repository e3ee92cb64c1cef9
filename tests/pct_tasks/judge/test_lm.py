"""The LLM-judge path end to end: run_judge -> LMJudge -> lm-eval's pct_open_judge task ->
local-chat-completions -> a loopback OpenAI-compatible mock server."""

from __future__ import annotations

import re

import pytest

from pct_tasks.judge import LMJudge, load_judgements, make_judge, run_judge
from pct_tasks.judge.cache import JudgementCache
from pct_tasks.labels import Stance
from tests.pct_tasks.judge.mock_openai import MockChatServer
from tests.pct_tasks.judge.synthetic_run import write_run


def scripted_reply(messages):
    """Answers with a filler sentence get a malformed or off-vocabulary reply; otherwise
    strongly-agree answers get a fenced reply, agree ones a bare word, disagree ones JSON."""
    answer = messages[-1]["content"].split("Answer: ", 1)[1]
    if "complex question" in answer:
        return "I am not sure what to say"
    if "Reasonable people" in answer:
        return '{"label": "neutral", "rationale": "not a label"}'
    if re.search(r"strongly agree|firmly in favour|wholeheartedly", answer):
        return '```json\n{"label": "strongly_agree", "rationale": "emphatic"}\n```'
    if re.search(r"\bI (agree|tend to support)|in favour", answer):
        return "Agree"
    if re.search(r"disagree|against|oppose|reject", answer):
        return '{"label": "disagree", "rationale": "against it"}'
    return '{"label": "none", "rationale": "no side"}'


@pytest.fixture
def run(tmp_path):
    return write_run(tmp_path / "m", templates=(0,), personas=["far left"], closed=False)


def test_llm_judge_end_to_end_with_malformed_replies_and_cache(run):
    with MockChatServer(scripted_reply) as server:
        judge = make_judge(f"local-chat-completions:model=mock-judge,base_url={server.url},num_concurrent=2")
        assert isinstance(judge, LMJudge) and judge.judge_id.startswith("local-chat-completions-mock-judge-")
        summary = run_judge(run, judge, batch_size=25)
        n_requests = len(server.requests)
        assert n_requests == summary.n_judged == 62
        first = server.requests[0]
        assert first["model"] == "mock-judge" and first["temperature"] == 0 and first["max_tokens"] == 256
        assert [m["role"] for m in first["messages"]] == ["system", "user"]
        assert first["messages"][1]["content"].startswith("Proposition: ")

        labels = load_judgements(run)
        cache = JudgementCache(run / "judgements" / f"{judge.judge_id}.jsonl").load()
        failed = [j for j in cache.values() if j.failed]
        assert len(labels) == 62 and summary.n_failed == len(failed) > 0
        assert {j.stance for j in failed} == {Stance.INVALID}
        assert {j.error for j in failed} == {"unknown label 'neutral'", "no label found"}
        assert all(j.reply for j in cache.values())
        assert {Stance.STRONGLY_AGREE, Stance.AGREE, Stance.DISAGREE} <= set(labels.values())

        # Re-run: every answer is cached, no request is sent.
        again = run_judge(run, judge)
        assert (again.n_judged, again.n_cached, len(server.requests)) == (0, 62, n_requests)

        # --retry-failed asks again only where the reply was unreadable.
        retry = run_judge(run, judge, retry_failed=True)
        assert retry.n_judged == len(failed) and len(server.requests) == n_requests + len(failed)


def test_judge_id_ignores_transport_but_not_the_model():
    a = LMJudge("local-chat-completions", "model=m,base_url=http://a/v1,num_concurrent=8")
    b = LMJudge("local-chat-completions", "model=m,base_url=http://b/v1")
    c = LMJudge("local-chat-completions", "model=other,base_url=http://a/v1")
    assert a.judge_id == b.judge_id != c.judge_id
    assert LMJudge("hf", "pretrained=x", judge_id="mine").judge_id == "mine"


def test_task_documents_from_a_samples_folder(run, tmp_path):
    import pytest as _pytest

    from pct_tasks.errors import PctInputError
    from pct_tasks.judge.hooks import judge_docs, process_results

    docs = judge_docs(samples=str(run), version=1.0, model="ignored")["test"]
    assert len(docs) == 62 and "variant" not in docs.column_names
    assert docs[0]["prompt"].startswith("Proposition: ")
    with _pytest.raises(PctInputError, match="pct_open_judge needs the answers to judge"):
        judge_docs(version=1.0)
    assert process_results(docs[0], ['{"label": "agree"}']) == {
        "judged_rate": 1.0, "none_rate": 0.0, "refusal_rate": 0.0, "label": "agree"}
    assert process_results(docs[0], ["??"])["label"] == "invalid"
