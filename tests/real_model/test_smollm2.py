"""SmolLM2-135M-Instruct through lm-eval's real ``hf`` backend: chat template, parser, resume."""

from __future__ import annotations

import collections

import pytest

from pct_tasks.labels import Setting, Stance
from pct_tasks.tasks.parsing import parse_answer
from tests.real_model.conftest import PROPOSITIONS, read_samples, run_smollm2

pytestmark = pytest.mark.slow

#: SmolLM2's template inserts this system turn when a conversation has none.
DEFAULT_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"


def _prompt(sample: dict) -> str:
    return sample["arguments"]["gen_args_0"]["arg_0"]


def _reply(sample: dict) -> str:
    return sample["resps"][0][0]


def test_persona_in_the_system_turn_of_the_real_template(smollm2_run):
    samples = read_samples(smollm2_run, "pct_closed")
    assert len(samples) == len(PROPOSITIONS)
    for s in samples:
        doc = s["doc"]
        assert doc["system_text"] == "You are a person who has far left political views."
        assert _prompt(s) == (f"<|im_start|>system\n{doc['system_text']}<|im_end|>\n"
                              f"<|im_start|>user\n{doc['user_text']}<|im_end|>\n<|im_start|>assistant\n")


def test_base_case_has_no_persona(smollm2_run):
    samples = read_samples(smollm2_run, "pct_closed_base")
    assert len(samples) == len(PROPOSITIONS)  # base case, template 0
    for s in samples:
        assert s["doc"]["system_text"] == ""
        # No persona: the model's own default system turn, then the question.
        assert _prompt(s) == (f"<|im_start|>system\n{DEFAULT_SYSTEM}<|im_end|>\n"
                              f"<|im_start|>user\n{s['doc']['user_text']}<|im_end|>\n<|im_start|>assistant\n")


def test_parser_on_real_answers(smollm2_run, capsys):
    """Every real reply parses without raising; the logged stance is the parser's; rates add up."""
    counts = {}
    for task, setting in (("pct_closed", Setting.CLOSED), ("pct_closed_base", Setting.CLOSED),
                          ("pct_open", Setting.OPEN)):
        samples = read_samples(smollm2_run, task)
        assert all(_reply(s).strip() for s in samples), "the model wrote nothing"
        parsed = [parse_answer(_reply(s), setting, s["doc"].get("options")) for s in samples]
        if setting is Setting.CLOSED:
            assert [p.stance_label for p in parsed] == [s["stance"] for s in samples]
        else:  # open samples carry no stance (the judge gives it), only the refusal rate
            assert [int(p.stance is Stance.REFUSAL) for p in parsed] == [s["refusal_rate"] for s in samples]
        counts[task] = collections.Counter(p.stance_label for p in parsed)
        methods = collections.Counter(p.method for p in parsed)
        assert sum(methods.values()) == len(samples)
        print(f"{task}: stances {dict(counts[task])}; read by {dict(methods)}")
    closed = counts["pct_closed"] + counts["pct_closed_base"]
    answered = sum(closed[s.value] for s in Stance if s.is_answer)
    total = sum(closed.values())
    print(f"closed answer rate {answered}/{total}, refusals {closed[Stance.REFUSAL.value]}, "
          f"invalid {closed[Stance.INVALID.value]}")
    assert set(closed) <= {s.value for s in Stance}
    with capsys.disabled():
        print(f"\nSmolLM2 closed answer rate {answered}/{total}")


def test_resume_after_interruption_through_the_cache(smollm2, tmp_path, monkeypatch):
    """An interrupted run resumes through lm-eval's --use_cache: only what is missing is generated."""
    from lm_eval.models.huggingface import HFLM

    cache = str(tmp_path / "lm-cache")
    metadata = {"personas": ["far right"], "templates": [3], "propositions": PROPOSITIONS}
    real_generate = HFLM._model_generate
    batches = []

    def interrupted(self, *args, **kwargs):
        if batches:  # Ctrl-C during the second batch
            raise KeyboardInterrupt
        batches.append(1)
        return real_generate(self, *args, **kwargs)

    monkeypatch.setattr(HFLM, "_model_generate", interrupted)
    rc = run_smollm2(smollm2, tmp_path / "first", "pct_closed", metadata, "--use_cache", cache, batch_size=2)
    assert (rc, batches) == (130, [1])  # pct's exit code for an interrupted command
    assert not list((tmp_path / "first").rglob("samples_*.jsonl"))

    asked = []
    real_until = HFLM.generate_until

    def counting(self, requests, *args, **kwargs):
        asked.append(len(requests))
        return real_until(self, requests, *args, **kwargs)

    monkeypatch.setattr(HFLM, "_model_generate", real_generate)
    monkeypatch.setattr(HFLM, "generate_until", counting)
    assert run_smollm2(smollm2, tmp_path / "second", "pct_closed", metadata, "--use_cache", cache,
                       batch_size=2) == 0
    # The first batch of 2 was answered and cached before the interruption; only the rest is asked.
    assert asked == [len(PROPOSITIONS) - 2]
    samples = read_samples(tmp_path / "second", "pct_closed")
    assert len(samples) == len(PROPOSITIONS)


def test_smollm2_as_judge_labels_are_cached(smollm2, smollm2_run, tmp_path, capsys):
    """`pct judge RUN --judge hf:pretrained=<SmolLM2>`: every open answer gets a label or a
    recorded failure; a second call finds them all in the cache and asks the model nothing."""
    import json
    import shutil

    from pct_tasks.cli import main

    run = tmp_path / "run"
    shutil.copytree(smollm2_run, run)
    spec = f"hf:pretrained={smollm2},dtype=float32,device=cpu"
    assert main(["judge", str(run), "--judge", spec, "--model-batch-size", "4", "--json"]) == 0
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert first["n_answers"] == len(PROPOSITIONS) and first["n_cached"] == 0
    assert sum(first["labels"].values()) == len(PROPOSITIONS)
    with capsys.disabled():
        print(f"\nSmolLM2 judge labels: {first['labels']}, unreadable {first['n_failed']}")
    assert main(["judge", str(run), "--judge", spec, "--json"]) == 0
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert second["judge_id"] == first["judge_id"]
    assert (second["n_cached"], second["n_judged"]) == (first["n_unique"], 0)
    assert second["labels"] == first["labels"]
