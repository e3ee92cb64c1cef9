"""`pct report` on the full 27,280-document synthetic run: wall time and peak memory.

Usage:
    .venv/bin/python bench/report_bench.py [RUN_DIR] [--judge]

Without RUN_DIR it first makes the run (`pct run --model pct-synthetic --tasks pct
--log_samples`). --judge labels the open answers with the offline judge first (`pct judge`),
so that the report also has open coordinates and the closed-vs-open section. Each measure is
one fresh process (bench/measure.py: wall time, peak RSS). Prints one JSON line per measure:
the cold report, then the re-run (which finds the report up to date).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PCT = str(Path(sys.executable).parent / "pct")


def measure(cmd: list[str]) -> dict:
    out = subprocess.run([sys.executable, str(HERE / "measure.py"), *cmd], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    judge = "--judge" in argv
    args = [a for a in argv if a != "--judge"]
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(args[0]) if args else Path(tmp) / "run"
        if not args:
            print(json.dumps({"step": "pct run (full synthetic)", **measure(
                [PCT, "run", "--model", "pct-synthetic", "--model_args", "seed=0", "--tasks", "pct",
                 "--log_samples", "--output_path", str(run)])}))
        if judge:
            print(json.dumps({"step": "pct judge (offline)", **measure([PCT, "judge", str(run)])}))
        n_docs = sum(sum(1 for _ in f.open()) for f in run.rglob("samples_*.jsonl"))
        out = Path(tmp) / "report"
        cmd = [PCT, "report", str(run), "--out", str(out), "--quiet"]
        print(json.dumps({"step": "pct report (cold)", "documents": n_docs, **measure(cmd)}))
        print(json.dumps({"step": "pct report (re-run, up to date)", **measure(cmd)}))
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(json.dumps({"report_html_kib": round((out / "report.html").stat().st_size / 1024),
                          "outputs_mib": round(size / 2**20, 1)}))


if __name__ == "__main__":
    main(sys.argv[1:])
