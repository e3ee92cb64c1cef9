"""lm-eval hooks of the ``pct_open_judge`` task (``task_configs/pct_open_judge.yaml``).

The task's documents are the open answers to judge, named in ``--metadata``:

* ``{"samples": "RUN_DIR_OR_SAMPLES_FILE"}`` (or a list): every open answer found there,
  one document per distinct (proposition, answer text);
* ``{"judge_input": "FILE.jsonl"}``: a prepared list, one JSON object per line with
  ``proposition_id``, ``proposition`` and ``answer`` (what ``LMJudge`` writes for the answers
  not yet cached).

Each document carries the judge prompt (``description``, ``prompt``); the reply is
read by ``prompt.parse_reply`` and logged as ``label`` (``invalid`` when unreadable).
Documents carry no ``variant`` field, so the judge's own logged samples are never mistaken
for PCT answers by ``records.read_samples``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pct_tasks.errors import PctInputError
from pct_tasks.judge.cache import text_hash
from pct_tasks.judge.prompt import SYSTEM_PROMPT, parse_reply, user_text
from pct_tasks.labels import Stance


def make_doc(proposition_id: int, proposition: str, answer: str) -> dict[str, Any]:
    """One judge document."""
    digest = text_hash(answer)
    return {
        # Unique per prompt shown, so replies map back even without proposition ids.
        "judge_key": text_hash(f"{proposition}\n{answer}"),
        "proposition_id": int(proposition_id),
        "proposition": proposition,
        "answer": answer,
        "text_sha256": digest,
        # Field names read by _pct_template_yaml (description = system turn, prompt = user
        # turn); the description ends with a blank line for plain-text (non-chat) models.
        "description": f"{SYSTEM_PROMPT}\n\n",
        "prompt": user_text(proposition, answer),
        "target": "",
    }


def _from_samples(paths: Any) -> list[dict[str, Any]]:
    from pct_tasks.judge.stage import _open_records, answer_text

    docs: dict[str, dict[str, Any]] = {}
    for r in _open_records(paths if isinstance(paths, list) else [paths]):
        doc = make_doc(r.proposition_id, r.proposition, answer_text(r))
        docs.setdefault(doc["judge_key"], doc)
    return list(docs.values())


def _from_input(path: str) -> list[dict[str, Any]]:
    docs = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                docs.append(make_doc(obj["proposition_id"], obj["proposition"], obj["answer"]))
            except (ValueError, KeyError, TypeError) as exc:
                raise PctInputError(
                    f"{path}:{n}: not a judge input line ({exc})",
                    hint='each line must be {"proposition_id": ..., "proposition": ..., "answer": ...}',
                ) from exc
    return docs


def judge_docs(**metadata: Any):
    """``custom_dataset`` hook: the documents named by ``samples`` or ``judge_input``."""
    import datasets

    if metadata.get("judge_input"):
        docs = _from_input(metadata["judge_input"])
    elif metadata.get("samples"):
        docs = _from_samples(metadata["samples"])
    else:
        raise PctInputError(
            "pct_open_judge needs the answers to judge",
            hint="""pass --metadata '{"samples": "RUN_DIR"}' (or use `pct judge RUN_DIR --judge ...`)""",
        )
    return {"test": datasets.Dataset.from_list(docs)}


def process_results(doc: dict[str, Any], results: Sequence[str]) -> dict[str, Any]:
    """Per-document metrics: whether the reply was readable, and the label."""
    reply = parse_reply(results[0] if results else "")
    label = reply.stance.value if reply.stance is not None else Stance.INVALID.value
    return {
        "judged_rate": float(reply.ok),
        "none_rate": float(reply.stance == Stance.NONE),
        "refusal_rate": float(reply.stance == Stance.REFUSAL),
        "label": label,
    }


__all__ = ["judge_docs", "make_doc", "process_results"]
