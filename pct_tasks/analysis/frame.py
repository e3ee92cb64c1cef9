"""Logged samples of one or many runs as one table, with each run's identity.

This is the only place the analysis touches files: :func:`load_runs` reads lm-eval's samples
(through :mod:`pct_tasks.io.records`, which finds runs by content) and, where a judge has
labelled the open answers, takes the judged stances (through :mod:`pct_tasks.judge`). Every
other analysis function works on the resulting :class:`RunData`.

Only **complete** prompt variants (all 62 answers present) are kept: a variant cut short by
``--limit``, a lone shard or a crash would be scored toward the formula's offsets. The
variants left out are counted in :attr:`RunData.incomplete`, and one note (the line every
command prints) says how many and how to complete them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pct_tasks.errors import PctInputError
from pct_tasks.io.provenance import describe_run, run_labels
from pct_tasks.labels import UNJUDGED, Stance
from pct_tasks.tasks.data import N_PROPOSITIONS
from pct_tasks.tasks.scoring import incomplete_line

#: The columns of :attr:`RunData.samples`, in order (SampleRecord's fields).
SAMPLE_COLUMNS: tuple[str, ...] = (
    "run_id",
    "model",
    "model_args",
    "task",
    "setting",
    "category",
    "persona",
    "template_id",
    "proposition_id",
    "proposition",
    "section",
    "variant",
    "doc_key",
    "response",
    "justification",
    "stance",
    "source",
    "line",
)
#: Low-cardinality columns stored as pandas categories (keeps a 100k-row frame small).
_CATEGORICAL = ("run_id", "model", "model_args", "task", "setting", "category", "persona",
                "variant", "section", "stance", "source", "proposition")

#: Stance label -> answer index (0..3) or None, for every label a record can carry.
ANSWER_INDEX: dict[str, int | None] = {s.value: s.answer_index for s in Stance} | {UNJUDGED: None}


@dataclass
class RunData:
    """Samples of one or many runs, ready for analysis.

    Attributes:
        samples: one row per logged sample, columns ``SAMPLE_COLUMNS``.
        runs: run id -> identity (model, model args, backend, chat template hash, task
            versions, lm-eval version; see ``pct_tasks.io.provenance.describe_run``).
        judge_status: run id -> share of its open answers that carry a judge's label
            (None where the run has no open answers).
        notes: things the reader of a report must know (no judge labels, dropped duplicates,
            incomplete variants left out).
        inputs: the paths given.
        incomplete: run id -> number of its variants left out as incomplete (runs with none
            are absent).
    """

    samples: pd.DataFrame
    runs: dict[str, dict[str, Any]]
    judge_status: dict[str, float | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    incomplete: dict[str, int] = field(default_factory=dict)

    @property
    def run_ids(self) -> list[str]:
        return list(self.runs)

    def label(self, run_id: str) -> str:
        """A short, unique display name for a run: the model, plus its args if needed."""
        return run_labels(self.runs)[run_id]

    def open_judged(self, run_id: str) -> bool:
        share = self.judge_status.get(run_id)
        return bool(share) and share > 0


def _get(record: Any, name: str) -> Any:
    return record.get(name) if isinstance(record, Mapping) else getattr(record, name, None)


def frame_from_records(records: Iterable[Any]) -> pd.DataFrame:
    """Turn SampleRecords (or dicts with the same keys) into the samples table."""
    cols: dict[str, list[Any]] = {c: [] for c in SAMPLE_COLUMNS}
    for rec in records:
        for c in SAMPLE_COLUMNS:
            cols[c].append(_get(rec, c))
    frame = pd.DataFrame(cols, columns=list(SAMPLE_COLUMNS))
    frame["stance"] = frame["stance"].map(_stance_str)
    for c in ("template_id", "proposition_id", "line"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").fillna(-1).astype("int32")
    for c in ("category", "persona", "model_args"):
        frame[c] = frame[c].fillna("").astype(str)
    for c in _CATEGORICAL:
        frame[c] = frame[c].astype("category")
    return frame


def _stance_str(value: Any) -> str:
    if value is None:
        return UNJUDGED
    return value.value if isinstance(value, Stance) else str(value)


def _read_records(paths: Sequence[str], judge: bool, judge_id: str | None) -> tuple[list[Any], list[str]]:
    from pct_tasks.io.records import read_samples

    notes: list[str] = []
    if not judge:
        return read_samples(paths), ["judge labels not used (--no-judge): open answers unjudged"]
    try:
        from pct_tasks.judge import judged_records
    except ImportError:
        notes.append("the judge stage is not installed: open answers are unjudged")
        return read_samples(paths), notes
    return judged_records(paths, judge_id=judge_id), notes


def _run_info(source: str) -> dict[str, Any] | None:
    try:
        from pct_tasks.io.records import read_run_info

        return describe_run(read_run_info(source))
    except (ImportError, PctInputError, OSError, ValueError):
        return None


def load_runs(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    judge: bool = True,
    judge_id: str | None = None,
    records: Iterable[Any] | None = None,
) -> RunData:
    """Read the samples of one or many runs (folders or ``samples_*.jsonl`` files).

    Args:
        paths: run folders or samples files; runs are told apart by content (``run_id``),
            so any number of runs may sit under one folder.
        judge: take the judge's labels for open answers where they exist.
        judge_id: which judge, when several have judged a run.
        records: already-read records (skips reading ``paths``; for tests and callers that
            hold them).

    Returns:
        A :class:`RunData`.

    Raises:
        PctInputError: no samples found, a malformed or truncated samples line (from
            ``read_samples``, naming the file and line), or two different answers to one
            document within one run.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [os.fspath(p) for p in paths]
    notes: list[str] = []
    if records is None:
        records, notes = _read_records(paths, judge, judge_id)
    samples = frame_from_records(records)
    if samples.empty:
        raise PctInputError(
            f"no PCT samples found in {', '.join(paths) or '(no paths)'}",
            hint="pass the --output_path folder of a run made with --log_samples on the pct tasks",
        )
    samples, dup_note = _drop_duplicates(samples)
    if dup_note:
        notes.append(dup_note)
    samples, incomplete, incomplete_note = _keep_complete(samples, paths)
    if incomplete_note:
        notes.insert(0, incomplete_note)

    runs: dict[str, dict[str, Any]] = {}
    for run_id, group in samples.groupby("run_id", observed=True, sort=False):
        first = group.iloc[0]
        info = _run_info(str(first["source"]))
        if info is None or info.get("run_id") != run_id:
            info = describe_run({"run_id": run_id, "model": first["model"],
                                 "model_args": first["model_args"]})
        info["run_id"] = str(run_id)
        info.setdefault("model", str(first["model"]))
        # Written with every output's provenance: how many samples were read, per task.
        info["samples_per_task"] = {str(t): int(n) for t, n in group.groupby("task", observed=True).size().items()}
        runs[str(run_id)] = info

    judge_status = _judge_status(samples, runs, notes)
    return RunData(samples, runs, judge_status, notes, paths, incomplete)


