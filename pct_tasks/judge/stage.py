"""The judge stage: label every open answer of one or more runs, cached beside each run.

Labels are written to ``<folder of samples_*.jsonl>/judgements/<judge id>.jsonl`` (see
``cache``) and joined to answers by (run identity, document key, hash of the raw response),
so a parser change loses no label. An answer whose (judge, proposition, judged text) is
already cached anywhere among the given runs costs no judge call (the label is copied);
pending answers go to the judge in batches, and each batch is appended and fsynced before the
next starts, so an interrupted run resumes where it stopped. The cache files are locked while
a judge runs, so two judges of one run never judge the same answers twice. Other stages read
the labels with :func:`load_judgements` or :func:`judged_records`.
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pct_tasks.errors import PctInputError
from pct_tasks.judge import Judge
from pct_tasks.judge.cache import Judgement, JudgementCache, cache_path, judge_ids, locked, text_hash
from pct_tasks.labels import Setting, Stance

logger = logging.getLogger(__name__)

PathsLike = str | os.PathLike | Iterable[str | os.PathLike]


def answer_text(record: Any) -> str:
    """The text a judge reads: the parsed justification (the ``response`` field of the JSON
    answer), or the raw response when nothing could be parsed."""
    return (record.justification or "").strip() or (record.response or "").strip()


def stable_key(judge_id: str, record: Any) -> tuple[str, str, str, str]:
    """How a label is joined to its answer: (judge, run identity, document key, hash of the
    raw logged response); nothing here depends on how the answer is parsed."""
    return (judge_id, str(record.run_id), str(record.doc_key), text_hash(record.response or ""))


def _text_key(judge_id: str, record: Any) -> tuple[str, int, str]:
    return (judge_id, int(record.proposition_id), text_hash(answer_text(record)))


class _Known:
    """The judgements of one folder, by stable key (format-1 lines by text key)."""

    def __init__(self) -> None:
        self.stable: dict[tuple, Judgement] = {}
        self.legacy: dict[tuple, Judgement] = {}

    def add(self, j: Judgement) -> None:
        if j.stable_key is None:
            self.legacy[j.text_key] = j
        else:
            self.stable[j.stable_key] = j

    def label(self, judge_id: str, record: Any) -> Judgement | None:
        """The label of one answer: by its stable key; format-1 caches by their text key."""
        j = self.stable.get(stable_key(judge_id, record))
        return j if j is not None else self.legacy.get(_text_key(judge_id, record))


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
        spec: ``"offline"`` for the offline classifier (``"offline:stance_margin=2.5"`` sets its
            numeric settings, see ``OfflineStanceClassifier``), or ``"MODEL[:ARGS]"`` for an lm-eval
            backend, e.g. ``"local-chat-completions:model=m,base_url=http://host/v1/chat/completions"``
            or ``"hf:pretrained=mistralai/Mistral-7B-Instruct-v0.3"`` (``MODEL ARGS`` with a
            space also works).
        **kwargs: passed to ``LMJudge`` (batch_size, apply_chat_template, ...).
    """
    spec = (spec or "").strip()
    if spec == "offline" or spec.startswith("offline:"):
        from pct_tasks.judge.offline import OfflineStanceClassifier

        return OfflineStanceClassifier(**offline_settings(spec.partition(":")[2])).fit()
    from pct_tasks.judge.lm import LMJudge

    model, sep, args = spec.partition(":")
    if not sep and " " in spec:
        model, _, args = spec.partition(" ")
    if not model.strip():
        raise PctInputError(f"empty judge spec {spec!r}",
                            hint="use --judge offline or --judge MODEL:ARGS (an lm-eval model and its model_args)")
    return LMJudge(model=model.strip(), model_args=args.strip(), **kwargs)


def offline_settings(args: str) -> dict[str, Any]:
    """``"stance_margin=2.5,max_sentences=3"`` -> the offline classifier's keyword arguments.

    Only its numeric settings can be given this way; an unknown key or a value that is not a
    number is a PctInputError naming the settings there are."""
    from pct_tasks.judge.offline import OfflineStanceClassifier

    numeric = {k: v for k, v in OfflineStanceClassifier().get_params().items()
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
    settings: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in args.split(","))):
        key, eq, value = (x.strip() for x in part.partition("="))
        hint = f"use --judge offline:KEY=VALUE[,KEY=VALUE] with KEY one of {', '.join(sorted(numeric))}"
        if not eq or key not in numeric:
            raise PctInputError(f"offline judge: unknown setting {part!r}", hint=hint)
        try:
            settings[key] = float(value) if isinstance(numeric[key], float) else int(value)
        except ValueError:
            raise PctInputError(f"offline judge: {key} must be a number, got {value!r}", hint=hint) from None
    return settings


@dataclass
class JudgeRunSummary:
    """What one :func:`run_judge` call did."""

    judge_id: str
    n_answers: int = 0  # open answers found
    n_unique: int = 0  # distinct (proposition, text) among them
    n_cached: int = 0  # distinct ones already judged (no judge call)
    n_judged: int = 0  # distinct ones sent to the judge now
    n_failed_replies: int = 0  # distinct judge replies that could not be read
    n_failed: int = 0  # answers whose label is such an unreadable reply
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
    caches = {Path(r.source).parent: None for r in records}
    caches = {folder: JudgementCache(cache_path(folder, jid)) for folder in caches}
    with locked(c.path for c in caches.values()):
        summary = _judge_locked(records, judge, caches, int(batch_size), retry_failed, show_progress_bar)
    summary.files = sorted(str(c.path) for c in caches.values())
    return summary


