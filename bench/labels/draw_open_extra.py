"""Draw the second, dev-only sample of real open answers that was labelled by hand (2026-12-01).

Run from the repository root: ``python bench/labels/draw_open_extra.py`` prints the drawn ids
(file, row, model, templ_id, pct_id, jail_id) as CSV. The labels were written by reading each
answer (see README.md); they are the rows of ``open_answers.csv`` after the first 304.

Why a second sample: the first one held only 2 dev answers labelled ``none``, too few to see how
the offline judge treats balanced answers without looking at the held-out split. Only rows
whose id hashes to ``dev`` (the same rule as the first sample) and that are not labelled yet
are drawn, so the held-out split is untouched.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from judge_pct_real import LABELS, default_data  # noqa: E402

PER_FILE = 10
SEED = 2026


def split_of(file: str, row: int) -> str:
    """``dev`` when the first 8 hex digits of sha256("<file>:<row>") / 16^8 < 0.6, else ``heldout``."""
    return "dev" if int(hashlib.sha256(f"{file}:{row}".encode()).hexdigest()[:8], 16) / 16**8 < 0.6 else "heldout"


def draw(data: Path) -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8", newline="") as fh:
        labelled = {(r["file"], int(r["row"])) for r in csv.DictReader(fh)}
    rng = np.random.default_rng(SEED)
    out = []
    for path in sorted((data / "llm-values-pct" / "data" / "completions").glob("implicit_*/*.csv")):
        rel = f"{path.parent.name}/{path.name}"
        frame = pd.read_csv(path, keep_default_na=False)
        pool = [i for i in range(len(frame)) if (rel, i) not in labelled and split_of(rel, i) == "dev"]
        for i in sorted(rng.choice(pool, size=PER_FILE, replace=False).tolist()):
            src = frame.iloc[i]
            out.append({"file": rel, "row": str(i), "model": path.stem, "templ_id": src["templ_id"],
                        "pct_id": src["pct_id"], "jail_id": src["jail_id"]})
    return out


if __name__ == "__main__":
    rows = draw(default_data())
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
