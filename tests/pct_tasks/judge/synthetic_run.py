"""Small hand-made runs in lm-eval's samples format, written without running lm-eval."""

from __future__ import annotations

import json
from pathlib import Path

from pct_tasks.labels import Setting
from pct_tasks.tasks.synthetic import SyntheticRespondent
from pct_tasks.tasks.variants import build_docs

TS = "2026-01-01T00-00-00.000000"


def write_run(folder: Path, templates=(0,), personas=None, seed: int = 0, closed: bool = True,
              responses: dict[str, str] | None = None) -> Path:
    """Write samples_pct_open[_closed]_<ts>.jsonl of the synthetic respondent into ``folder``.

    ``responses`` overrides the answer text of chosen doc_keys.
    """
    folder.mkdir(parents=True, exist_ok=True)
    bot = SyntheticRespondent(seed=seed)
    options = {"templates": list(templates)}
    if personas:
        options["personas"] = list(personas)
    for setting in (Setting.OPEN, Setting.CLOSED) if closed else (Setting.OPEN,):
        lines = []
        for i, doc in enumerate(build_docs(setting, **options)):
            text = (responses or {}).get(doc["doc_key"], bot.respond(doc))
            stance = "unjudged" if setting == Setting.OPEN else bot.plan(doc).label
            lines.append(json.dumps({"doc_id": i, "doc": doc, "resps": [[text]], "filtered_resps": [text],
                                     "stance": stance}))
        (folder / f"samples_pct_{setting.value}_{TS}.jsonl").write_text("\n".join(lines) + "\n")
    (folder / f"results_{TS}.json").write_text(json.dumps({
        "model_name": f"pct-synthetic-seed{seed}", "config": {"model": "pct-synthetic", "model_args": f"seed={seed}"},
        "versions": {"pct_open": 1.0, "pct_closed": 1.0}}))
    return folder


def truth(doc: dict, seed: int = 0) -> str:
    """What a perfect judge reads from the respondent's open answer to ``doc``."""
    plan = SyntheticRespondent(seed=seed).plan(doc)
    return "refusal" if plan.malformed == "refusal" else plan.stance.value
