"""The damaged-input matrix: exit code of every command on every kind of damaged input.

    python bench/damaged_inputs.py                      # this checkout
    python bench/damaged_inputs.py --before OLD_TREE    # also a second tree (e.g. git archive
                                                        # of an older commit), side by side

Each case starts from a small clean synthetic run (base case, 2 templates, 248 samples, written
without lm-eval), damages it one way, and runs compass, report, leaderboard, baseline, compare,
judge (offline) and tropes on it, in-process. A cell is the exit code; ``tb`` marks an
uncaught traceback (what the shell would see as exit 1). Expected after issue 13: 0 on clean
input, 2 on bad input, 4 on an unwritable output, never a traceback, never a silent 0 on a
damaged samples file (``empty`` is the documented skip: exit 0 with one warning line).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
COMMANDS = ("compass", "report", "leaderboard", "baseline", "compare", "judge", "tropes")
#: Output locations that cannot be written (as root too: sysfs refuses new files).
UNWRITABLE = "/sys/pct-damaged-inputs"


def _write_tiny_run(*args, **kwargs) -> Path:
    """tests/tiny_run.py of this checkout, loaded by path (the other tree has its own tests/)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_pct_tiny_run", HERE / "tests" / "tiny_run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_tiny_run(*args, **kwargs)


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _edit_doc(path: Path, n: int, fn) -> None:
    lines = _lines(path)
    sample = json.loads(lines[n])
    fn(sample["doc"])
    lines[n] = (json.dumps(sample) + "\n").encode()
    path.write_bytes(b"".join(lines))


def _closed(run: Path) -> Path:
    return next(run.glob("samples_pct_closed_base_*.jsonl"))


def _share_results(run: Path) -> None:
    """A second run (another seed) whose results file is lost, in the same folder."""
    other = _write_tiny_run(run.parent / "other", seed=5, stamp="2026-01-02T00-00-00.000000", templates=2)
    for p in other.glob("samples_*"):
        shutil.copy(p, run / p.name)
    for p in run.glob("results_*.json"):
        p.rename(run / "results_shared.json")


CASES = {
    "clean": lambda run: None,
    "first line garbage": lambda run: _closed(run).write_bytes(b"garbage\n" + _closed(run).read_bytes()),
    "empty samples file": lambda run: _closed(run).write_bytes(b""),
    "binary junk file": lambda run: _closed(run).write_bytes(os.urandom(4096).replace(b"\n", b"\x00")),
    "non-UTF-8 on line 1": lambda run: _closed(run).write_bytes(b"\xff" + _closed(run).read_bytes()),
    "non-UTF-8 on line 50": lambda run: _closed(run).write_bytes(
        b"".join(x if i != 49 else x[:30] + b"\xc3\x28" + x[30:] for i, x in enumerate(_lines(_closed(run))))),
    "template_id 'abc'": lambda run: _edit_doc(_closed(run), 3, lambda d: d.update(template_id="abc")),
    "proposition_id 99": lambda run: _edit_doc(_closed(run), 3, lambda d: d.update(proposition_id=99)),
    "unknown setting": lambda run: _edit_doc(_closed(run), 3, lambda d: d.update(setting="half")),
    "a line missing 'persona'": lambda run: _edit_doc(_closed(run), 3, lambda d: d.pop("persona")),
    "torn last line": lambda run: _closed(run).write_bytes(_closed(run).read_bytes()[:-40]),
    "results file garbage": lambda run: next(run.glob("results_*.json")).write_bytes(b"\x00garbage"),
    "two runs share a results file": _share_results,
    "unwritable output": lambda run: None,
}


