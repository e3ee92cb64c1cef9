"""What produced an output: the package, the command, the library versions, the runs, the seeds.

Every file that ``pct report``, ``pct leaderboard``, ``pct baseline`` and ``pct compare`` write
carries one of these records (embedded where the format has a slot for metadata, and always in
the output folder's ``manifest.json``), so that a table or a figure found on its own can be
traced back to the runs and settings behind it. Standard library only: reading versions uses
``importlib.metadata`` and never imports the libraries themselves.
"""

from __future__ import annotations

import dataclasses
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
    "RUN_FIELDS",
    "TRACKED_LIBRARIES",
    "describe_run",
    "library_versions",
    "provenance",
    "summary_line",
]
