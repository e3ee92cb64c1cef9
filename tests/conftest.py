"""Shared fixtures. Everything is offline: no hub, no network."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
if os.environ.get("PYTEST_XDIST_WORKER"):
    # One thread per worker: `make test` runs one worker per core, and two OpenMP pools on one
    # core spin against each other (MiniLM's forward pass then costs several times the CPU).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


def run_pct(argv: list[str]) -> int:
    """`pct run ...` in-process (lm-eval's CLI with our tasks)."""
    from pct_tasks.cli import main

    return main(["run", *argv])


def build_once(tmp_path_factory, name: str, build) -> Path:
    """The folder ``name``, made by ``build(folder)`` once per test session, also when pytest-xdist
    runs the tests in several worker processes (they share the folder; a file lock makes the
    others wait for the first). Treat it as read-only: copy it before damaging files."""
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this session
    folder = root / f"shared-{name}"
    done = root / f"shared-{name}.complete"  # beside the folder, so copies of it stay clean
    with FileLock(str(folder) + ".lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def _synthetic_full_run(tmp_path_factory) -> Path:
    def build(out: Path) -> None:
        rc = run_pct(["--model", "pct-synthetic", "--model_args", "seed=0", "--tasks", "pct",
                      "--log_samples", "--output_path", str(out)])
        assert rc == 0

    return build_once(tmp_path_factory, "synthetic-full", build)


@pytest.fixture
def synthetic_full_run(_synthetic_full_run, tmp_path) -> Path:
    """A full run (all four tasks, 27,280 documents) of the synthetic respondent, seed 0.

    Each test gets its own copy, so it may write beside the run or damage files freely.
    """
    dst = tmp_path / "run"
    shutil.copytree(_synthetic_full_run, dst)
    return dst
