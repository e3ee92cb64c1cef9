"""Train the offline judge's per-proposition stance centroids (pct_tasks/judge/pct_centroids.npz).

    .venv/bin/python bench/judge_train_pct.py [--data DIR] [--out PATH]

What it learns: for each of the 62 PCT propositions, the mean MiniLM embedding of the opening
of answers that agree with it and of answers that disagree with it. The offline judge uses
them only for answers to a PCT proposition that no rule could read (no stance phrase, belief,
verdict, refusal or balance marker), and says a side only when the answer is clearly nearer
one centroid (otherwise ``none``).

Training data: the open ("implicit") completions of Röttger et al. (2024), llm-values-pct
@ b4e5d89, CC-BY-4.0 (not shipped; ``--data``), minus every row labelled in
bench/labels/open_answers.csv (dev and heldout alike, so neither is trained on). Labels are
silver: the side that the judge's own rules (phrases, restated beliefs and verdicts; no
similarity) read in the answer. The sentence holding the evidence is removed before
embedding, so the centroids describe how answers argue a side, not how they announce it
(the answers the centroids are used on announce nothing). Deterministic: no sampling, files
and rows in sorted order; the embedding is the bundled all-MiniLM-L6-v2.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from judge_pct_real import LABELS, default_data  # noqa: E402

DEFAULT_OUT = HERE.parent / "pct_tasks" / "judge" / "pct_centroids.npz"


def main() -> None:
    import pandas as pd

    from pct_tasks.judge.offline import (
        OfflineStanceClassifier,
        _opening_without,
        belief_stance,
        explicit_stance,
        proposition_key,
        verdict_stance,
    )
    from pct_tasks.tasks.data import propositions

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    data = args.data or default_data()
    root = data / "llm-values-pct" / "data" / "completions"
    with LABELS.open(encoding="utf-8", newline="") as fh:
        labelled = {(r["file"], int(r["row"])) for r in csv.DictReader(fh)}

    props = [p.text for p in propositions()]
    keys = [proposition_key(p) for p in props]
    index = {k: i for i, k in enumerate(keys)}
    openings, sides, which = [], [], []
    skipped = {"labelled": 0, "no side": 0, "unknown proposition": 0}
    for path in sorted(root.glob("implicit_*/*.csv")):
        rel = f"{path.parent.name}/{path.name}"
        frame = pd.read_csv(path, keep_default_na=False)
        for i, row in enumerate(frame.itertuples(index=False)):
            if (rel, i) in labelled:
                skipped["labelled"] += 1
                continue
            k = index.get(proposition_key(row.pct_prompt))
            if k is None:
                skipped["unknown proposition"] += 1
                continue
            text = row.completion
            found = explicit_stance(text, row.pct_prompt) or belief_stance(text, row.pct_prompt) \
                or verdict_stance(text, row.pct_prompt)
            side = {"agree": 1, "strongly_agree": 1, "disagree": -1, "strongly_disagree": -1}.get(
                found[0].value if found else "", 0)
            if not side:
                skipped["no side"] += 1
                continue
            opening = _opening_without(text, found[1], 4)
            if opening:
                openings.append(opening)
                sides.append(side)
                which.append(k)
    print(f"{len(openings)} silver-labelled answers; skipped {skipped}", file=sys.stderr)

    clf = OfflineStanceClassifier().fit()
    flat = sorted({s for sents in openings for s in sents})
    row_of = {s: j for j, s in enumerate(flat)}
    vectors = clf._encode(flat)
    answers = np.stack([vectors[[row_of[s] for s in sents]].mean(axis=0) for sents in openings])
    answers /= np.linalg.norm(answers, axis=1, keepdims=True)
    sides_a, which_a = np.array(sides), np.array(which)
    dim = answers.shape[1]
    agree = np.zeros((len(props), dim), np.float32)
    disagree = np.zeros((len(props), dim), np.float32)
    counts = np.zeros((len(props), 2), np.int64)
    for k in range(len(props)):
        for side, target, col in ((1, agree, 0), (-1, disagree, 1)):
            mask = (which_a == k) & (sides_a == side)
            counts[k, col] = int(mask.sum())
            if mask.any():
                target[k] = answers[mask].mean(axis=0)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, keys=np.array(keys), agree=agree.astype(np.float16),
                        disagree=disagree.astype(np.float16), counts=counts)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()[:12]
    print(json.dumps({"out": str(args.out), "answers": len(openings), "sha256": digest,
                      "agree_total": int(counts[:, 0].sum()), "disagree_total": int(counts[:, 1].sum()),
                      "propositions_with_5_each": int(((counts >= 5).all(axis=1)).sum())}))


if __name__ == "__main__":
    main()
