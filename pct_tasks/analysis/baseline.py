"""The baseline file: what the CI gate needs to know about one run, in a few dozen kilobytes.

``pct baseline RUN --out FILE`` writes it; ``pct compare --baseline FILE RUN`` reads it. A
baseline holds, per setting, the coordinates of every complete prompt variant (incomplete ones
are left out, as everywhere), one stance code per (variant, proposition), and the answer,
refusal and invalid rates, together with the run's identity
and its *prompt set* (task versions and the set of (task, document) keys), which decides
whether two runs are comparable at all.

Format (JSON, ``format: "pct-baseline"``, ``version: 2``; version 1 files, which had a
``parse_rate`` and could hold incomplete variants, are still read)::

    {"format": "pct-baseline", "version": 2,
     "run": {run_id, model, model_args, backend, chat_template_sha, task_versions, ...},
     "prompt_set": {"task_versions": {"pct_closed": 1.0, ...}, "n_docs": 27280,
                    "sha256": "<hash of the sorted task/doc_key list>"},
     "settings": {"closed": {"n": 13640, "answer_rate": .98, "refusal_rate": .01,
                             "invalid_rate": .01, "judged_rate": 1.0,
                             "variants": {"closed/age=18/t0": [econ, social, n_valid], ...},
                             "stances": {"closed/age=18/t0": "0123i...", ...}}, ...},
     "provenance": {...}}

A stance string has one character per proposition id 0..61: ``0``-``3`` for the answers
(strongly disagree .. strongly agree), ``i`` invalid, ``n`` none, ``r`` refusal, ``u``
unjudged, ``.`` not asked.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pct_tasks.errors import PctInputError
from pct_tasks.labels import UNJUDGED, Stance
from pct_tasks.tasks.data import N_PROPOSITIONS

FORMAT = "pct-baseline"
VERSION = 2

STANCE_CODES: dict[str, str] = {
    Stance.STRONGLY_DISAGREE.value: "0",
    Stance.DISAGREE.value: "1",
    Stance.AGREE.value: "2",
    Stance.STRONGLY_AGREE.value: "3",
    Stance.INVALID.value: "i",
    Stance.NONE.value: "n",
    Stance.REFUSAL.value: "r",
    UNJUDGED: "u",
}
CODE_STANCES: dict[str, str] = {v: k for k, v in STANCE_CODES.items()}
MISSING = "."


@dataclass(frozen=True)
class Baseline:
    """A parsed baseline (or the same summary computed from a run in memory)."""

    run: dict[str, Any]
    prompt_set: dict[str, Any]
    settings: dict[str, dict[str, Any]]
    source: str = "<memory>"
    provenance: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"format": FORMAT, "version": VERSION, "run": self.run,
               "prompt_set": self.prompt_set, "settings": self.settings}
        if self.provenance is not None:
            out["provenance"] = self.provenance
        return out


def _prompt_set(samples: Any, task_versions: Mapping[str, Any]) -> dict[str, Any]:
    keys = sorted(set(zip(samples["task"].astype(str), samples["doc_key"].astype(str), strict=True)))
    digest = hashlib.sha256("\n".join(f"{t}\t{k}" for t, k in keys).encode("utf-8")).hexdigest()
    tasks = sorted({t for t, _ in keys})
    versions = {t: task_versions.get(t) for t in tasks}
    return {"task_versions": versions, "n_docs": len(keys), "sha256": digest}


def from_run(data: Any, run_id: str | None = None) -> Baseline:
    """Summarise one run of a ``RunData`` as a :class:`Baseline`.

    Args:
        data: ``analysis.RunData``.
        run_id: which run, when ``data`` holds several.

    Raises:
        PctInputError: ``data`` holds several runs and ``run_id`` is not given (or unknown).
    """
    from pct_tasks.analysis import compass

    if run_id is None:
        if len(data.runs) != 1:
            names = ", ".join(f"{data.label(r)} ({r})" for r in data.runs)
            raise PctInputError(f"the input holds {len(data.runs)} runs: {names}",
                                hint="pass one run's folder, or choose one with --run-id")
        run_id = next(iter(data.runs))
    if run_id not in data.runs:
        raise PctInputError(f"no run {run_id!r} in the input",
                            hint=f"choose one of {', '.join(data.runs)}")
    samples = data.samples[data.samples["run_id"] == run_id]
    info = data.runs[run_id]
    sub = type(data)(samples, {run_id: info}, {run_id: data.judge_status.get(run_id)})
    variants = compass.variant_table(sub)
    rates = compass.rate_table(sub)
    settings: dict[str, dict[str, Any]] = {}
    for setting, rows in samples.groupby("setting", observed=True, sort=True):
        setting = str(setting)
        rate = rates[rates["setting"] == setting].iloc[0]
        codes: dict[str, list[str]] = {}
        for v, pid, st in zip(rows["variant"].astype(str), rows["proposition_id"],
                              rows["stance"].astype(str), strict=True):
            codes.setdefault(v, [MISSING] * N_PROPOSITIONS)[int(pid)] = STANCE_CODES.get(st, "i")
        vt = variants[variants["setting"] == setting]
        settings[setting] = {
            "n": int(rate["n"]),
            "answer_rate": float(rate["answer_rate"]),
            "refusal_rate": float(rate["refusal_rate"]),
            "invalid_rate": float(rate["invalid_rate"]),
            "judged_rate": float(data.judge_status.get(run_id) or 0.0) if setting == "open" else 1.0,
            "variants": {v: [float(e), float(s), int(n)] for v, e, s, n in
                         zip(vt["variant"], vt["econ"], vt["social"], vt["n_valid"], strict=True)},
            "stances": {v: "".join(c) for v, c in sorted(codes.items())},
        }
    return Baseline(
        run=dict(info),
        prompt_set=_prompt_set(samples, info.get("task_versions") or {}),
        settings=settings,
    )


def write_baseline(baseline: Baseline, path: str | os.PathLike, prov: Mapping[str, Any] | None = None) -> Path:
    """Write a baseline file atomically (compact JSON: it is meant to be committed)."""
    from pct_tasks.io.outputs import _plain, atomic_write_text

    obj = baseline.to_json()
    if prov is not None:
        obj["provenance"] = dict(prov)
    text = json.dumps(_plain(obj), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return atomic_write_text(path, text + "\n")


def read_baseline(path: str | os.PathLike) -> Baseline:
    """Read and validate a baseline file.

    Raises:
        PctInputError: the file is missing, not JSON, not a baseline, or of a newer version.
    """
    path = Path(path)
    if not path.is_file():
        raise PctInputError(f"{path}: no such baseline file",
                            hint="write one with `pct baseline RUN --out FILE`")
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PctInputError(f"{path}: not a readable baseline file ({exc})",
                            hint="re-create it with `pct baseline RUN --out FILE`") from exc
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise PctInputError(f"{path}: not a pct baseline file (no \"format\": \"{FORMAT}\")",
                            hint="write one with `pct baseline RUN --out FILE`")
    version = obj.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise PctInputError(
            f"{path}: baseline format version {version!r}; this pct reads up to {VERSION}",
            hint="upgrade pct-tropes, or re-create the baseline with this version")
    for key in ("run", "prompt_set", "settings"):
        if not isinstance(obj.get(key), dict):
            raise PctInputError(f"{path}: baseline lacks its {key!r} section",
                                hint="re-create it with `pct baseline RUN --out FILE`")
    for setting, block in obj["settings"].items():
        bad = [v for v, s in (block.get("stances") or {}).items()
               if not isinstance(s, str) or len(s) != N_PROPOSITIONS]
        if bad:
            raise PctInputError(f"{path}: {setting} stances of {bad[0]!r} are not {N_PROPOSITIONS} codes",
                                hint="the file was edited or truncated; re-create it")
    return Baseline(obj["run"], obj["prompt_set"], obj["settings"], source=str(path),
                    provenance=obj.get("provenance"))


def is_baseline_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` looks like a baseline file (a JSON file starting with our format tag)."""
    path = Path(path)
    if not path.is_file() or path.suffix.lower() != ".json":
        return False
    try:
        with path.open(encoding="utf-8") as fh:
            head = fh.read(4096)
    except (OSError, UnicodeDecodeError):
        return False
    return f'"format":"{FORMAT}"' in head.replace(" ", "") or f'"{FORMAT}"' in head


__all__ = ["Baseline", "CODE_STANCES", "FORMAT", "STANCE_CODES", "VERSION", "from_run",
           "is_baseline_file", "read_baseline", "write_baseline"]
