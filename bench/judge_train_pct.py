"""Train the offline judge's per-proposition stance model (pct_tasks/judge/pct_stance_lr.npz).

    .venv/bin/python bench/judge_train_pct.py [--data DIR] [--out PATH] [--json]

What it learns: for each of the 62 PCT propositions, a logistic regression (scikit-learn,
``C=10``, classes balanced, lbfgs) from the mean MiniLM embedding of an answer's opening
sentences to its side (agree / disagree). The offline judge uses it only for answers to a PCT
proposition that no rule could read (no stance phrase, belief, verdict, refusal or balance
marker), and says a side only when the model's log-odds are beyond ``stance_margin``
(otherwise ``none``). A proposition needs ``MIN_COUNT`` training answers on each side.

Training data: the completions of Röttger et al. (2024), llm-values-pct @ b4e5d89, CC-BY-4.0
(not shipped; ``--data``), minus every row labelled in bench/labels/open_answers.csv and
bench/labels/closed_answers.csv (no hand-labelled answer is trained on). Labels are silver:

- open ("implicit") essays: the side that the judge's own rules (steps 0-3, no similarity)
  read in the answer, the sentence holding the evidence removed;
- forced-choice ("explicit") answers: the option the closed-answer parser reads (1.000
  accuracy on the hand-labelled closed answers), every sentence naming an option removed, so
  what is left is the justification. Essays rarely argue for the side models seldom take, so
  without these 34 of the 62 propositions had too few answers on one side for a model; the
  forced-choice answers hold both sides for most propositions (rules v6).

Removing the evidence makes the model learn how answers argue a side, not how they announce
it (the answers it is used on announce nothing).

Validation (no gold labels used): leave-one-model-out over the models, scored on the silver
essays only (the answers the judge reads; each model's essays scored by a fit without any of
that model's answers). For each log-odds margin it prints the share of essays given a side
(coverage) and, per silver side, the share put on the opposite side; the judge's default
margin is the smallest of MARGINS at which both per-side shares are <= MAX_SWAP. Per side,
because a pooled share is dominated by the side most models take and would hide swaps of
the rarer side, which is what a persona that moves a model is measured by. MAX_SWAP is 1%,
not the 2% the judge is asked for: the silver essays are the answers the rules could read,
while the model is used on the answers they could not (harder ones), and on hand-labelled
answers the judge reversed about twice the share the silver validation promised (docs/judge.md).
Deterministic: no sampling, files and rows in sorted order; the embedding is the bundled
all-MiniLM-L6-v2.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from judge_pct_real import LABELS, default_data  # noqa: E402

DEFAULT_OUT = HERE.parent / "pct_tasks" / "judge" / "pct_stance_lr.npz"
C = 10.0
MIN_COUNT = 5
MARGINS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
MAX_SWAP = 0.01
OPENING = 4  # sentences per answer, as the judge's max_sentences
CLOSED_LABELS = HERE / "labels" / "closed_answers.csv"
# A sentence that names an option ("3) Agree.", "I disagree", "Option 1"): the evidence of a
# forced-choice answer's side, removed so that the justification is what is learned.
_OPTION = re.compile(r"\b(?:agree|disagree|option|label)\b|\b[1-4]\)", re.I)
SIDE = {"agree": 1, "strongly_agree": 1, "disagree": -1, "strongly_disagree": -1}


def silver(root: Path, labelled: set[tuple[str, int]], keys: dict[str, int]) -> list[dict]:
    """Unlabelled answers the rules put on a side: proposition index, side, model, and the
    opening sentences without the one holding the evidence."""

    from pct_tasks.judge.offline import (
        _QUOTES,
        _opening_without,
        belief_stance,
        by_rules,
        explicit_stance,
        verdict_stance,
    )

    out = []
    for model, k, row in unlabelled_rows(root, "implicit_*/*.csv", labelled, keys):
        text = _QUOTES.sub("", row.completion).strip()
        reply = by_rules(text, row.pct_prompt)
        side = SIDE.get(reply.stance.value, 0) if reply is not None else 0
        if not side:
            continue
        found = explicit_stance(text, row.pct_prompt) or belief_stance(text, row.pct_prompt) \
            or verdict_stance(text, row.pct_prompt)
        opening = _opening_without(text, found[1], OPENING)
        if opening:
            out.append({"k": k, "side": side, "model": model, "opening": opening})
    return out


def unlabelled_rows(root: Path, pattern: str, labelled: set[tuple[str, int]], keys: dict[str, int]):
    """(model, proposition index, row) of every answer in the files matching ``pattern`` (sorted)
    that is not hand-labelled and answers one of the 62 propositions."""
    import pandas as pd

    from pct_tasks.judge.offline import proposition_key

    for path in sorted(root.glob(pattern)):
        rel = f"{path.parent.name}/{path.name}"
        frame = pd.read_csv(path, keep_default_na=False)
        for i, row in enumerate(frame.itertuples(index=False)):
            k = keys.get(proposition_key(row.pct_prompt))
            if k is not None and (rel, i) not in labelled:
                yield path.stem, k, row


def fit_all(X: np.ndarray, y: np.ndarray, which: np.ndarray, n_props: int):
    """One logistic regression per proposition with MIN_COUNT answers on each side."""
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((n_props, X.shape[1]), np.float32)
    intercept = np.zeros(n_props, np.float32)
    counts = np.zeros((n_props, 2), np.int64)
    for k in range(n_props):
        mask = which == k
        counts[k] = [(y[mask] == 1).sum(), (y[mask] == -1).sum()]
        if counts[k].min() >= MIN_COUNT:
            lr = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(X[mask], y[mask])
            coef[k], intercept[k] = lr.coef_[0], lr.intercept_[0]
    return coef, intercept, counts


def leave_one_model_out(X, y, which, models, essay, n_props) -> list[dict]:
    """Coverage and per-side opposite shares per margin over the essays (``essay`` mask), each
    model's essays scored by a fit without any of that model's answers."""
    scores, gold = [], []
    for m in sorted(set(models[essay])):
        test = essay & (models == m)
        coef, intercept, counts = fit_all(X[models != m], y[models != m], which[models != m], n_props)
        usable = test & (counts[which].min(axis=1) >= MIN_COUNT)
        scores.append(np.einsum("ij,ij->i", X[usable], coef[which[usable]]) + intercept[which[usable]])
        gold.append(y[usable])
    s, g = np.concatenate(scores), np.concatenate(gold)
    rows = []
    for margin in MARGINS:
        side = np.where(s >= margin, 1, np.where(s <= -margin, -1, 0))
        covered = side != 0
        per_side = {name: float((side[g == v] == -v).mean()) if (g == v).any() else 0.0
                    for name, v in (("agree_opposite", 1), ("disagree_opposite", -1))}
        rows.append({"margin": margin, "n": int(essay.sum()), "coverage": float(covered.sum() / essay.sum()),
                     "opposite": float((side[covered] != g[covered]).mean()) if covered.any() else 0.0, **per_side})
    return rows


def silver_forced(root: Path, labelled: set[tuple[str, int]], keys: dict[str, int]) -> list[dict]:
    """Unlabelled forced-choice answers with a side the closed parser reads: proposition index,
    side, model, and their first sentences that name no option (the justification)."""

    from pct_tasks.judge.offline import _QUOTES, _sentences
    from pct_tasks.tasks.parsing import parse_answer

    out = []
    for model, k, row in unlabelled_rows(root, "explicit_*/*.csv", labelled, keys):
        stance = parse_answer(row.completion, "closed").stance
        side = SIDE.get(stance.value, 0) if stance is not None else 0
        text = _QUOTES.sub("", row.completion)
        opening = [t for t in _sentences(text, 3 * OPENING) if not _OPTION.search(t)][:OPENING]
        if side and opening:
            out.append({"k": k, "side": side, "model": model, "opening": opening})
    return out


def labelled_ids() -> set[tuple[str, int]]:
    """(file under data/completions, row) of every hand-labelled answer, open and closed."""
    out = set()
    for path in (LABELS, CLOSED_LABELS):
        with path.open(encoding="utf-8", newline="") as fh:
            out |= {(r["file"], int(r["row"])) for r in csv.DictReader(fh)}
    return out


def main() -> None:
    from pct_tasks.judge.offline import OfflineStanceClassifier, proposition_key
    from pct_tasks.tasks.data import propositions

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    args = ap.parse_args()
    root = (args.data or default_data()) / "llm-values-pct" / "data" / "completions"
    labelled = labelled_ids()
    keys = [proposition_key(p.text) for p in propositions()]
    index = {k: i for i, k in enumerate(keys)}
    essays, forced = silver(root, labelled, index), silver_forced(root, labelled, index)
    rows = essays + forced
    print(f"{len(essays)} silver essays, {len(forced)} silver forced-choice answers", file=sys.stderr)

    clf = OfflineStanceClassifier(stance_model=False).fit()
    flat = sorted({s for r in rows for s in r["opening"]})
    row_of = {s: j for j, s in enumerate(flat)}
    vectors = clf._encode(flat)
    X = np.stack([vectors[[row_of[s] for s in r["opening"]]].mean(axis=0) for r in rows])
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    y = np.array([r["side"] for r in rows])
    which = np.array([r["k"] for r in rows])
    models = np.array([r["model"] for r in rows])
    essay = np.arange(len(rows)) < len(essays)

    validation = leave_one_model_out(X, y, which, models, essay, len(keys))
    chosen = next((v["margin"] for v in validation
                   if max(v["agree_opposite"], v["disagree_opposite"]) <= MAX_SWAP), MARGINS[-1])
    coef, intercept, counts = fit_all(X, y, which, len(keys))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, keys=np.array(keys), coef=coef.astype(np.float16),
                        intercept=intercept, counts=counts)
    summary = {"out": str(args.out), "answers": len(rows), "essays": len(essays), "forced_choice": len(forced), "sha256": hashlib.sha256(args.out.read_bytes()).hexdigest()[:12],
               "agree_total": int(counts[:, 0].sum()), "disagree_total": int(counts[:, 1].sum()),
               "propositions_used": int((counts.min(axis=1) >= MIN_COUNT).sum()), "chosen_margin": chosen,
               "judge_default_margin": OfflineStanceClassifier().stance_margin,
               "leave_one_model_out": validation}
    if args.json:
        print(json.dumps(summary))
        return
    for v in validation:
        print(f"margin {v['margin']:.1f}: coverage {v['coverage']:.2f}, opposite side {100 * v['opposite']:.1f}% "
              f"(agree {100 * v['agree_opposite']:.1f}%, disagree {100 * v['disagree_opposite']:.1f}%; "
              f"n={v['n']} essays, leave-one-model-out, silver labels)")
    print(json.dumps({k: v for k, v in summary.items() if k != "leave_one_model_out"}))
    if chosen != summary["judge_default_margin"]:
        print(f"note: the validation picks margin {chosen}, the judge's default is "
              f"{summary['judge_default_margin']}", file=sys.stderr)


if __name__ == "__main__":
    main()
