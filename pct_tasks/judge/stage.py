"""The judge stage: label every open answer of one or more runs, cached beside each run.

Labels are written to ``<folder of samples_*.jsonl>/judgements/<judge id>.jsonl`` (see
``cache``). An answer whose (judge, proposition, text hash) is already cached anywhere among
the given runs costs no judge call; pending answers go to the judge in batches, and each batch
is appended and fsynced before the next starts, so an interrupted run resumes where it
stopped. Other stages read the labels with :func:`load_judgements` or :func:`judged_records`.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pct_tasks.errors import PctInputError
from pct_tasks.labels import Setting, Stance

from pct_tasks.judge import Judge
from pct_tasks.judge.cache import Judgement, JudgementCache, cache_path, judge_ids, text_hash

logger = logging.getLogger(__name__)

PathsLike = str | os.PathLike | Iterable[str | os.PathLike]


def answer_text(record: Any) -> str:
    """The text a judge reads: the parsed justification (the ``response`` field of the JSON
    answer), or the raw response when nothing could be parsed."""
    return (record.justification or "").strip() or (record.response or "").strip()


def _open_records(paths: PathsLike) -> list[Any]:
    from pct_tasks.io.records import read_samples

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = list(paths)
    records = [r for r in read_samples(paths) if r.setting == Setting.OPEN]
    if not records:
        raise PctInputError(
            f"no open answers (pct_open / pct_open_base samples) in {', '.join(map(str, paths))}",
            hint="judge runs made with --tasks pct_open (or pct) and --log_samples",
        )
    return records


def make_judge(spec: str = "offline", **kwargs: Any) -> Judge:
    """A ready judge from a command-line spec.

    Args:
        spec: ``"offline"`` for the offline classifier, or ``"MODEL[:ARGS]"`` for an lm-eval
            backend, e.g. ``"local-chat-completions:model=m,base_url=http://host/v1/chat/completions"``
            or ``"hf:pretrained=mistralai/Mistral-7B-Instruct-v0.3"`` (``MODEL ARGS`` with a
            space also works).
        **kwargs: passed to ``LMJudge`` (batch_size, apply_chat_template, ...).
    """
    spec = (spec or "").strip()
    if spec == "offline" or spec.startswith("offline:"):
        from pct_tasks.judge.offline import OfflineStanceClassifier

        return OfflineStanceClassifier().fit()
    from pct_tasks.judge.lm import LMJudge

    model, sep, args = spec.partition(":")
    if not sep and " " in spec:
        model, _, args = spec.partition(" ")
    if not model.strip():
        raise PctInputError(f"empty judge spec {spec!r}",
                            hint="use --judge offline or --judge MODEL:ARGS (an lm-eval model and its model_args)")
    return LMJudge(model=model.strip(), model_args=args.strip(), **kwargs)


@dataclass
class JudgeRunSummary:
    """What one :func:`run_judge` call did."""

    judge_id: str
    n_answers: int = 0  # open answers found
    n_unique: int = 0  # distinct (proposition, text) among them
    n_cached: int = 0  # distinct ones already judged (no judge call)
    n_judged: int = 0  # distinct ones sent to the judge now
    n_failed: int = 0  # of the answers, how many have an unreadable judge reply
    labels: Counter = field(default_factory=Counter)  # label -> number of answers
    files: list[str] = field(default_factory=list)


def run_judge(
    paths: PathsLike,
    judge: Judge,
    *,
    batch_size: int = 256,
    retry_failed: bool = False,
    show_progress_bar: bool | None = None,
) -> JudgeRunSummary:
    """Judge every open answer under ``paths``; returns counts (labels are in the files).

    Args:
        paths: run folders or samples files (as ``records.read_samples`` takes them).
        judge: any :class:`~pct_tasks.judge.Judge`.
        batch_size: answers per judge call; each batch is fsynced before the next.
        retry_failed: send answers whose cached reply was unreadable to the judge again.
        show_progress_bar: None shows a bar when logging is at INFO or below.
    """
    if int(batch_size) < 1:
        raise PctInputError(f"batch_size must be >= 1, got {batch_size!r}", hint="use e.g. 256")
    records = _open_records(paths)
    jid = judge.judge_id
    summary = JudgeRunSummary(judge_id=jid, n_answers=len(records))

    caches: dict[Path, JudgementCache] = {}
    have: dict[Path, dict] = {}
    for r in records:
        folder = Path(r.source).parent
        if folder not in caches:
            caches[folder] = JudgementCache(cache_path(folder, jid))
            have[folder] = caches[folder].load()
    known: dict[tuple, Judgement] = {}
    for judgements in have.values():
        known.update(judgements)

    texts: dict[tuple, tuple[str, str]] = {}  # key -> (proposition, answer)
    needed_by: dict[tuple, set[Path]] = {}
    for r in records:
        text = answer_text(r)
        key = (jid, r.proposition_id, text_hash(text))
        texts.setdefault(key, (r.proposition, text))
        needed_by.setdefault(key, set()).add(Path(r.source).parent)
    summary.n_unique = len(texts)

    def usable(j: Judgement | None) -> bool:
        return j is not None and not (retry_failed and j.failed)

    # Judged in one folder but not in another (a second run with the same text): copy.
    copies: dict[Path, list[Judgement]] = {}
    pending: list[tuple] = []
    for key, folders in needed_by.items():
        j = known.get(key)
        if usable(j):
            summary.n_cached += 1
            for folder in folders:
                if not usable(have[folder].get(key)):
                    copies.setdefault(folder, []).append(j)
        else:
            pending.append(key)
    for folder, js in copies.items():
        caches[folder].append(js)

    # Empty answers take no side and need no judge call.
    empty = [k for k in pending if not texts[k][1]]
    pending = [k for k in pending if texts[k][1]]
    fresh = [Judgement(*k, stance=Stance.NONE, rationale="empty answer (not sent to the judge)") for k in empty]
    _store(fresh, needed_by, caches, known)

    summary.n_judged = len(pending)
    bar = _progress(len(pending), show_progress_bar, f"judging with {jid}")
    try:
        for start in range(0, len(pending), int(batch_size)):
            batch = pending[start:start + int(batch_size)]
            replies = judge.judge([texts[k] for k in batch])
            if len(replies) != len(batch):
                raise RuntimeError(f"judge {jid} returned {len(replies)} replies for {len(batch)} answers")
            made = [
                Judgement(*k, stance=rep.stance if rep.stance is not None else Stance.INVALID,
                          rationale=rep.rationale, error=rep.error, reply=rep.raw)
                for k, rep in zip(batch, replies, strict=False)
            ]
            _store(made, needed_by, caches, known)
            if bar is not None:
                bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()

    for r in records:
        j = known.get((jid, r.proposition_id, text_hash(answer_text(r))))
        if j is not None:
            summary.labels[j.stance.value] += 1
            summary.n_failed += j.failed
    summary.files = sorted(str(c.path) for c in caches.values())
    return summary


def _store(made: list[Judgement], needed_by: dict, caches: dict, known: dict) -> None:
    by_folder: dict[Path, list[Judgement]] = {}
    for j in made:
        known[j.key] = j
        for folder in needed_by[j.key]:
            by_folder.setdefault(folder, []).append(j)
    for folder, js in by_folder.items():
        caches[folder].append(js)


def _progress(total: int, show: bool | None, desc: str):
    if show is None:
        show = logging.getLogger().getEffectiveLevel() <= logging.INFO
    if not show or total == 0:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="answer")


# -- reading labels back (the API other stages use) ---------------------------------------


def _resolve_judge_id(folders: Iterable[Path], judge_id: str | None, where: str) -> str | None:
    found = sorted({jid for f in folders for jid in judge_ids(f)})
    if judge_id is not None:
        return judge_id
    if len(found) > 1:
        raise PctInputError(
            f"{where}: judged by several judges ({', '.join(found)})",
            hint="pass judge_id= (or --judge-id) naming one of them",
        )
    return found[0] if found else None


def _labels_for(records: list[Any], judge_id: str | None, where: str) -> dict[int, Stance]:
    """index into ``records`` -> label, for the judged ones."""
    folders = sorted({Path(r.source).parent for r in records})
    jid = _resolve_judge_id(folders, judge_id, where)
    if jid is None:
        return {}
    known: dict[tuple, Judgement] = {}
    for folder in folders:
        known.update(JudgementCache(cache_path(folder, jid)).load())
    out = {}
    for i, r in enumerate(records):
        j = known.get((jid, r.proposition_id, text_hash(answer_text(r))))
        if j is not None:
            out[i] = j.stance
    return out


def load_judgements(run_dir: str | os.PathLike, judge_id: str | None = None) -> dict[str, Stance]:
    """``doc_key -> Stance`` for every judged open answer under ``run_dir``.

    Values are judge labels, or ``Stance.INVALID`` where the judge's reply was unreadable;
    unjudged answers are absent (an empty dict when no judge has run). ``judge_id=None`` takes
    the only judge present and raises ``PctInputError`` when there are several. Raises
    ``PctInputError`` when ``run_dir`` holds several runs whose doc_keys collide.
    """
    records = _open_records(run_dir)
    runs_by_key: dict[str, str] = {}
    for r in records:
        if runs_by_key.setdefault(r.doc_key, r.run_id) != r.run_id:
            raise PctInputError(
                f"{run_dir}: holds several runs with the same documents (e.g. {r.doc_key})",
                hint="pass one model's folder, or use judged_records() which keeps every run apart",
            )
    labels = _labels_for(records, judge_id, str(run_dir))
    return {records[i].doc_key: stance for i, stance in labels.items()}


def judged_records(paths: PathsLike, judge_id: str | None = None) -> list[Any]:
    """``read_samples(paths)`` with each judged open record's ``stance`` set to its label.

    Closed records and unjudged open ones are returned unchanged (open ones keep
    ``"unjudged"``); ``judge_id`` is resolved as in :func:`load_judgements`.
    """
    from pct_tasks.io.records import read_samples

    records = read_samples(paths)
    open_idx = [i for i, r in enumerate(records) if r.setting == Setting.OPEN]
    labels = _labels_for([records[i] for i in open_idx], judge_id, str(paths))
    for j, stance in labels.items():
        i = open_idx[j]
        records[i] = replace(records[i], stance=stance.value)
    return records


__all__ = ["JudgeRunSummary", "answer_text", "judged_records", "load_judgements", "make_judge",
           "run_judge"]
