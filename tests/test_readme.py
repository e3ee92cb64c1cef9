"""The README cannot drift: every ``pct`` command in its shell blocks parses with the real
parser (fast), the cheap ones run, and the step-by-step tour runs as written (slow)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
TOUR_HEADING = "## The pipeline, step by step"


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def commands(block: str) -> list[str]:
    """The block's commands: continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", block)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def pct_argv(command: str) -> list[str] | None:
    """The arguments of a ``pct`` (or ``.venv/bin/pct``) command, None for other commands."""
    argv = shlex.split(command, comments=True)
    if not argv or Path(argv[0]).name != "pct" or argv[0] not in ("pct", ".venv/bin/pct"):
        return None
    return argv[1:]


def readme_pct_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    found = [pct_argv(c) for block in shell_blocks(text) for c in commands(block)]
    return [a for a in found if a is not None]


def tour_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(TOUR_HEADING):]
    return shell_blocks(section)[0]


def test_readme_has_the_commands_we_promise():
    argvs = readme_pct_commands()
    subcommands = {a[0] for a in argvs if a}
    assert {"run", "judge", "compass", "tropes", "report", "baseline", "compare", "--version"} <= subcommands
    assert tour_block().startswith("source .venv/bin/activate\n")
    # The tour and `make demo` write to folders that do not collide.
    tour_outputs = set(re.findall(r"runs/[\w-]+", tour_block()))
    make_outputs = set(re.findall(r"\$\(RUNS\)/([\w-]+)", (REPO / "Makefile").read_text()))
    assert tour_outputs and not {o.removeprefix("runs/") for o in tour_outputs} & make_outputs


@pytest.mark.parametrize("argv", readme_pct_commands(), ids=lambda a: " ".join(a)[:60])
def test_every_readme_command_parses(argv):
    from pct_tasks.cli import build_parser
    from pct_tasks.cli import run as run_cmd

    if argv == ["--version"]:
        return  # runs below
    if argv[0] == "run":
        ours, rest = run_cmd._own_parser().parse_known_args(argv[1:])
        args = run_cmd._lm_eval_run_parser().parse_args(rest)
        assert args.model and args.tasks, argv
        run_cmd._prepare(args)  # task names checked against the task folder
        return
    args = build_parser().parse_args(argv)
    assert callable(args.handler)


def test_cheap_readme_commands_run(tmp_path):
    pct = Path(sys.executable).parent / "pct"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for argv in (["--version"], ["tasks-dir"]):
        res = subprocess.run([str(pct), *argv], cwd=tmp_path, capture_output=True, text=True,
                             env=env, timeout=120)
        assert res.returncode == 0, res.stderr
        assert res.stdout.strip()


@pytest.mark.slow
def test_tour_runs_as_written(tmp_path):
    """The step-by-step block, run by bash in a fresh folder with a `.venv` like a checkout's."""
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "activate").write_text(f'export PATH="{Path(sys.executable).parent}:$PATH"\n')
    script = "set -euo pipefail\n" + tour_block()
    res = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=1500)
    assert res.returncode == 0, (res.stdout[-2000:], res.stderr[-3000:])
    assert (tmp_path / "runs" / "tour-report" / "report.html").is_file()
    assert "Traceback" not in res.stderr
