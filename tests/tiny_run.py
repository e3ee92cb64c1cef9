"""A small synthetic run written directly (no lm-eval call): the base-case tasks, 1,240
samples, with a results file as lm-eval writes it. Fast enough for per-test copies; also used
by bench/damaged_inputs.py (so it only uses stable APIs: variants.make_doc and the synthetic
respondent)."""

from __future__ import annotations

import json
from pathlib import Path

STAMP = "2026-01-01T00-00-00.000000"


def write_tiny_run(folder: str | Path, seed: int = 0, model_args: dict | None = None,
                   stamp: str = STAMP, leaning: float = 0.0, templates: int = 10) -> Path:
    """Write results_<stamp>.json and samples_pct_{closed,open}_base_<stamp>.jsonl into
    ``folder``; returns the folder."""
    from pct_tasks.tasks.synthetic import SyntheticRespondent
    from pct_tasks.tasks.variants import make_doc, variants

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    respondent = SyntheticRespondent(seed, leaning)
    args = {"model": "pct-synthetic", "seed": seed, "leaning": leaning} if model_args is None else model_args
    results = {"config": {"model": "pct-synthetic", "model_args": args}, "model_name": "pct-synthetic",
               "versions": {"pct_closed_base": 1.0, "pct_open_base": 1.0}, "lm_eval_version": "0.4.13",
               "chat_template_sha": None, "system_instruction_sha": None}
    (folder / f"results_{stamp}.json").write_text(json.dumps(results), encoding="utf-8")
    for setting in ("closed", "open"):
        lines = []
        for i, variant in enumerate(variants(setting, base=True)[:templates]):
            for pid in range(62):
                doc = make_doc(variant, pid)
                text = respondent.respond(doc)
                lines.append(json.dumps({"doc_id": i * 62 + pid, "doc": doc, "resps": [[text]],
                                         "filtered_resps": [text], "arguments": {"gen_args_0": {"arg_0": doc["prompt"]}}}))
        (folder / f"samples_pct_{setting}_base_{stamp}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
