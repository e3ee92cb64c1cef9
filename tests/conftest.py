"""Shared fixtures. Everything is offline: no hub, no network."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


def run_pct(argv: list[str]) -> int:
    """`pct run ...` in-process (lm-eval's CLI with our tasks)."""
    from pct_tasks.cli import main

    return main(["run", *argv])


@pytest.fixture(scope="session")
def _synthetic_full_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic-full")
    rc = run_pct(["--model", "pct-synthetic", "--model_args", "seed=0", "--tasks", "pct",
                  "--log_samples", "--output_path", str(out)])
    assert rc == 0
    return out


@pytest.fixture
def synthetic_full_run(_synthetic_full_run, tmp_path) -> Path:
    """A full run (all four tasks, 27,280 documents) of the synthetic respondent, seed 0.

    Each test gets its own copy, so it may write beside the run or damage files freely.
    """
    dst = tmp_path / "run"
    shutil.copytree(_synthetic_full_run, dst)
    return dst
