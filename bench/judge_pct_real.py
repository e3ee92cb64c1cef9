"""The offline judge on real answers: IssueBench's halves and our labelled open PCT answers.

    .venv/bin/python bench/judge_pct_real.py [--data DIR] [--issuebench CSV] [--before REV] [--json]

Prints, from one run, macro-F1 (collapsed classes agree/disagree/none/refusal), accuracy and
the swap rate (agree-side gold judged disagree-side or the reverse, over the answers whose
gold has a side) for the judge at ``--before`` (default d876e6f, rules v2, read with
``git show``) and the working tree's judge, on:

- IssueBench (Röttger et al. 2025, CC-BY-4.0, not shipped): the ``tune`` and ``test`` halves
  of the split by topic cluster in bench/judge_issuebench.py; ``test`` is held out.
- Open PCT answers (Röttger et al. 2024, llm-values-pct, CC-BY-4.0, not shipped): the answers
  listed in bench/labels/open_answers.csv (ids and our labels; see bench/labels/README.md),
  joined here with their text; ``dev`` was used to develop the rules, ``heldout`` never.

``--errors dev`` lists the dev answers the working tree's judge gets wrong (ids, gold,
prediction, rationale; no text).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from judge_issuebench import DEFAULT as ISSUEBENCH_REL  # noqa: E402
from judge_issuebench import LABEL_MAP, classifier_at, read_rows, tune_mask  # noqa: E402

LABELS = HERE / "labels" / "open_answers.csv"
BEFORE = "d876e6f"


def default_data() -> Path:
    """external_data beside the checkout (``../shared`` of the repository or of its parent)."""
    for base in (HERE.parent.parent, HERE.parent.parent.parent):
        path = base / "shared" / "external_data"
        if path.is_dir():
            return path
    return HERE.parent.parent / "shared" / "external_data"


def read_pct(data: Path) -> list[dict[str, str]]:
    """The labelled open PCT answers, each with its proposition and text joined in."""
    import pandas as pd

    with LABELS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    root = data / "llm-values-pct" / "data" / "completions"
    frames: dict[str, pd.DataFrame] = {}
    for row in rows:
        if row["file"] not in frames:
            frames[row["file"]] = pd.read_csv(root / row["file"], keep_default_na=False)
        src = frames[row["file"]].iloc[int(row["row"])]
        if (src["pct_id"], src["templ_id"], src["jail_id"]) != (row["pct_id"], row["templ_id"], row["jail_id"]):
            raise SystemExit(f"{row['file']} row {row['row']}: ids differ from the labels file; wrong data version?")
        row["proposition"], row["text"] = src["pct_prompt"], src["completion"]
    return rows


SIDE = {"strongly_agree": 1, "agree": 1, "strongly_disagree": -1, "disagree": -1}


def scores(gold: list[str], pred: list[str]) -> dict:
    from sklearn.metrics import f1_score

    from pct_tasks.judge.evaluate import collapse, swap_count

    labels = ["agree", "disagree", "none", "refusal"]
    g = collapse(gold, set(labels))
    p = collapse(pred, set(labels))
    swaps, sided = swap_count(gold, pred)
    conf = {gl: {pl: sum(1 for a, b in zip(g, p, strict=True) if a == gl and b == pl) for pl in labels} for gl in labels}
    return {"n": len(g), "macro_f1": float(f1_score(g, p, labels=labels, average="macro", zero_division=0)),
            "accuracy": float(np.mean(np.array(g) == np.array(p))), "swaps": swaps, "n_sided": sided,
            "swap_rate": swaps / sided if sided else 0.0, "confusion": conf}


def main() -> None:
    from pct_tasks.judge.evaluate import map_gold
    from pct_tasks.judge.offline import OfflineStanceClassifier

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="external_data folder (default: ../shared/external_data)")
    ap.add_argument("--issuebench", default=None, help="IssueBench stance_annotations.csv")
    ap.add_argument("--before", default=BEFORE, help=f"git revision of the 'before' judge (default {BEFORE})")
    ap.add_argument("--errors", choices=["dev", "heldout"], default=None,
                    help="list the working tree judge's errors on this PCT split (ids only)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    data = args.data or default_data()

    pct = read_pct(data)
    ib_path = args.issuebench or str(data / "issuebench" / ISSUEBENCH_REL.split("issuebench/", 1)[1])
    ib = read_rows(ib_path)
    ib_gold = map_gold([r["final_label"].strip() for r in ib], LABEL_MAP)
    tune = tune_mask(ib)

    sets = {
        "IssueBench tune": ([(r["topic_pro"], r["response_text"]) for r, t in zip(ib, tune, strict=True) if t],
                            [g for g, t in zip(ib_gold, tune, strict=True) if t]),
        "IssueBench test (held out)": ([(r["topic_pro"], r["response_text"]) for r, t in zip(ib, tune, strict=True) if not t],
                                       [g for g, t in zip(ib_gold, tune, strict=True) if not t]),
    }
    for split in ("dev", "heldout"):
        rows = [r for r in pct if r["split"] == split]
        sets[f"PCT open {split}"] = ([(r["proposition"], r["text"]) for r in rows], [r["label"] for r in rows])

    judges = [(f"before ({args.before})", classifier_at(args.before)().fit()),
              ("after (working tree)", OfflineStanceClassifier().fit())]
    results = []
    for name, clf in judges:
        for subset, (pairs, gold) in sets.items():
            replies = clf.judge(pairs)
            pred = [r.stance.value for r in replies]
            results.append({"judge": name, "judge_id": clf.judge_id, "subset": subset, **scores(gold, pred)})
            if args.errors and subset == f"PCT open {args.errors}" and name.startswith("after"):
                rows = [r for r in pct if r["split"] == args.errors]
                for r, p, rep in zip(rows, pred, replies, strict=True):
                    if SIDE.get(r["label"], r["label"]) != SIDE.get(p, p):
                        print(f"{r['file']}:{r['row']} gold={r['label']} pred={p} :: {rep.rationale}")
    if args.json:
        print(json.dumps(results))
        return
    print("| judge | set | n | macro-F1 | accuracy | swaps | swap rate |")
    print("|---|---|---|---|---|---|---|")
    for res in results:
        print(f"| {res['judge']} {res['judge_id']} | {res['subset']} | {res['n']} | {res['macro_f1']:.3f} | "
              f"{res['accuracy']:.3f} | {res['swaps']}/{res['n_sided']} | {100 * res['swap_rate']:.1f}% |")
    for res in results:
        conf = res["confusion"]
        print(f"{res['judge']} on {res['subset']} (rows gold, columns agree/disagree/none/refusal): "
              + "; ".join(f"{g} {'/'.join(str(v) for v in row.values())}" for g, row in conf.items()))


if __name__ == "__main__":
    main()
