"""What produced an output: the package, the command, the library versions, the runs, the seeds.

Every file that ``pct report``, ``pct leaderboard``, ``pct baseline`` and ``pct compare`` write
carries one of these records (embedded where the format has a slot for metadata, and always in
the output folder's ``manifest.json``), so that a table or a figure found on its own can be
traced back to the runs and settings behind it. The run identity (:func:`run_identity`) is
defined here, once, over model args normalised by lm-eval's own parser. Standard library at
import time: lm-eval is imported only when model args are parsed, and reading versions uses
``importlib.metadata``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from pct_tasks import __version__

#: Libraries whose versions can change a number in an output.
TRACKED_LIBRARIES: tuple[str, ...] = (
    "lm_eval",
    "numpy",
    "pandas",
    "statsmodels",
    "matplotlib",
    "pyarrow",
)

#: Fields of a run's identity (pct_tasks.io.records.RunInfo) recorded in provenance.
RUN_FIELDS: tuple[str, ...] = (
    "run_id",
    "model",
    "model_args",
    "backend",
    "chat_template_sha",
    "system_instruction_sha",
    "task_versions",
    "lm_eval_version",
)


#: Model args a backend fills in when they are not given: spelled out or not, the same run.
#: (pct-synthetic's are the defaults of ``tasks.synthetic_lm.SyntheticLM``; a test checks.)
MODEL_ARG_DEFAULTS: dict[str, dict[str, Any]] = {
    "pct-synthetic": {"seed": 0, "leaning": 0.0, "malformed_rate": 0.05, "refusal_rate": 0.01},
}


def parse_model_args(args: str | Mapping[str, Any] | None) -> dict[str, Any]:
    """lm-eval's ``--model_args`` (``"k=v,k=v"``, or the dict its results file records) as a
    dict with typed values, parsed by lm-eval's own ``simple_parse_args_string``."""
    from lm_eval.utils import handle_arg_string, simple_parse_args_string

    if isinstance(args, Mapping):
        return {str(k).strip(): handle_arg_string(v) if isinstance(v, str) else v for k, v in args.items()}
    return simple_parse_args_string(str(args or ""))


def normalise_model_args(args: str | Mapping[str, Any] | None, backend: str = "") -> str:
    """The canonical text of a run's model args: typed values, the backend's defaults filled
    in, keys sorted, and the ``model`` key lm-eval adds (equal to the backend) dropped; so
    ``seed=0,leaning=0`` and ``leaning=0.0`` are the same pct-synthetic run."""
    parsed = parse_model_args(args)
    if str(parsed.get("model", "")) == backend:
        parsed.pop("model")
    for key, default in MODEL_ARG_DEFAULTS.get(backend, {}).items():
        value = parsed.get(key, default)
        if isinstance(default, (int, float)) and not isinstance(value, bool):
            try:
                value = type(default)(value)
            except (TypeError, ValueError):
                pass
        parsed[key] = value
    return ",".join(f"{k}={v}" for k, v in sorted(parsed.items()))


def run_identity(
    model: str,
    model_args: str,
    backend: str,
    chat_template_sha: str | None = None,
    system_instruction_sha: str | None = None,
    task_versions: Mapping[str, Any] | None = None,
    lm_eval_version: str | None = None,
) -> str:
    """The run id (12 hex digits): a hash of what produced a run, never of where it lies.

    ``model_args`` should be normalised (:func:`normalise_model_args`). Only the PCT tasks'
    versions count (the prompt set's version, not which other tasks ran in the same call).
    """
    ident = {
        "model": model,
        "model_args": model_args,
        "backend": backend,
        "chat_template_sha": chat_template_sha,
        "system_instruction_sha": system_instruction_sha,
        "task_version": sorted({str(v) for k, v in (task_versions or {}).items() if str(k).startswith("pct")}),
        "lm_eval_version": lm_eval_version,
    }
    return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:12]


