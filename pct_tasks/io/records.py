"""Reading lm-eval runs: logged samples as typed records, and what produced them.

Files are found by content, not by name: any ``*.jsonl`` whose lines are lm-eval samples of
a PCT task counts, and its run is described by the ``results_*.json`` written beside it in
the same lm-eval call (same timestamp suffix). A run is identified by a hash of what
produced it (model, model args, backend, chat template, task versions, lm-eval version),
never by its folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pct_tasks.errors import PctInputError
from pct_tasks.labels import Setting
from pct_tasks.tasks.parsing import parse_answer

_TIMESTAMP = re.compile(r"_(\d{4}-\d{2}-\d{2}T[\d\-.:]+)\.jsonl?$")
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
        ident = {
            "model": self.model,
            "model_args": self.model_args,
            "backend": self.backend,
            "chat_template_sha": self.chat_template_sha,
            "system_instruction_sha": self.system_instruction_sha,
            # The prompt set's version, not which tasks happened to run in the same call.
            "task_version": sorted({str(v) for k, v in self.task_versions.items() if k.startswith("pct")}),
            "lm_eval_version": self.lm_eval_version,
        }
        return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:12]

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


def _model_args_text(args: Any) -> str:
    if isinstance(args, dict):
        return ",".join(f"{k}={v}" for k, v in sorted(args.items()))
    return str(args or "")


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
            f"{results_path}: not a readable lm-eval results file ({exc})",
            hint="re-run lm-eval, or remove the broken file",
        ) from exc
    config = data.get("config") or {}
    args = config.get("model_args")
    model_name = data.get("model_name") or (args.get("pretrained") if isinstance(args, dict) else None)
    return RunInfo(
        model=str(model_name or config.get("model") or "unknown"),
        model_args=_model_args_text(args),
        backend=str(config.get("model") or data.get("model_source") or "unknown"),
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


def _is_pct_samples(path: Path) -> bool:
    """Whether the first line is an lm-eval sample of a PCT document."""
    try:
        with path.open(encoding="utf-8") as fh:
            first = fh.readline()
        doc = json.loads(first).get("doc", {})
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(doc, dict) and "proposition_id" in doc and "variant" in doc


def find_sample_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every PCT samples file under the given files or folders, in a stable order."""
    found: list[Path] = []
    for p in map(Path, paths):
        if not p.exists():
            raise PctInputError(f"{p}: no such file or folder", hint="pass lm-eval output folders or samples_*.jsonl files")
        candidates = [p] if p.is_file() else sorted(p.rglob("*.jsonl"))
        found.extend(c for c in candidates if _is_pct_samples(c))
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
    """(line number, sample) pairs of one samples file; a broken line is a clear error."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                sample = json.loads(line)
            except ValueError as exc:
                raise PctInputError(
                    f"{path}:{n}: not a JSON line ({exc.msg}); the file looks truncated or corrupted",
                    hint="re-run the task to rewrite the file, or delete the broken line",
                ) from exc
            doc = sample.get("doc") if isinstance(sample, dict) else None
            if not isinstance(doc, dict) or any(k not in doc for k in _REQUIRED_DOC_FIELDS):
                raise PctInputError(
                    f"{path}:{n}: not a PCT sample (its 'doc' lacks {', '.join(_REQUIRED_DOC_FIELDS)})",
                    hint="pass samples files written by the pct tasks with --log_samples",
                )
            yield n, sample


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
    records: list[SampleRecord] = []
    infos: dict[Path, RunInfo] = {}
    for path in find_sample_files(paths):
        info = infos.setdefault(path, read_run_info(path))
        task = _task_name(path)
        for n, sample in iter_samples(path):
            doc = sample["doc"]
            text = _response_text(sample)
            parsed = parse_answer(text, doc["setting"], doc.get("options"))
            stance = sample.get("stance") or parsed.stance_label
            records.append(
                SampleRecord(
                    run_id=info.run_id,
                    model=info.model,
                    model_args=info.model_args,
                    task=task,
                    setting=Setting(doc["setting"]).value,
                    category=doc["category"],
                    persona=doc["persona"],
                    template_id=int(doc["template_id"]),
                    proposition_id=int(doc["proposition_id"]),
                    proposition=doc.get("proposition", ""),
                    section=doc.get("section", ""),
                    variant=doc["variant"],
                    doc_key=doc.get("doc_key", f"{doc['variant']}/p{doc['proposition_id']}"),
                    response=text,
                    justification=parsed.justification,
                    stance=str(stance),
                    source=str(path),
                    line=n,
                    prompt=prompt_text(sample),
                )
            )
    return records


def run_infos(paths: str | Path | Iterable[str | Path]) -> dict[str, RunInfo]:
    """run_id -> RunInfo for every run found under ``paths``."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: dict[str, RunInfo] = {}
    for path in find_sample_files(paths):
        info = read_run_info(path)
        out.setdefault(info.run_id, info)
    return out


__all__ = [
    "RunInfo",
    "SampleRecord",
    "find_sample_files",
    "iter_samples",
    "prompt_text",
    "read_run_info",
    "read_samples",
    "run_infos",
]
