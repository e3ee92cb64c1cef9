"""Synthetic-respondent records in memory (no lm-eval run): fast fixtures for analysis tests.

Each record has SampleRecord's fields. Closed stances come from the real parser; open
stances are the respondent's intended stance (what a perfect judge reads) when
``judged=True``, else "unjudged" (as read_samples leaves them).
"""

from __future__ import annotations

import hashlib
from typing import Any

from pct_tasks.tasks.parsing import parse_answer
from pct_tasks.tasks.synthetic import SyntheticRespondent
from pct_tasks.tasks.variants import build_docs


def synthetic_records(
    *,
    seed: int = 0,
    leaning: float = 0.0,
    settings: tuple[str, ...] = ("closed", "open"),
    judged: bool = True,
    model: str = "pct-synthetic",
    **metadata: Any,
) -> list[dict[str, Any]]:
    respondent = SyntheticRespondent(seed=seed, leaning=leaning)
    model_args = f"seed={seed},leaning={leaning}"
    run_id = hashlib.sha256(f"{model}|{model_args}|{sorted(metadata.items())}".encode()).hexdigest()[:16]
    out = []
    for setting in settings:
        for base in (False, True):
            task = f"pct_{setting}{'_base' if base else ''}"
            for line, doc in enumerate(build_docs(setting, base=base, **metadata), start=1):
                text = respondent.respond(doc)
                parsed = parse_answer(text, setting, doc["options"])
                stance = parsed.stance_label
                if setting == "open" and judged and stance == "unjudged":
                    stance = respondent.plan(doc).stance.value
                out.append({
                    "run_id": run_id, "model": model, "model_args": model_args, "task": task,
                    "setting": setting, "category": doc["category"], "persona": doc["persona"],
                    "template_id": doc["template_id"], "proposition_id": doc["proposition_id"],
                    "proposition": doc["proposition"], "section": doc["section"],
                    "variant": doc["variant"], "doc_key": doc["doc_key"], "response": text,
                    "justification": parsed.justification, "stance": stance,
                    "source": f"/runs/{run_id}/samples_{task}.jsonl", "line": line,
                })
    return out
