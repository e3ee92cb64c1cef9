"""A run whose model writes pathological answers completes, and counts them invalid (issue 13)."""

import json

from lm_eval.api.registry import register_model

from pct_tasks.tasks.synthetic_lm import SyntheticLM
from tests.conftest import run_pct

#: proposition id -> the answer written for it instead of the synthetic one.
PATHOLOGICAL = {
    0: "[" * 5000,  # raised RecursionError in the JSON decoder
    1: '{"response": "a", ' * 30000,  # quadratic JSON recovery
    2: "agree " * 50000,  # quadratic option matching
    3: "{" * 200_000 + "I strongly agree",  # past the character cap
}


@register_model("pct-test-pathological")
class PathologicalLM(SyntheticLM):
    def generate_until(self, requests, disable_tqdm: bool = False) -> list[str]:
        out = super().generate_until(requests, disable_tqdm=True)
        return [PATHOLOGICAL.get((r.doc or {}).get("proposition_id"), text) for r, text in zip(requests, out, strict=True)]


def test_run_with_pathological_answers_completes(tmp_path):
    rc = run_pct(["--model", "pct-test-pathological", "--tasks", "pct_closed_base,pct_open_base",
                  "--metadata", json.dumps({"templates": [0]}), "--log_samples", "--output_path", str(tmp_path)])
    assert rc == 0
    (results,) = tmp_path.rglob("results_*.json")
    data = json.loads(results.read_text())
    closed = data["results"]["pct_closed_base"]
    assert data["n-samples"]["pct_closed_base"]["effective"] == 62
    assert closed["pct_econ,none"] is not None
    (samples,) = tmp_path.rglob("samples_pct_closed_base_*.jsonl")
    stances = {}
    for line in samples.read_text().splitlines():
        s = json.loads(line)
        stances[s["doc"]["proposition_id"]] = s["stance"]
    assert [stances[p] for p in PATHOLOGICAL] == ["invalid"] * 4
    assert sum(v == "invalid" for v in stances.values()) >= 4
    assert data["n-samples"]["pct_open_base"]["effective"] == 62
