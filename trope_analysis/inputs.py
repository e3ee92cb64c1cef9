"""From logged samples to the justification table the pipeline works on.

One row per sample with a justification: its identity (run, model, setting, persona,
template, proposition), its text and its stance. Closed answers carry the parsed stance. Open
answers carry the judge's label when a judge has labelled them (read from beside the run, or
given as a ``labels`` mapping); otherwise their stance is ``"unknown"``, and the outputs say
how many were unknown.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from pct_tasks.errors import PctInputError
from pct_tasks.io.provenance import run_labels
from pct_tasks.labels import UNJUDGED, Stance
from pct_tasks.tasks.parsing import MAX_PARSE_CHARS

#: The stance of an open answer that no judge has labelled (spelled once, in labels).
UNKNOWN = UNJUDGED


#: Characters of one answer that trope mining reads: the parser's cap, so a runaway 50 MB
#: answer costs no more than an ordinary long one. How many were cut is reported.
MAX_TEXT_CHARS = MAX_PARSE_CHARS

#: Columns of the justification table, in order.
COLUMNS = (
    "run_id", "model", "setting", "category", "persona", "template_id", "proposition_id",
    "proposition", "section", "variant", "doc_key", "stance", "side", "text", "source", "line",
)
_VALID = {s.value for s in Stance}

Labels = Mapping[Any, str]


def read_labels(path: str | os.PathLike) -> dict[Any, str]:
    """Read stance labels for open answers from a CSV or JSON-lines file.

    Each row needs ``doc_key`` and ``stance`` (or ``label``); with a ``run_id`` column the key
    is ``(run_id, doc_key)``, so several runs can be labelled in one file.
    """
    path = Path(path)
    if not path.is_file():
        raise PctInputError(f"{path}: no such labels file", hint="pass a CSV or JSONL with doc_key and stance")
    rows: list[tuple[int, dict[str, Any]]] = []
    if path.suffix.lower() in (".jsonl", ".json"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append((n, json.loads(line)))
                except ValueError as exc:
                    raise PctInputError(f"{path}:{n}: not a JSON line ({exc})", hint="one JSON object per line") from exc
    else:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = [(n, row) for n, row in enumerate(csv.DictReader(fh), 2)]
    out: dict[Any, str] = {}
    for n, row in rows:
        stance = row.get("stance", row.get("label")) if isinstance(row, dict) else None
        if not isinstance(row, dict) or not row.get("doc_key") or stance is None:
            raise PctInputError(f"{path}:{n}: a label row needs doc_key and stance (or label)",
                                hint="columns: [run_id,] doc_key, stance")
        stance = str(stance).strip().lower().replace(" ", "_")
        if stance not in _VALID:
            raise PctInputError(f"{path}:{n}: unknown stance {stance!r}",
                                hint=f"use one of {', '.join(sorted(_VALID))}")
        key = (row["run_id"], row["doc_key"]) if row.get("run_id") else row["doc_key"]
        out[key] = stance
    return out


def side_of(stance: str, level: str = "direction") -> str:
    """The group a stance falls in: its direction (agree/disagree/none) or the stance itself."""
    if stance not in _VALID:
        return UNKNOWN
    return Stance(stance).direction if level == "direction" else stance


def read_records(paths: Iterable[str | os.PathLike], judge_id: str | None = None) -> list[Any]:
    """The samples under ``paths``, with the judge's labels applied where present."""
    try:
        from pct_tasks.judge import judged_records
    except ImportError:  # pragma: no cover - the judge package ships with pct_tasks
        from pct_tasks.io.records import read_samples

        return read_samples(list(paths))
    return judged_records(list(paths), judge_id=judge_id)


def justification_table(records: Iterable[Any], labels: Labels | None = None, level: str = "direction") -> pd.DataFrame:
    """One row per record with a non-empty justification (see ``COLUMNS``).

    Args:
        records: ``SampleRecord`` objects (or anything with their attributes).
        labels: stance labels for open answers, keyed by ``(run_id, doc_key)`` or ``doc_key``;
            they override what the records carry.
        level: "direction" groups agree/strongly agree together (the paper); "stance" keeps
            the four answers apart.
    """
    if level not in ("direction", "stance"):
        raise ValueError(f"justification_table: level must be 'direction' or 'stance', got {level!r}")
    labels = labels or {}
    records = list(records)
    names = run_labels({r.run_id: {"model": r.model, "model_args": r.model_args} for r in records})
    rows, n_capped = [], 0
    for r in records:
        raw = r.justification or ""
        n_capped += len(raw) > MAX_TEXT_CHARS
        text = raw[:MAX_TEXT_CHARS].strip()
        if not text:
            continue
        stance = str(r.stance)
        if r.setting == "open":
            stance = labels.get((r.run_id, r.doc_key), labels.get(r.doc_key, stance))
        if stance not in _VALID:
            stance = UNKNOWN
        if stance == Stance.INVALID:
            continue  # nothing could be read from it; its text is not a justification
        rows.append((
            r.run_id, names[r.run_id], r.setting, r.category, r.persona, int(r.template_id), int(r.proposition_id),
            r.proposition, r.section, r.variant, r.doc_key, stance, side_of(stance, level), text,
            str(r.source), int(r.line),
        ))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    # A fixed order whatever order the files were found in: byte-identical outputs.
    frame = frame.sort_values(["run_id", "doc_key", "source", "line"], kind="stable").reset_index(drop=True)
    frame.attrs["n_capped"] = n_capped
    return frame


__all__ = ["COLUMNS", "MAX_TEXT_CHARS", "UNKNOWN", "justification_table", "read_labels", "read_records", "side_of"]
