"""Draw the later samples of real open answers that were labelled by hand.

Run from the repository root: ``python bench/labels/draw_open_extra.py [--sample second|third|fourth|fifth]``
prints the drawn ids (file, row, model, templ_id, pct_id, jail_id) as CSV. The labels were
written by reading each answer (see README.md); they are rows 305-464 (second sample), 465-624
(third sample), 625-816 (fourth sample) and 817-1056 (fifth sample) of ``open_answers.csv``.

- ``second`` (2026-12-01, dev only): the first sample held only 2 dev answers labelled ``none``,
  too few to see how the offline judge treats balanced answers without looking at the held-out
  split; 10 rows per file whose id hashes to ``dev``, seed 2026.
- ``third`` (2026-12-01, split ``heldout2``): a fresh held-out sample labelled blind, before any
  judge read it, so the judge changes made after it can be scored on answers nobody tuned on;
  10 rows per file whose id hashes to ``heldout``, seed 2027.
- ``fourth`` (2026-12-01, split ``heldout3``): the same for the judge changes made after
  ``heldout`` and ``heldout2`` had been read through the judge (from then on they are tuning
  data); 12 rows per file, seed 2028, each labelled independently by two readers.
- ``fifth`` (2026-12-01, split ``heldout4``): the same once ``heldout3`` had scored two judges
  and its errors were read for rules v7; 15 rows per file, seed 2029, two readers each.

Each draw excludes only the rows labelled before it (the first ``LABELLED_BEFORE`` rows of
``open_answers.csv``), so re-running it after its own rows were appended gives the same ids.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from judge_pct_real import LABELS, default_data  # noqa: E402

# sample -> (split the drawn ids hash to, seed, rows of open_answers.csv labelled before it,
# rows drawn per file)
SAMPLES = {"second": ("dev", 2026, 304, 10), "third": ("heldout", 2027, 464, 10),
           "fourth": ("heldout", 2028, 624, 12), "fifth": ("heldout", 2029, 816, 15)}


def split_of(file: str, row: int) -> str:
    """``dev`` when the first 8 hex digits of sha256("<file>:<row>") / 16^8 < 0.6, else ``heldout``."""
    return "dev" if int(hashlib.sha256(f"{file}:{row}".encode()).hexdigest()[:8], 16) / 16**8 < 0.6 else "heldout"


def draw(data: Path, sample: str = "second") -> list[dict[str, str]]:
    split, seed, before, per_file = SAMPLES[sample]
    with LABELS.open(encoding="utf-8", newline="") as fh:
        labelled = {(r["file"], int(r["row"])) for r in list(csv.DictReader(fh))[:before]}
    rng = np.random.default_rng(seed)
    out = []
    for path in sorted((data / "llm-values-pct" / "data" / "completions").glob("implicit_*/*.csv")):
        rel = f"{path.parent.name}/{path.name}"
        frame = pd.read_csv(path, keep_default_na=False)
        pool = [i for i in range(len(frame)) if (rel, i) not in labelled and split_of(rel, i) == split]
        for i in sorted(rng.choice(pool, size=per_file, replace=False).tolist()):
            src = frame.iloc[i]
            out.append({"file": rel, "row": str(i), "model": path.stem, "templ_id": src["templ_id"],
                        "pct_id": src["pct_id"], "jail_id": src["jail_id"]})
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", choices=sorted(SAMPLES), default="second")
    rows = draw(default_data(), ap.parse_args().sample)
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