def _judge_locked(records, judge, caches, batch_size, retry_failed, show_progress_bar) -> JudgeRunSummary:
    jid = judge.judge_id
    summary = JudgeRunSummary(judge_id=jid, n_answers=len(records))
    # Labels count where the readers look: in the answer's own folder. Texts are shared.
    known = {folder: _Known() for folder in caches}
    by_text: dict[tuple, Judgement] = {}
    for folder, cache in caches.items():
        for j in cache.load().values():
            known[folder].add(j)
            by_text[j.text_key] = j

    def usable(j: Judgement | None) -> bool:
        return j is not None and not (retry_failed and j.failed)

    texts: dict[tuple, tuple[str, str]] = {}  # text key -> (proposition, answer)
    waiting: dict[tuple, list[Any]] = {}  # text key -> records without a usable label
    for r in records:
        tkey = _text_key(jid, r)
        texts.setdefault(tkey, (r.proposition, answer_text(r)))
        if not usable(known[Path(r.source).parent].label(jid, r)):
            waiting.setdefault(tkey, []).append(r)
    summary.n_unique = len(texts)

    # The same text judged before (another run, a duplicate, a format-1 line): copy its label.
    copies = [(by_text[k], rs) for k, rs in waiting.items() if usable(by_text.get(k))]
    _store(copies, caches, known)
    pending = [k for k in waiting if not usable(by_text.get(k))]
    summary.n_cached = len(texts) - len(pending)

    # Empty answers take no side and need no judge call.
    empty = [k for k in pending if not texts[k][1]]
    pending = [k for k in pending if texts[k][1]]
    _store([(Judgement(*k, stance=Stance.NONE, rationale="empty answer (not sent to the judge)"), waiting[k])
            for k in empty], caches, known)

    summary.n_judged = len(pending)
    bar = _progress(len(pending), show_progress_bar, f"judging with {jid}")
    try:
        for start in range(0, len(pending), batch_size):
            batch = pending[start:start + batch_size]
            replies = judge.judge([texts[k] for k in batch])
            if len(replies) != len(batch):
                raise RuntimeError(f"judge {jid} returned {len(replies)} replies for {len(batch)} answers")
            made = [
                (Judgement(*k, stance=rep.stance if rep.stance is not None else Stance.INVALID,
                           rationale=rep.rationale, error=rep.error, reply=rep.raw), waiting[k])
                for k, rep in zip(batch, replies, strict=False)
            ]
            _store(made, caches, known)
            if bar is not None:
                bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()

    failed_replies = set()
    for r in records:
        j = known[Path(r.source).parent].label(jid, r)
        if j is not None:
            summary.labels[j.stance.value] += 1
            summary.n_failed += j.failed
            if j.failed:
                failed_replies.add(j.text_key)
    summary.n_failed_replies = len(failed_replies)
    return summary


def _store(made: list[tuple[Judgement, list[Any]]], caches: dict, known: dict[Path, _Known]) -> None:
    """Write one line per answer (its stable key) for each judgement, folder by folder."""
    by_folder: dict[Path, list[Judgement]] = {}
    for j, records in made:
        for r in records:
            line = replace(j, run_id=str(r.run_id), doc_key=str(r.doc_key),
                           response_sha256=text_hash(r.response or ""))
            known[Path(r.source).parent].add(line)
            by_folder.setdefault(Path(r.source).parent, []).append(line)
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
    found = _without_superseded(found, where)
    if len(found) > 1:
        raise PctInputError(
            f"{where}: judged by several judges ({', '.join(found)})",
            hint="pass judge_id= (or --judge-id) naming one of them",
        )
    return found[0] if found else None


def _without_superseded(found: list[str], where: str) -> list[str]:
    """Drop labels of older offline-judge rule versions when a newer one has labelled the run.

    Upgrading pct-tropes changes the offline judge's id (``offline-v<rules>-<digest>``), so a
    re-run of ``pct judge`` writes a second labels file beside the old one; the newest rules
    win, with one line saying which files are ignored.
    """
    offline = [(int(m.group(1)), jid) for jid in found if (m := _OFFLINE_ID.match(jid))]
    if len({v for v, _ in offline}) < 2:
        return found
    newest = max(v for v, _ in offline)
    stale = [jid for v, jid in offline if v < newest]
    logger.warning("%s: ignoring labels of superseded offline judge rules (%s); delete "
                   "judgements/<id>.jsonl to remove them", where, ", ".join(stale))
    return [jid for jid in found if jid not in stale]


_OFFLINE_ID = re.compile(r"offline-v(\d+)-")


def _labels_for(records: list[Any], judge_id: str | None, where: str) -> dict[int, Stance]:
    """index into ``records`` -> label, for the judged ones."""
    folders = sorted({Path(r.source).parent for r in records})
    jid = _resolve_judge_id(folders, judge_id, where)
    if jid is None:
        return {}
    known = {folder: _Known() for folder in folders}
    for folder in folders:
        for j in JudgementCache(cache_path(folder, jid)).load().values():
            known[folder].add(j)
    out = {}
    for i, r in enumerate(records):
        j = known[Path(r.source).parent].label(jid, r)
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


__all__ = ["JudgeRunSummary", "answer_text", "judged_records", "load_judgements", "make_judge", "offline_settings",
           "run_judge", "stable_key"]
