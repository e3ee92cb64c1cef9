"""Reading lm-eval runs: logged samples as typed records, and what produced them.

Files are found by content, not by name: any ``*.jsonl`` whose lines are lm-eval samples of
a PCT task counts, and its run is described by the ``results_*.json`` written beside it in
the same lm-eval call (same timestamp suffix). A run is identified by a hash of what
produced it (model, normalised model args, backend, chat template, task versions, lm-eval
version; see ``provenance.run_identity``), never by its folder or its model name.

Nothing is dropped silently: a ``samples_pct*.jsonl`` file that cannot be read (garbage,
binary junk, bytes that are not UTF-8) is an error naming the file and line; an empty one is
skipped with a one-line warning; every sample's identity fields are checked (types, ranges,
known settings and categories). How many samples were read per run and task is logged on
``pct_tasks.io.records`` at INFO (the ``pct`` command prints it).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pct_tasks.errors import PctInputError
from pct_tasks.io.provenance import normalise_model_args, run_identity, run_labels
from pct_tasks.labels import Setting
from pct_tasks.tasks.data import N_PROPOSITIONS, persona_categories
from pct_tasks.tasks.parsing import MAX_PARSE_CHARS, parse_answer

logger = logging.getLogger(__name__)

_TIMESTAMP = re.compile(r"_(\d{4}-\d{2}-\d{2}T[\d\-.:]+)\.jsonl?$")
#: The most characters one answer contributes downstream (the parser's cap, which the judge
#: and tropes inherit); longer answers are cut, and the read summary says how many were.
MAX_RESPONSE_CHARS = MAX_PARSE_CHARS
_REQUIRED_DOC_FIELDS = ("setting", "category", "persona", "template_id", "proposition_id", "variant")


@dataclass(frozen=True)
class RunInfo:
    """What produced a run, read from its results file."""

    model: str
    model_args: str
    backend: str
    chat_template_sha: str | None
    task_versions: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    lm_eval_version: str | None = None
    system_instruction_sha: str | None = None
    results_path: str | None = None

    @property
    def run_id(self) -> str:
        return run_identity(self.model, self.model_args, self.backend, self.chat_template_sha,
                            self.system_instruction_sha, self.task_versions, self.lm_eval_version)

    @property
    def is_synthetic(self) -> bool:
        return self.backend == "pct-synthetic"


@dataclass(frozen=True)
class SampleRecord:
    run_id: str
    model: str
    model_args: str
    task: str
    setting: str
    category: str
    persona: str
    template_id: int
    proposition_id: int
    proposition: str
    section: str
    variant: str
    doc_key: str
    response: str
    justification: str
    stance: str
    source: str
    line: int
    prompt: str = ""


def read_run_info(path: str | Path) -> RunInfo:
    """Read a ``results_*.json`` file (or the one beside a samples file)."""
    path = Path(path)
    results_path = path if path.name.startswith("results") else _results_beside(path)
    if results_path is None:
        # A samples file without its results file: identify it by its folder's model name.
        return RunInfo(model=path.parent.name, model_args="", backend="unknown", chat_template_sha=None)
    try:
        data = json.loads(results_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PctInputError(
            f"{results_path}: not a readable lm-eval results file ({_short(exc)})",
            hint="re-run lm-eval, or remove the broken file",
        ) from exc
    if not isinstance(data, dict):
        raise PctInputError(f"{results_path}: not an lm-eval results file (not a JSON object)",
                            hint="re-run lm-eval, or remove the broken file")
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    args = config.get("model_args")
    model_name = data.get("model_name") or (args.get("pretrained") if isinstance(args, dict) else None)
    backend = str(config.get("model") or data.get("model_source") or "unknown")
    return RunInfo(
        model=str(model_name or config.get("model") or "unknown"),
        model_args=normalise_model_args(args, backend),
        backend=backend,
        chat_template_sha=data.get("chat_template_sha"),
        task_versions=dict(data.get("versions") or {}),
        lm_eval_version=data.get("lm_eval_version"),
        system_instruction_sha=data.get("system_instruction_sha"),
        results_path=str(results_path),
    )


def _results_beside(samples_path: Path) -> Path | None:
    m = _TIMESTAMP.search(samples_path.name)
    if m:
        candidate = samples_path.with_name(f"results_{m.group(1)}.json")
        if candidate.is_file():
            return candidate
    results = sorted(samples_path.parent.glob("results_*.json"))
    return results[-1] if len(results) == 1 else None


def _named_pct_samples(path: Path) -> bool:
    """Whether the file is named as lm-eval names the samples of a PCT task."""
    return path.name.startswith("samples_pct") and path.suffix == ".jsonl"


def _first_line(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.readline()


def _is_pct_samples(path: Path) -> bool:
    """Whether the first line is an lm-eval sample of a PCT document."""
    try:
        doc = json.loads(_first_line(path).decode("utf-8")).get("doc", {})
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(doc, dict) and "proposition_id" in doc and "variant" in doc


def _check_named_file(path: Path) -> bool:
    """A ``samples_pct*.jsonl`` file: True if it holds samples, False (one warning) if it is
    empty; an error naming line 1 if its first line is not a PCT sample."""
    first = _first_line(path)
    if first.strip():
        list(_validated(path, 1, first))  # raises with file:line and the fix
        return True
    if path.read_bytes().strip():
        return True  # a blank first line; iter_samples checks the rest
    logger.warning("skipped %s: empty samples file (0 samples; an interrupted run?)", path)
    return False


def find_sample_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every PCT samples file under the given files or folders, in a stable order.

    A file named ``samples_pct*.jsonl`` must hold PCT samples (an unreadable first line is an
    error; an empty file is skipped with a warning); any other ``*.jsonl`` counts when its
    first line is a PCT sample (judgements and other files are passed over).
    """
    paths = list(paths)
    found: list[Path] = []
    for p in map(Path, paths):
        if not p.exists():
            raise PctInputError(f"{p}: no such file or folder", hint="pass lm-eval output folders or samples_*.jsonl files")
        candidates = [p] if p.is_file() else sorted(p.rglob("*.jsonl"))
        for c in candidates:
            if _named_pct_samples(c) or (c == p and c.suffix == ".jsonl" and c.name.startswith("samples_")):
                if _check_named_file(c):
                    found.append(c)
            elif _is_pct_samples(c):
                found.append(c)
    if not found:
        raise PctInputError(
            f"no PCT samples found in {', '.join(map(str, paths))}",
            hint="run the tasks with --log_samples (e.g. pct run ... --log_samples --output_path DIR)",
        )
    return sorted(set(found))