def run_labels(runs: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Display names, unique per run: the model name; model args or the id prefix added where
    names clash (so two runs of one model are told apart wherever they are shown)."""
    base = {rid: str(info.get("model") or "?") for rid, info in runs.items()}
    by_name: dict[str, list[str]] = {}
    for rid, name in base.items():
        by_name.setdefault(name, []).append(rid)
    out = {}
    for rid, name in base.items():
        if len(by_name[name]) > 1:
            args = _differing_args([str(runs[r].get("model_args") or "") for r in by_name[name]],
                                   str(runs[rid].get("model_args") or ""))
            name = f"{name} ({args})" if args else f"{name} [{rid[:8]}]"
        out[rid] = name
    if len(set(out.values())) < len(out):
        out = {rid: f"{name} [{rid[:8]}]" for rid, name in out.items()}
    return out


def _differing_args(all_args: list[str], mine: str) -> str:
    """The ``k=v`` parts of ``mine`` that not every one of ``all_args`` shares."""
    parts = [set(a.split(",")) - {""} for a in all_args]
    common = set.intersection(*parts) if parts else set()
    return ",".join(p for p in mine.split(",") if p and p not in common)


def library_versions(names: Iterable[str] = TRACKED_LIBRARIES) -> dict[str, str | None]:
    """Installed versions of ``names`` (None where a library is not installed)."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = metadata.version(name.replace("_", "-"))
        except metadata.PackageNotFoundError:
            try:
                out[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                out[name] = None
    return out


def describe_run(info: Any) -> dict[str, Any]:
    """The identity of one run as a plain dict.

    Args:
        info: a ``RunInfo`` (dataclass), a mapping, or any object with the attributes in
            ``RUN_FIELDS``; missing fields are recorded as None.
    """
    if isinstance(info, Mapping):
        raw = dict(info)
    else:
        raw = dataclasses.asdict(info) if dataclasses.is_dataclass(info) else {}
        # Properties (RunInfo.run_id) are not dataclass fields.
        raw.update({name: getattr(info, name) for name in RUN_FIELDS if hasattr(info, name)})
    out = {name: raw.get(name) for name in RUN_FIELDS}
    # Keep the extra fields a newer RunInfo may carry, but in a stable order.
    for key in sorted(set(raw) - set(RUN_FIELDS)):
        value = raw[key]
        if isinstance(value, (str, int, float, bool, type(None), dict, list, tuple)):
            out[key] = value
    if isinstance(out.get("task_versions"), Mapping):
        out["task_versions"] = {str(k): v for k, v in sorted(out["task_versions"].items())}
    return out


def provenance(
    produced_by: str,
    *,
    runs: Iterable[Any] = (),
    seeds: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
    inputs: Iterable[str] = (),
) -> dict[str, Any]:
    """Build the provenance record of one output (or of one set of outputs).

    Args:
        produced_by: the command or function, e.g. ``"pct report"``.
        runs: the run identities the output was computed from (see ``describe_run``).
        seeds: every seed used (bootstrap, ...), by name.
        settings: the options that can change the output (tolerances, correction, ...).
        inputs: the files read.

    Returns:
        A JSON-serialisable dict.
    """
    return {
        "produced_by": produced_by,
        "package": "pct-tropes",
        "package_version": __version__,
        "python": platform.python_version(),
        "platform": sys.platform,
        "libraries": library_versions(),
        "created_utc": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "runs": [describe_run(r) for r in runs],
        "seeds": dict(seeds or {}),
        "settings": dict(settings or {}),
        "inputs": [str(p) for p in inputs],
    }


def summary_line(prov: Mapping[str, Any]) -> str:
    """One human-readable line naming what produced an output (for footers and comments)."""
    runs = prov.get("runs") or []
    names = ", ".join(
        f"{r.get('model') or '?'} [{str(r.get('run_id') or '?')[:12]}]" for r in runs
    )
    seeds = ", ".join(f"{k}={v}" for k, v in (prov.get("seeds") or {}).items())
    parts = [f"produced by {prov.get('produced_by')} (pct-tropes {prov.get('package_version')})"]
    # Byte-reproducible outputs carry no timestamp.
    if prov.get("created_utc"):
        parts.append(f"on {prov['created_utc']}")
    if names:
        parts.append(f"from runs {names}")
    if seeds:
        parts.append(f"seeds {seeds}")
    return "; ".join(parts)


__all__ = [
    "MODEL_ARG_DEFAULTS",
    "RUN_FIELDS",
    "TRACKED_LIBRARIES",
    "describe_run",
    "library_versions",
    "normalise_model_args",
    "parse_model_args",
    "provenance",
    "run_identity",
    "run_labels",
    "summary_line",
]
