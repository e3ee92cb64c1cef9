"""The judgement cache: one JSON line per judged answer, appended and fsynced per batch.

A label is joined to its answer by a stable key: (judge id, run identity, document key,
sha256 of the RAW response as logged), never by text re-parsed today, so a parser change
detaches no label. Each line also records (proposition id, sha256 of the judged text): the
same text met again (a second run, a duplicate answer) is copied, not judged again. Lines of
format 1 (before stable keys) carry only the text key; they are still read and joined by it.

Files are append-only and every line carries a checksum: a torn or corrupted line is
discarded with a warning (that answer is judged again) and never glued to the next line.
:func:`locked` holds an exclusive lock on a cache file so that two ``pct judge`` on one run
do not judge the same answers twice (the second waits, then finds them cached).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from pct_tasks.errors import PctInputError
from pct_tasks.labels import Stance

logger = logging.getLogger(__name__)

#: Folder, beside a run's samples files, that holds one ``<judge id>.jsonl`` per judge.
JUDGEMENTS_DIR = "judgements"
FORMAT_VERSION = 2


def text_hash(text: str) -> str:
    """sha256 (hex) of the exact judged text, UTF-8 encoded."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Judgement:
    """One judged answer.

    Attributes:
        judge_id: the judge's identity (see ``Judge.judge_id``).
        proposition_id: 0..61.
        text_sha256: :func:`text_hash` of the judged answer text.
        stance: a judge label, or ``invalid`` when the judge's reply could not be read.
        rationale: the judge's short reason.
        error: why the reply could not be read (None on success).
        reply: the judge's raw reply ("" for the offline classifier).
        run_id, doc_key, response_sha256: the stable key (run identity, document key,
            :func:`text_hash` of the raw logged response); empty in format-1 lines.
    """

    judge_id: str
    proposition_id: int
    text_sha256: str
    stance: Stance
    rationale: str = ""
    error: str | None = None
    reply: str = ""
    run_id: str = ""
    doc_key: str = ""
    response_sha256: str = ""

    @property
    def text_key(self) -> tuple[str, int, str]:
        return (self.judge_id, self.proposition_id, self.text_sha256)

    @property
    def stable_key(self) -> tuple[str, str, str, str] | None:
        if not self.response_sha256:
            return None
        return (self.judge_id, self.run_id, self.doc_key, self.response_sha256)

    @property
    def key(self) -> tuple:
        """The stable key where the line has one, else (format 1) the text key."""
        return self.stable_key or self.text_key

    @property
    def failed(self) -> bool:
        return self.error is not None

    def to_json(self) -> str:
        obj = asdict(self)
        obj["stance"] = self.stance.value
        obj["format"] = FORMAT_VERSION
        obj["check"] = _checksum(obj)
        return json.dumps(obj, ensure_ascii=False)

    @classmethod
    def from_json(cls, obj: dict) -> Judgement:
        if "check" in obj and _checksum(obj) != obj["check"]:
            raise ValueError("checksum mismatch")
        return cls(
            judge_id=str(obj["judge_id"]),
            proposition_id=int(obj["proposition_id"]),
            text_sha256=str(obj["text_sha256"]),
            stance=Stance(obj["stance"]),
            rationale=str(obj.get("rationale") or ""),
            error=obj.get("error"),
            reply=str(obj.get("reply") or ""),
            run_id=str(obj.get("run_id") or ""),
            doc_key=str(obj.get("doc_key") or ""),
            response_sha256=str(obj.get("response_sha256") or ""),
        )


def _checksum(obj: dict) -> str:
    body = {k: v for k, v in obj.items() if k != "check"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def cache_path(folder: str | os.PathLike, judge_id: str) -> Path:
    """Where ``judge_id``'s judgements of the samples in ``folder`` live."""
    if not judge_id or "/" in judge_id or judge_id.startswith("."):
        raise PctInputError(f"bad judge id {judge_id!r}", hint="a judge id is a plain file name")
    return Path(folder) / JUDGEMENTS_DIR / f"{judge_id}.jsonl"


class JudgementCache:
    """Read and append one judgements file.

    Args:
        path: the ``.jsonl`` file (created on the first append, folders included).
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def load(self) -> dict[tuple, Judgement]:
        """Every intact judgement in the file, by :attr:`Judgement.key`; the last line for a
        key wins (a retried failure replaces the failure). Torn, corrupted (checksum) or
        foreign lines are discarded with one warning, so a damaged line never blocks a resume."""
        out: dict[tuple, Judgement] = {}
        if not self.path.exists():
            return out
        skipped = 0
        with self.path.open("rb") as fh:
            for raw in fh:
                if not raw.strip():
                    continue
                try:
                    j = Judgement.from_json(json.loads(raw.decode("utf-8")))
                except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
                    skipped += 1
                    continue
                out[j.key] = j
        if skipped:
            logger.warning("%s: discarded %d damaged line(s) (torn or failed checksum); "
                           "those answers will be judged again", self.path, skipped)
        return out

    def append(self, judgements: Iterable[Judgement]) -> int:
        """Append judgements and fsync; returns how many were written."""
        lines = [j.to_json() + "\n" for j in judgements]
        if not lines:
            return 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+b") as fh:
            # A torn last line (killed mid-write) must not swallow the next record.
            if fh.tell() > 0:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    fh.write(b"\n")
            fh.write("".join(lines).encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        return len(lines)


@contextlib.contextmanager
def locked(paths: Iterable[str | os.PathLike]) -> Iterator[None]:
    """Hold an exclusive lock (``fcntl.flock``) on each cache file, in a fixed order, so two
    judges of one run do not judge the same answers twice; a busy lock is waited for, with
    one line saying so. Where ``fcntl`` is missing (Windows) nothing is locked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        yield
        return
    with contextlib.ExitStack() as stack:
        for path in sorted({Path(p) for p in paths}):
            path.parent.mkdir(parents=True, exist_ok=True)
            # A sidecar file, so that a judge that writes nothing leaves no empty cache behind.
            fh = stack.enter_context(path.with_name(path.name + ".lock").open("a+b"))
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                logger.warning("%s: another pct judge is writing it; waiting for it to finish", path)
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield


def judge_ids(folder: str | os.PathLike) -> list[str]:
    """The ids of the judges that have a judgements file in ``folder``."""
    d = Path(folder) / JUDGEMENTS_DIR
    return sorted(p.stem for p in d.glob("*.jsonl")) if d.is_dir() else []


__all__ = ["FORMAT_VERSION", "JUDGEMENTS_DIR", "Judgement", "JudgementCache", "cache_path",
           "judge_ids", "locked", "text_hash"]
