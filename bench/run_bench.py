"""`make bench`: the PCT tasks' figures, each beside its baseline in the same run.

1. All 27,280 documents (pct group) through the synthetic respondent with --log_samples, beside
   lm-eval's floor: the same number of documents of a trivial generate_until task on the same
   model. Target: ours within 1.3x of the floor.
2. The time of `make test` is measured separately: `time make test`.

Other stages add their benchmarks to bench/ (see each script's docstring).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def measure(cmd: list[str]) -> dict:
    out = subprocess.run([sys.executable, str(HERE / "measure.py"), *cmd], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(repeats: int = 2) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pct-bench-"))
    common = ["--model", "pct-synthetic", "--log_samples"]
    rows = []
    try:
        for i in range(repeats):
            # Alternate the order so that warm file caches favour neither side.
            pair = [("floor", [str(BIN / "pct"), "run", *common, "--tasks", "pct_bench_floor",
                               "--include_path", str(HERE / "floor_task"), "--output_path", str(tmp / f"floor{i}")]),
                    ("pct", [str(BIN / "pct"), "run", *common, "--tasks", "pct",
                             "--output_path", str(tmp / f"pct{i}")])]
            for name, cmd in pair if i % 2 == 0 else reversed(pair):
                res = measure(cmd)
                if res["rc"]:
                    raise SystemExit(f"{name} failed")
                rows.append({"what": name, "repeat": i, **res})
                print(json.dumps(rows[-1]), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    best = {w: min(r["wall_s"] for r in rows if r["what"] == w) for w in ("floor", "pct")}
    peak = {w: max(r["peak_mib"] for r in rows if r["what"] == w) for w in ("floor", "pct")}
    print()
    print(f"| run (27,280 documents, pct-synthetic, --log_samples) | wall s (best of {repeats}) | peak MiB |")
    print("|---|---:|---:|")
    print(f"| lm-eval floor (trivial generate_until task) | {best['floor']:.1f} | {peak['floor']:.0f} |")
    print(f"| pct (closed, open, closed_base, open_base) | {best['pct']:.1f} | {peak['pct']:.0f} |")
    print(f"\nratio pct / floor: {best['pct'] / best['floor']:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