def _task_name(path: Path) -> str:
    name = _TIMESTAMP.sub("", path.name)
    return name[len("samples_"):] if name.startswith("samples_") else name


def iter_samples(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, sample) pairs of one samples file; a broken line is a clear error.

    Raises:
        PctInputError: a line that is not UTF-8, not JSON, or not a valid PCT sample (naming
            the file, the line and only the fields that are missing or wrong).
    """
    path = Path(path)
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            yield from _validated(path, n, raw)


_FIX_SAMPLES = "re-run the task to rewrite the file, or delete the broken line"


def _short(exc: BaseException, limit: int = 120) -> str:
    text = str(getattr(exc, "msg", None) or exc)
    return text if len(text) <= limit else text[:limit] + "..."


def _validated(path: Path, n: int, raw: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PctInputError(
            f"{path}:{n}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
            "the file is corrupted or not an lm-eval samples file",
            hint=_FIX_SAMPLES,
        ) from None
    try:
        sample = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise PctInputError(
            f"{path}:{n}: not a JSON line ({_short(exc)}); the file looks truncated or corrupted",
            hint=_FIX_SAMPLES,
        ) from None
    doc = sample.get("doc") if isinstance(sample, dict) else None
    if not isinstance(doc, dict):
        raise PctInputError(f"{path}:{n}: not an lm-eval sample (no 'doc' object)",
                            hint="pass samples files written by the pct tasks with --log_samples")
    problems = doc_problems(doc)
    if problems:
        raise PctInputError(f"{path}:{n}: not a valid PCT sample: {'; '.join(problems)}",
                            hint="pass samples files written by the pct tasks with --log_samples, unmodified")
    yield n, sample


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def doc_problems(doc: dict[str, Any]) -> list[str]:
    """What is missing or wrong in one document's identity fields (empty when it is valid)."""
    missing = [k for k in _REQUIRED_DOC_FIELDS if k not in doc]
    problems = [f"missing {', '.join(missing)}"] if missing else []
    if "setting" in doc and doc["setting"] not in {s.value for s in Setting}:
        problems.append(f"setting {doc['setting']!r} is not one of {', '.join(s.value for s in Setting)}")
    if "category" in doc and doc["category"] not in _categories():
        problems.append(f"category {doc['category']!r} is not one of {', '.join(_categories())}")
    if "template_id" in doc and not _is_int(doc["template_id"]):
        problems.append(f"template_id {doc['template_id']!r} is not an integer")
    pid = doc.get("proposition_id")
    if "proposition_id" in doc and not (_is_int(pid) and 0 <= pid < N_PROPOSITIONS):
        problems.append(f"proposition_id {pid!r} is not an integer in 0..{N_PROPOSITIONS - 1}")
    for key in ("persona", "variant"):
        if key in doc and not isinstance(doc[key], str):
            problems.append(f"{key} {doc[key]!r} is not a string")
    return problems


def _categories() -> tuple[str, ...]:
    return ("base", *persona_categories())


def _response_text(sample: dict[str, Any]) -> str:
    resp = sample.get("filtered_resps") or sample.get("resps") or [""]
    while isinstance(resp, list):
        resp = resp[0] if resp else ""
    return str(resp)