def _judge_status(samples: pd.DataFrame, runs: Mapping[str, Any], notes: list[str]) -> dict[str, float | None]:
    """Per run: the share of open answers a judge labelled (None without open answers); notes."""
    judge_status: dict[str, float | None] = {}
    open_rows = samples["setting"] == "open"
    for run_id in runs:
        mine = open_rows & (samples["run_id"] == run_id)
        n_open = int(mine.sum())
        if n_open == 0:
            judge_status[run_id] = None
            continue
        judged = float((samples.loc[mine, "stance"] != UNJUDGED).mean())
        # Refusals and empty answers are labelled by the parser; only a judge labels the rest.
        judged_by_judge = float(samples.loc[mine, "stance"].isin(
            [s.value for s in Stance if s.is_answer or s is Stance.NONE]).mean())
        judge_status[run_id] = judged_by_judge if judged_by_judge > 0 else 0.0
        if judged_by_judge == 0:
            notes.append(
                f"{run_labels(runs)[run_id]}: open answers have no judge labels, so open-setting "
                "coordinates and closed-vs-open comparisons are unavailable (run `pct judge`)"
            )
        elif judged < 1:
            notes.append(
                f"{run_labels(runs)[run_id]}: {judged:.1%} of open answers are judged; "
                "open results use the judged ones only"
            )
    return judge_status


def _keep_complete(samples: pd.DataFrame, paths: Sequence[str]) -> tuple[pd.DataFrame, dict[str, int], str | None]:
    """Drop the samples of variants with fewer than 62 answers; count them per run.

    Raises:
        PctInputError: no variant of any run is complete (nothing could be scored).
    """
    key = samples["run_id"].astype(str) + "\t" + samples["variant"].astype(str)
    given = samples.groupby(key, sort=False)["proposition_id"].nunique()
    short = given[given < N_PROPOSITIONS]
    if short.empty:
        return samples, {}, None
    per_run: dict[str, int] = {}
    for k in short.index:
        run_id = k.split("\t", 1)[0]
        per_run[run_id] = per_run.get(run_id, 0) + 1
    line = incomplete_line(len(short), len(given))
    if len(short) == len(given):
        raise PctInputError(f"{', '.join(paths) or 'the samples'}: {line}",
                            hint="coordinates exist only for whole variants")
    kept = samples[~key.isin(short.index)].reset_index(drop=True)
    for c in _CATEGORICAL:
        kept[c] = kept[c].cat.remove_unused_categories()
    return kept, per_run, line


def _drop_duplicates(samples: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """Keep one row per (run, document); the same file given twice is harmless, a clash is not."""
    keys = ["run_id", "doc_key"]
    dup = samples.duplicated(keys, keep=False)
    if not dup.any():
        return samples, None
    clash = samples[dup].groupby(keys, observed=True)["response"].nunique()
    clash = clash[clash > 1]
    if len(clash):
        (run_id, doc_key) = clash.index[0]
        rows = samples[(samples["run_id"] == run_id) & (samples["doc_key"] == doc_key)]
        where = "; ".join(f"{s}:{n}" for s, n in zip(rows["source"], rows["line"], strict=False))
        raise PctInputError(
            f"two different answers to document {doc_key} from runs with the same identity "
            f"(model, args, backend, chat template, task and lm-eval versions) ({where})",
            hint="pass one of these runs at a time (e.g. a re-run after a code change), or merge "
            "shards of one run only if they do not overlap",
        )
    n = int(samples.duplicated(keys).sum())
    return (
        samples.drop_duplicates(keys).reset_index(drop=True),
        f"{n} duplicate samples (the same document read twice) were counted once",
    )


__all__ = ["ANSWER_INDEX", "SAMPLE_COLUMNS", "UNJUDGED", "RunData", "frame_from_records",
           "load_runs", "run_labels"]
