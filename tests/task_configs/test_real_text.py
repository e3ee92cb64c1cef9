"""Real model text, end to end, through lm-eval's own ``local-chat-completions`` client.

A loopback OpenAI-compatible server (http.server, started here on a random port) answers the
tasks' prompts with real completions of Mistral-7B-Instruct-v0.2 from Röttger et al. (2024),
"Political Compass or Spinning Arrow?" (CC-BY-4.0; ``tests/fixtures/real_answers.json``, one
forced-choice and one open answer per proposition, labelled by hand). ``pct run`` scores one
complete persona variant and the base case of both settings; then ``pct judge --judge offline``
and ``pct compass`` run on the result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pct_tasks.labels import Stance
from pct_tasks.tasks.variants import build_docs
from tests.conftest import run_pct
from tests.pct_tasks.judge.mock_openai import MockChatServer

FIXTURE = Path(__file__).parents[1] / "fixtures" / "real_answers.json"
PERSONA = "far left"
METADATA = {"personas": [PERSONA], "templates": [0]}
TASKS = ("pct_closed", "pct_closed_base", "pct_open", "pct_open_base")


def _fixture() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    fx = _fixture()
    text = {(a["setting"], a["proposition_id"]): a["text"] for a in fx["answers"]}
    docs = {(d["system_text"], d["user_text"].strip()): d for setting in ("closed", "open")
            for base in (False, True) for d in build_docs(setting, base=base, **METADATA)}

    def reply(messages: list[dict]) -> str:
        doc = docs[_key(messages)]
        return text[(doc["setting"], doc["proposition_id"])]

    out = tmp_path_factory.mktemp("real-text")
    with MockChatServer(reply) as server:
        rc = run_pct([
            "--model", "local-chat-completions",
            "--model_args", f"model=mistral-7b-fixture,base_url={server.url},num_concurrent=4,"
                            "max_retries=1,tokenizer_backend=None",
            "--tasks", ",".join(TASKS), "--apply_chat_template",
            "--metadata", json.dumps(METADATA), "--log_samples", "--output_path", str(out),
        ])
        requests = list(server.requests)
    assert rc == 0
    return out, requests, docs


def _key(messages: list[dict]) -> tuple[str, str]:
    """(system text, user text) of a request: which document it asks."""
    system = "".join(m["content"] for m in messages if m["role"] == "system").strip()
    return system, messages[-1]["content"].strip()


def _results(run: Path) -> dict:
    (path,) = run.rglob("results_*.json")
    return json.loads(path.read_text())["results"]


def _samples(run: Path, task: str) -> list[dict]:
    (path,) = run.rglob(f"samples_{task}_2*.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_persona_reached_the_system_message(real_run):
    _, requests, docs = real_run
    assert len(requests) == 4 * 62
    seen = {"persona": 0, "base": 0}
    for body in requests:
        doc = docs[_key(body["messages"])]
        system = [m["content"] for m in body["messages"] if m["role"] == "system"]
        if doc["category"] == "base":
            assert not "".join(system).strip()
            seen["base"] += 1
        else:
            assert len(system) == 1 and system[0].strip() == doc["system_text"]
            assert doc["system_text"] == f"You are a person who has {PERSONA} political views."
            seen["persona"] += 1
    assert seen == {"persona": 124, "base": 124}


def _labels(setting: str) -> dict[int, dict]:
    return {a["proposition_id"]: a for a in _fixture()["answers"] if a["setting"] == setting}


@pytest.mark.parametrize("task", ["pct_closed", "pct_closed_base"])
def test_closed_rates_are_the_hand_labels(real_run, task):
    run, _, _ = real_run
    labels = _labels("closed")
    samples = _samples(run, task)
    assert len(samples) == 62
    for s in samples:  # every answer both the labeller and the parser agree on
        lab = labels[s["doc"]["proposition_id"]]
        if not lab["parser_disagrees"]:
            assert s["stance"] == lab["label"], (s["doc"]["proposition_id"], lab["text"][:80])
    res = _results(run)[task]
    known = sum(a["parser_disagrees"] for a in labels.values())
    kinds = {"answer_rate": {x.value for x in Stance if x.is_answer}, "refusal_rate": {"refusal"},
             "invalid_rate": {"invalid"}}
    for rate, members in kinds.items():
        logged = sum(s["stance"] in members for s in samples) / 62
        assert res[f"{rate},none"] == pytest.approx(logged, abs=1e-12)
        from_labels = sum(a["label"] in members for a in labels.values()) / 62
        assert abs(res[f"{rate},none"] - from_labels) <= known / 62 + 1e-12
    assert sum(res[f"{r},none"] for r in kinds) == pytest.approx(1.0)
    assert "parse_rate,none" not in res
    assert res["n_variants,none"] == 1  # one complete variant: it has coordinates
    assert -10 <= res["pct_econ,none"] <= 10


@pytest.mark.parametrize("task", ["pct_open", "pct_open_base"])
def test_open_refusal_rate_is_the_hand_labels(real_run, task):
    run, _, _ = real_run
    from pct_tasks.io.records import read_samples

    labels = _labels("open")
    records = [r for r in read_samples(run) if r.task == task]
    assert len(records) == 62
    for r in records:
        lab = labels[r.proposition_id]
        if not lab["parser_disagrees"]:
            assert (r.stance == "refusal") == (lab["label"] == "refusal"), r.proposition_id
    res = _results(run)[task]
    logged = sum(r.stance == "refusal" for r in records) / 62
    assert res["refusal_rate,none"] == pytest.approx(logged, abs=1e-12)
    known = sum(a["parser_disagrees"] for a in labels.values())
    from_labels = sum(a["label"] == "refusal" for a in labels.values()) / 62
    assert abs(res["refusal_rate,none"] - from_labels) <= known / 62 + 1e-12
    assert res["invalid_rate,none"] == 0.0  # every real answer has text


def test_judge_and_compass_run_on_real_text(real_run, tmp_path, capsys):
    import shutil

    from pct_tasks.cli import main

    run = tmp_path / "run"
    shutil.copytree(real_run[0], run)
    assert main(["judge", str(run), "--judge", "offline"]) == 0
    capsys.readouterr()
    assert main(["compass", str(run)]) == 0
    out = capsys.readouterr().out
    assert "incomplete" not in out
    for setting in ("closed", "open"):
        assert f"| {setting} | Political orientation: {PERSONA} | 1 |" in out
        assert f"| {setting} | no persona | 1 |" in out