def prompt_text(sample: dict[str, Any]) -> str:
    """The prompt lm-eval sent, as logged (after any chat template)."""
    args = sample.get("arguments")
    # lm-eval logs arguments as {"gen_args_0": {"arg_0": prompt, ...}} (older versions: a list).
    if isinstance(args, dict):
        first = next(iter(args.values()), {})
        return str(first.get("arg_0", "")) if isinstance(first, dict) else str(first)
    if isinstance(args, list) and args:
        return str(args[0][0] if isinstance(args[0], list) else args[0])
    return ""


def read_samples(paths: str | Path | Iterable[str | Path]) -> list[SampleRecord]:
    """All PCT samples under ``paths`` (run folders or samples files) as records.

    The justification is re-read from the raw response with ``parsing.parse_answer`` (pure and
    deterministic); the stance is the one logged by the task (``unjudged`` for open answers).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    records: list[SampleRecord] = []
    infos: dict[Path, RunInfo] = {}
    for path in find_sample_files(paths):
        info = infos.setdefault(path, read_run_info(path))
        task = _task_name(path)
        for n, sample in iter_samples(path):
            records.append(_record(sample, info, task, path, n))
    check_collisions(records, infos)
    logger.info("%s", read_summary(records, infos))
    return records


def _record(sample: dict[str, Any], info: RunInfo, task: str, path: Path, n: int) -> SampleRecord:
    doc = sample["doc"]
    text = _response_text(sample)[:MAX_RESPONSE_CHARS]
    parsed = parse_answer(text, doc["setting"], doc.get("options"))
    stance = sample.get("stance") or parsed.stance_label
    return SampleRecord(
        run_id=info.run_id,
        model=info.model,
        model_args=info.model_args,
        task=task,
        setting=Setting(doc["setting"]).value,
        category=doc["category"],
        persona=doc["persona"],
        template_id=doc["template_id"],
        proposition_id=doc["proposition_id"],
        proposition=str(doc.get("proposition", "")),
        section=str(doc.get("section", "")),
        variant=doc["variant"],
        doc_key=str(doc.get("doc_key", f"{doc['variant']}/p{doc['proposition_id']}")),
        response=text,
        justification=parsed.justification,
        stance=str(stance),
        source=str(path),
        line=n,
        prompt=prompt_text(sample),
    )


def check_collisions(records: list[SampleRecord], infos: dict[Path, RunInfo]) -> None:
    """Refuse two different answers to one document under one run identity.

    That happens when two runs share a results file (or have none), or when a run was re-done
    after a change that its identity does not capture; every command refuses it the same way.
    """
    seen: dict[tuple[str, str], SampleRecord] = {}
    for r in records:
        first = seen.setdefault((r.run_id, r.doc_key), r)
        if first is not r and first.response != r.response:
            files = sorted({x.source for x in records if x.run_id == r.run_id})
            counts = ", ".join(f"{f} ({sum(x.source == f for x in records)} samples)" for f in files)
            results = infos[Path(r.source)].results_path or "no results file"
            raise PctInputError(
                f"two different answers to document {r.doc_key} under one run identity "
                f"{r.model} [{r.run_id}] ({first.source}:{first.line}; {r.source}:{r.line}); "
                f"files of that identity: {counts}; results: {results}",
                hint="keep each lm-eval run (its samples and its own results_*.json) in its own "
                "folder, and pass one of two runs that share an identity",
            )


def read_summary(records: list[SampleRecord], infos: Mapping[Path, RunInfo] | None = None) -> str:
    """One line per run: its identity and how many samples were read per task."""
    runs: dict[str, dict[str, Any]] = {}
    for r in records:
        entry = runs.setdefault(r.run_id, {"model": r.model, "model_args": r.model_args, "tasks": {}})
        entry["tasks"][r.task] = entry["tasks"].get(r.task, 0) + 1
    labels = run_labels(runs)
    lines = [f"read {len(records):,} samples from {len(runs)} run{'s' if len(runs) != 1 else ''}"
             + (" (kept apart by run identity)" if len(runs) > 1 else "")]
    cut = sum(len(r.response) >= MAX_RESPONSE_CHARS for r in records)
    if cut:
        lines[0] += f"; {cut:,} answers cut to the first {MAX_RESPONSE_CHARS:,} characters"
    for rid, entry in runs.items():
        tasks = ", ".join(f"{t} {k:,}" for t, k in sorted(entry["tasks"].items()))
        lines.append(f"  {labels[rid]} [{rid}]: {tasks}")
    return "\n".join(lines)


def samples_per_task(records: Iterable[Any]) -> dict[str, dict[str, int]]:
    """run id -> task -> number of samples read."""
    out: dict[str, dict[str, int]] = {}
    for r in records:
        tasks = out.setdefault(str(r.run_id), {})
        tasks[str(r.task)] = tasks.get(str(r.task), 0) + 1
    return out


__all__ = [
    "MAX_RESPONSE_CHARS",
    "RunInfo",
    "SampleRecord",
    "check_collisions",
    "doc_problems",
    "find_sample_files",
    "iter_samples",
    "prompt_text",
    "read_run_info",
    "read_samples",
    "read_summary",
    "samples_per_task",
]
