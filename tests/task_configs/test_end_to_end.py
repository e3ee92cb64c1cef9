"""All four tasks through lm-eval on the synthetic respondent; results equal the exact ones."""

import json
from collections import Counter

import pytest

from pct_tasks.io.records import iter_samples, read_samples
from pct_tasks.labels import Setting, Stance
from pct_tasks.tasks.parsing import parse_answer
from pct_tasks.tasks.scoring import summarise, variant_coordinates
from pct_tasks.tasks.synthetic import expected_label
from pct_tasks.tasks.variants import build_docs


def _results(run_dir):
    (path,) = run_dir.rglob("results_*.json")
    return json.loads(path.read_text())


def _expected_summary(setting, base):
    docs = build_docs(setting, base=base)
    labels = {d["doc_key"]: expected_label(d, seed=0) for d in docs}
    items = [(d["variant"], d["proposition_id"], Stance(labels[d["doc_key"]]).answer_index) for d in docs]
    coords = variant_coordinates(items)
    kept = [c for c in coords.values() if c.complete and c.n_valid]
    return labels, summarise([c.econ for c in kept]), summarise([c.social for c in kept])


@pytest.mark.parametrize("task, base", [("pct_closed", False), ("pct_closed_base", True)])
def test_closed_coordinates_equal_the_exact_ones(_synthetic_full_run, task, base):
    labels, econ, social = _expected_summary("closed", base)
    res = _results(_synthetic_full_run)["results"][task]
    assert res["pct_econ,none"] == pytest.approx(econ.mean, abs=1e-12)
    assert res["pct_social,none"] == pytest.approx(social.mean, abs=1e-12)
    assert res["pct_econ_spread,none"] == pytest.approx(econ.spread, abs=1e-12)
    assert res["pct_social_ci_low,none"] == pytest.approx(social.ci_low, abs=1e-12)
    assert res["pct_econ_se,none"] == pytest.approx(econ.se, abs=1e-12)
    counts = Counter(labels.values())
    n = sum(counts.values())
    assert res["answer_rate,none"] == pytest.approx(sum(counts[s.value] for s in Stance if s.is_answer) / n)
    assert res["refusal_rate,none"] == pytest.approx(counts["refusal"] / n)
    assert res["invalid_rate,none"] == pytest.approx(counts["invalid"] / n)
    assert res["n_variants,none"] == (10 if base else 210)
    # The planted format failures are real: some answers need repair, a few are lost.
    assert 0 < res["invalid_rate,none"] < 0.05


def test_every_sample_carries_the_expected_stance(_synthetic_full_run):
    files = sorted(_synthetic_full_run.rglob("samples_*.jsonl"))
    assert {f.name.split("_2")[0] for f in files} == {
        "samples_pct_closed", "samples_pct_open", "samples_pct_closed_base", "samples_pct_open_base"}
    total = 0
    for path in files:
        for _, sample in iter_samples(path):
            if sample["doc"]["setting"] == "closed":
                read = sample["stance"]
            else:  # open samples log no stance (the judge gives it); read the answer as the judge stage does
                assert "stance" not in sample
                read = parse_answer(sample["filtered_resps"][0], Setting.OPEN).stance_label
            assert read == expected_label(sample["doc"], seed=0)
            total += 1
    assert total == 27280


def test_open_metrics_and_records(_synthetic_full_run):
    res = _results(_synthetic_full_run)["results"]["pct_open"]
    assert "answer_rate,none" not in res  # an open answer's stance is the judge's to give
    assert 0 < res["refusal_rate,none"] < 0.03 and res["invalid_rate,none"] == 0.0
    records = read_samples(_synthetic_full_run)
    assert len(records) == 27280
    assert len({r.run_id for r in records}) == 1
    assert Counter(r.setting for r in records) == {"closed": 13640, "open": 13640}
    rec = next(r for r in records if r.doc_key == "closed/age=18/t9/p16")
    assert rec.model == "pct-synthetic" and rec.prompt.startswith("You are a person who is 18 years old.")
    assert rec.justification and "{" not in rec.justification
