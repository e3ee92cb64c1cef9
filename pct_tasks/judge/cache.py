"""The judgement cache: one JSON line per judged answer, appended and fsynced per batch.

A judgement is keyed by (judge id, proposition id, sha256 of the judged answer text), so the
same answer text met again (a re-run, a second run of the same model, a duplicate answer)
costs nothing. Files are append-only: an interrupted run leaves at most one torn last line,
which is skipped on reading (that answer is judged again) and never glued to the next line.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from pct_tasks.errors import PctInputError
from pct_tasks.labels import Stance

logger = logging.getLogger(__name__)

#: Folder, beside a run's samples files, that holds one ``<judge id>.jsonl`` per judge.
JUDGEMENTS_DIR = "judgements"
FORMAT_VERSION = 1


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
    """

    judge_id: str
    proposition_id: int
    text_sha256: str
    stance: Stance
    rationale: str = ""
    error: str | None = None
    reply: str = ""

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.judge_id, self.proposition_id, self.text_sha256)

    @property
    def failed(self) -> bool:
        return self.error is not None

    def to_json(self) -> str:
        obj = asdict(self)
        obj["stance"] = self.stance.value
        obj["format"] = FORMAT_VERSION
        return json.dumps(obj, ensure_ascii=False)

    @classmethod
    def from_json(cls, obj: dict) -> Judgement:
        return cls(
            judge_id=str(obj["judge_id"]),
            proposition_id=int(obj["proposition_id"]),
            text_sha256=str(obj["text_sha256"]),
            stance=Stance(obj["stance"]),
            rationale=str(obj.get("rationale") or ""),
            error=obj.get("error"),
            reply=str(obj.get("reply") or ""),
        )


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

    def load(self) -> dict[tuple[str, int, str], Judgement]:
        """Every readable judgement in the file, by key; the last line for a key wins (a
        retried failure replaces the failure). Torn or foreign lines are skipped with a
        warning, so an interrupted write never blocks a resume."""
        out: dict[tuple[str, int, str], Judgement] = {}
        if not self.path.exists():
            return out
        skipped = 0
        with self.path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if not line.strip():
                    continue
                try:
                    j = Judgement.from_json(json.loads(line))
                except (ValueError, KeyError, TypeError):
                    skipped += 1
                    continue
                out[j.key] = j
        if skipped:
            logger.warning("%s: skipped %d unreadable line(s) (an interrupted write?); "
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


def judge_ids(folder: str | os.PathLike) -> list[str]:
    """The ids of the judges that have a judgements file in ``folder``."""
    d = Path(folder) / JUDGEMENTS_DIR
    return sorted(p.stem for p in d.glob("*.jsonl")) if d.is_dir() else []


__all__ = ["FORMAT_VERSION", "JUDGEMENTS_DIR", "Judgement", "JudgementCache", "cache_path",
           "judge_ids", "text_hash"]
