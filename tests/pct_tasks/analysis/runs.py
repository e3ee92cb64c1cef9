"""Small real runs of the synthetic respondent (lm-eval with --log_samples), made once per session.

``get(tmp_path_factory, name)`` runs ``pct run`` the first time a run is asked for and returns
its output folder afterwards; tests that damage files must copy it first (``copy``).

Runs (political orientation and gender personas, templates 0-3, so the planted orientation
effect and the absent gender effect can both be tested in seconds):

* ``main``: seed 0, no leaning, all four tasks (3,968 documents);
* ``right``: seed 0, leaning +1 (right/authoritarian), closed tasks only;
* ``quick``: seed 0, the ``quick`` subset, closed tasks only (another prompt set).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

METADATA = {"categories": ["political_orientation", "gender"], "templates": [0, 1, 2, 3]}
RUNS: dict[str, dict] = {
    "main": {"model_args": "seed=0", "tasks": "pct", "metadata": METADATA},
    "right": {"model_args": "seed=0,leaning=1.0", "tasks": "pct_closed,pct_closed_base",
              "metadata": METADATA},
    "quick": {"model_args": "seed=0", "tasks": "pct_closed,pct_closed_base",
              "metadata": {"subset": "quick"}},
}
_made: dict[str, Path] = {}


def get(tmp_path_factory, name: str) -> Path:
    if name not in _made:
        from pct_tasks.cli import main
        from tests.conftest import build_once

        spec = RUNS[name]

        def build(out: Path) -> None:
            rc = main(["run", "--model", "pct-synthetic", "--model_args", spec["model_args"],
                       "--tasks", spec["tasks"], "--log_samples", "--output_path", str(out),
                       "--metadata", json.dumps(spec["metadata"])])
            assert rc == 0, f"pct run for the {name} fixture failed"

        _made[name] = build_once(tmp_path_factory, f"run-{name}", build)
    return _made[name]


def copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def samples_files(run: Path, task: str | None = None) -> list[Path]:
    files = sorted(run.rglob("samples_*.jsonl"))
    if task is not None:
        files = [f for f in files if f.name.startswith(f"samples_{task}_2")]
    return files
