"""Write IssueBench's held-out half (or a seeded sample of it) as a CSV for ``pct judge-eval``.

    .venv/bin/python bench/issuebench_heldout_csv.py --out /tmp/ib-test.csv [--sample 100] [--seed 0]
    pct judge-eval /tmp/ib-test.csv --text-column response_text --label-column final_label \\
        --proposition-column topic_pro --label-map /tmp/ib-test.labels.json --judge ...

For judges too slow to run on all of it (an LLM on CPU): the ``test`` half of
``judge_issuebench.py``'s split by topic cluster (the half no offline setting was chosen on),
optionally a seeded sample of its rows. The label map (``LABEL_MAP``, documented in
docs/judge.md) is written beside the CSV as ``<out stem>.labels.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np
from judge_issuebench import DEFAULT, LABEL_MAP, read_rows, tune_mask

COLUMNS = ("response_text", "final_label", "topic_pro", "cluster_id")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", default=DEFAULT, help="IssueBench stance_annotations.csv")
    ap.add_argument("--out", required=True, help="CSV to write")
    ap.add_argument("--sample", type=int, default=None, help="rows drawn from the held-out half (default: all)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the sample")
    args = ap.parse_args()
    rows = read_rows(args.csv)
    held_out = np.flatnonzero(~tune_mask(rows))
    if args.sample is not None and args.sample < len(held_out):
        held_out = np.sort(np.random.default_rng(args.seed).choice(held_out, args.sample, replace=False))
    out = Path(args.out)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows[i] for i in held_out)
    labels = out.with_name(out.stem + ".labels.json")
    labels.write_text(json.dumps(LABEL_MAP, indent=1), encoding="utf-8")
    print(f"{len(held_out)} held-out rows of {len(rows)} -> {out}; label map -> {labels}")


if __name__ == "__main__":
    main()
