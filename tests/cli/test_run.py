"""`pct run` and `pct tasks-dir` as a user calls them: from any folder, editable or wheel."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _pct(args, cwd, env=None):
    return subprocess.run([str(BIN / "pct"), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_pct_run_from_another_folder(tmp_path):
    res = _pct(["run", "--model", "pct-synthetic", "--tasks", "pct_closed_base",
                "--metadata", json.dumps({"templates": [0]}), "--log_samples", "--output_path", "out"],
               cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    (results,) = (tmp_path / "out" / "pct-synthetic").glob("results_*.json")
    data = json.loads(results.read_text())
    assert data["n-samples"]["pct_closed_base"]["effective"] == 62
    assert data["config"]["model_args"]["model"] == "pct-synthetic"
    assert "pct_econ,none" in data["results"]["pct_closed_base"]


def test_tasks_dir_feeds_stock_lm_eval(tmp_path):
    res = _pct(["tasks-dir"], cwd=tmp_path)
    assert res.returncode == 0
    task_dir = Path(res.stdout.strip())
    assert (task_dir / "pct_closed.yaml").is_file()
    ls = subprocess.run([str(BIN / "lm_eval"), "ls", "tasks", "--include_path", str(task_dir)],
                        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    for task in ("pct_closed", "pct_open", "pct_closed_base", "pct_open_base", "pct_closed_user_turn"):
        assert task in ls.stdout


def test_user_errors_are_one_line(tmp_path):
    res = _pct(["run", "--model", "pct-synthetic", "--tasks", "pct_closed",
                "--metadata", json.dumps({"categories": ["religion"]})], cwd=tmp_path)
    assert res.returncode != 0
    assert "unknown persona categories ['religion']" in res.stdout + res.stderr
    res = _pct(["run", "--model", "no-such-model", "--tasks", "pct_closed"], cwd=tmp_path)
    assert res.returncode == 2
    assert "pct: error: Attempted to load model 'no-such-model'" in res.stderr
    assert "choose --model from:" in res.stderr and "Traceback" not in res.stderr


@pytest.fixture(scope="module")
def wheel_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(REPO)], check=True, capture_output=True, timeout=300)
    (wheel,) = out.glob("pct_tropes-*.whl")
    site = out / "site"
    zipfile.ZipFile(wheel).extractall(site)
    return site


def test_wheel_carries_tasks_and_data(wheel_dir, tmp_path):
    assert (wheel_dir / "pct_tasks" / "task_configs" / "pct_closed.yaml").is_file()
    assert (wheel_dir / "pct_tasks" / "tasks" / "resources" / "propositions.json").is_file()
    code = ("import pct_tasks.io.paths as p, pct_tasks.tasks.data as d; "
            "print(p.task_dir()); print(len(d.propositions()))")
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(wheel_dir)})
    assert res.returncode == 0, res.stderr
    where, n = res.stdout.split()
    assert Path(where) == wheel_dir / "pct_tasks" / "task_configs" and n == "62"
    entry = (next(wheel_dir.glob("pct_tropes-*.dist-info")) / "entry_points.txt").read_text()
    assert "[lm_eval.tasks]" in entry and "pct = pct_tasks.cli:main" in entry


def test_synthetic_model_gets_a_name_in_every_flag_form():
    from pct_tasks.cli.run import _name_synthetic_model

    assert _name_synthetic_model(["--model", "pct-synthetic", "--tasks", "pct"])[-2:] == [
        "--model_args", "model=pct-synthetic"]
    out = _name_synthetic_model(["--model=pct-synthetic", "--model_args=seed=3", "--tasks", "pct"])
    assert out == ["--model=pct-synthetic", "--tasks", "pct", "--model_args", "model=pct-synthetic,seed=3"]
    keep = ["--model", "pct-synthetic", "--model_args", "model=mine,seed=1"]
    assert _name_synthetic_model(keep) == keep
    other = ["--model", "hf", "--model_args", "pretrained=x"]
    assert _name_synthetic_model(other) == other