def _argv(command: str, run: Path, out: Path, baseline: Path, cache: Path, unwritable: bool) -> list[str]:
    dest = Path(UNWRITABLE) if unwritable else out
    return {
        "compass": ["compass", str(run)],
        "report": ["report", str(run), "--out", str(dest / "report"), "--no-mixed", "--n-boot", "20",
                   "--no-svg", "--quiet"],
        "leaderboard": ["leaderboard", str(run), "--out", str(dest / "board")],
        "baseline": ["baseline", str(run), "--out", str(dest / "baseline.json")],
        "compare": ["compare", "--baseline", str(baseline), str(run), "--markdown", str(dest / "diff.md")],
        "judge": ["judge", str(run), "--judge", "offline"],
        "tropes": ["tropes", str(run), "--out", str(dest / "tropes"), "--cache-dir", str(cache),
                   "--stability", "0", "--permutations", "20", "--n-jobs", "1", "--quiet"],
    }[command]


def _call(argv: list[str]) -> str:
    from pct_tasks.cli import main

    err = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            rc = main(argv)
    except SystemExit as exc:
        rc = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001  (an uncaught error: the shell sees exit 1)
        return "tb"
    return str(rc)


def run_cases(work: Path, cases: list[str]) -> dict[str, dict[str, str]]:
    """Run every command on every case in this process (``pct_tasks`` from sys.path)."""
    clean = _write_tiny_run(work / "clean" / "run", templates=2)
    baseline = work / "clean" / "baseline.json"
    assert _call(["baseline", str(clean), "--out", str(baseline), "--no-judge"]) == "0"
    matrix: dict[str, dict[str, str]] = {}
    for i, case in enumerate(cases):
        row = {}
        for command in COMMANDS:
            unwritable = case == "unwritable output"
            if unwritable and command == "compass":
                row[command] = "-"
                continue
            folder = work / f"case{i}-{command}"
            run = shutil.copytree(clean, folder / "run")
            CASES[case](run)
            if unwritable and command == "judge":
                (run / "judgements").symlink_to("/sys/kernel")
            row[command] = _call(_argv(command, run, folder / "out", baseline, work / "emb-cache", unwritable))
        matrix[case] = row
        print(json.dumps({"case": case, "row": row}), file=sys.stderr, flush=True)
    return matrix


def _start(tree: Path, cases: list[str], work: str, log) -> subprocess.Popen:
    code = ("import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2] + '/bench']; "
            "from damaged_inputs import run_cases; from pathlib import Path; "
            "print(json.dumps(run_cases(Path(sys.argv[3]), json.loads(sys.argv[4]))))")
    env = {**os.environ, "PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-c", code, str(tree), str(HERE), work, json.dumps(cases)],
                            stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=work)


def _finish(proc: subprocess.Popen, tree: Path) -> dict[str, dict[str, str]]:
    out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"bench failed for {tree} (see the --log file)")
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a second source tree to compare with")
    parser.add_argument("--cases", nargs="*", default=list(CASES), help="subset of cases")
    parser.add_argument("--log", help="file for the progress lines (one JSON row per case)")
    args = parser.parse_args()
    trees = [HERE] + ([args.before.resolve()] if args.before else [])
    with contextlib.ExitStack() as stack:
        log = stack.enter_context(open(args.log, "w")) if args.log else subprocess.DEVNULL
        works = [stack.enter_context(tempfile.TemporaryDirectory(prefix="pct-damaged-")) for _ in trees]
        # Both trees at once: each process runs its cases in order (progress lines go to --log).
        procs = [_start(tree, args.cases, work, log) for tree, work in zip(trees, works, strict=True)]
        results = [_finish(p, tree) for p, tree in zip(procs, trees, strict=True)]
    after, before = results[0], (results[1] if args.before else None)
    head = "| case | " + " | ".join(COMMANDS) + " |"
    print(head + "\n|" + "---|" * (len(COMMANDS) + 1))
    for case in args.cases:
        cells = [f"{before[case][c]} → {after[case][c]}" if before else after[case][c] for c in COMMANDS]
        print(f"| {case} | " + " | ".join(cells) + " |")
    if before:
        print("\ncells: before → after (tb: uncaught traceback, exit 1)")


if __name__ == "__main__":
    main()
