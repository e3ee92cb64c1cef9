"""The offline judge on real answers: IssueBench's halves and our labelled open PCT answers.

    .venv/bin/python bench/judge_pct_real.py [--data DIR] [--issuebench CSV] [--before REV] [--speed] [--json]

Prints, from one run, macro-F1 (collapsed classes agree/disagree/none/refusal) and the swap
rate (agree-side gold judged disagree-side or the reverse, over the answers whose gold has a
side), each with a 95% percentile-bootstrap interval over answers (1,000 resamples, seed 0),
and accuracy, for the judge at ``--before`` (default 0b731e8, rules v3, read with ``git show``
together with its data files) and the working tree's judge, on:

- IssueBench (Röttger et al. 2025, CC-BY-4.0, not shipped): the ``tune`` and ``test`` halves
  of the split by topic cluster in bench/judge_issuebench.py; ``test`` is held out.
- Open PCT answers (Röttger et al. 2024, llm-values-pct, CC-BY-4.0, not shipped): the answers
  listed in bench/labels/open_answers.csv (ids and our labels; see bench/labels/README.md),
  joined here with their text. ``dev`` was used to develop the rules up to v6; ``heldout`` (first
  sample) and ``heldout2`` (third sample) were held out until v6 was scored; ``heldout3``
  (fourth sample) scored v6 at two stance margins. All three were then read through the judge
  to write rules v7, so they are tuning data like ``dev`` and are reported with it as
  ``tuning``; ``heldout4`` (fifth sample, labelled blind by two readers before v7 was scored)
  is the held-out set of v7.

``--speed`` also times each judge (interleaved, best of two) on the 4,960 open answers of the
implicit paraphrase files (8 models x 62 propositions x 10 templates), the figure docs/judge.md
reports as answers per second.

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
BEFORE = "0b731e8"


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


LABELS4 = ["agree", "disagree", "none", "refusal"]


def _f1_swap(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import f1_score

    from pct_tasks.judge.evaluate import collapse, swap_count

    swaps, sided = swap_count(list(gold), list(pred))
    f1 = f1_score(collapse(list(gold), set(LABELS4)), collapse(list(pred), set(LABELS4)), labels=LABELS4,
                  average="macro", zero_division=0)
    return float(f1), swaps / sided if sided else 0.0


def scores(gold: list[str], pred: list[str], n_boot: int = 1000) -> dict:
    from pct_tasks.judge.evaluate import collapse, swap_count
    from pct_tasks.metrics import bootstrap_intervals

    g = collapse(gold, set(LABELS4))
    p = collapse(pred, set(LABELS4))
    swaps, sided = swap_count(gold, pred)
    conf = {gl: {pl: sum(1 for a, b in zip(g, p, strict=True) if a == gl and b == pl) for pl in LABELS4}
            for gl in LABELS4}
    f1, _ = _f1_swap(np.array(gold, dtype=object), np.array(pred, dtype=object))
    ci = bootstrap_intervals(np.array(gold, dtype=object), np.array(pred, dtype=object), _f1_swap,
                             ["macro_f1", "swap_rate"], n_boot=n_boot, seed=0)
    return {"n": len(g), "macro_f1": f1, "accuracy": float(np.mean(np.array(g) == np.array(p))), "swaps": swaps,
            "n_sided": sided, "swap_rate": swaps / sided if sided else 0.0, "ci": ci, "confusion": conf}


def pct_open_answers(data: Path) -> list[tuple[str, str]]:
    """(proposition, answer) for the 4,960 answers of the implicit paraphrase files."""
    import pandas as pd

    root = data / "llm-values-pct" / "data" / "completions" / "implicit_paraphrase_experiments_230124"
    frames = [pd.read_csv(path, keep_default_na=False) for path in sorted(root.glob("*.csv"))]
    return [(r.pct_prompt, r.completion) for f in frames for r in f.itertuples(index=False)]


def speeds(judges, pairs) -> dict[str, float]:
    """Best answers/s of two timed runs per judge, interleaved (after a warm-up on 8 answers)."""
    import time

    for _, clf in judges:
        clf.judge(pairs[:8])
    best: dict[str, float] = {}
    for _ in range(2):
        for name, clf in judges:
            start = time.perf_counter()
            clf.judge(pairs)
            best[name] = max(best.get(name, 0.0), len(pairs) / (time.perf_counter() - start))
    return best


def main() -> None:
    from pct_tasks.judge.evaluate import map_gold
    from pct_tasks.judge.offline import OfflineStanceClassifier

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="external_data folder (default: ../shared/external_data)")
    ap.add_argument("--issuebench", default=None, help="IssueBench stance_annotations.csv")
    ap.add_argument("--before", default=BEFORE, help=f"git revision of the 'before' judge (default {BEFORE})")
    ap.add_argument("--errors", choices=["dev", "heldout", "heldout2", "heldout3"], default=None,
                    help="list the working tree judge's errors on this PCT split (ids only)")
    ap.add_argument("--speed", action="store_true", help="also time the judges on the 4,960 PCT open answers")
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
    split = {s: [r for r in pct if r["split"] == s] for s in ("dev", "heldout", "heldout2", "heldout3", "heldout4")}
    tuning = split["dev"] + split["heldout"] + split["heldout2"] + split["heldout3"]
    for name, rows in (*((f"PCT open {s}", rows) for s, rows in split.items()),
                       ("PCT open tuning (dev + heldout + heldout2 + heldout3)", tuning)):
        sets[name] = ([(r["proposition"], r["text"]) for r in rows], [r["label"] for r in rows])

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
    rates = speeds(judges, pct_open_answers(data)) if args.speed else {}
    if args.json:
        print(json.dumps({"results": results, "answers_per_second": rates}))
        return
    print("| judge | set | n | macro-F1 [95% CI] | accuracy | swaps | swap rate [95% CI] |")
    print("|---|---|---|---|---|---|---|")
    for res in results:
        f1_ci, sw_ci = res["ci"]["macro_f1"], res["ci"]["swap_rate"]
        print(f"| {res['judge']} {res['judge_id']} | {res['subset']} | {res['n']} | {res['macro_f1']:.3f} "
              f"[{f1_ci[0]:.3f}, {f1_ci[1]:.3f}] | {res['accuracy']:.3f} | {res['swaps']}/{res['n_sided']} | "
              f"{100 * res['swap_rate']:.1f}% [{100 * sw_ci[0]:.1f}, {100 * sw_ci[1]:.1f}] |")
    for name, rate in rates.items():
        print(f"{name}: {rate:.1f} answers/s on the 4,960 PCT open answers (best of 2)")
    for res in results:
        conf = res["confusion"]
        print(f"{res['judge']} on {res['subset']} (rows gold, columns agree/disagree/none/refusal): "
              + "; ".join(f"{g} {'/'.join(str(v) for v in row.values())}" for g, row in conf.items()))


if __name__ == "__main__":
    main()
