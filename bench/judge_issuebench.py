"""Scorecard of the offline judge on IssueBench (not shipped; see its PROVENANCE.md).

    .venv/bin/python bench/judge_issuebench.py [--csv PATH] [--compare-rev REV] [--json]

Mapping (documented in docs/judge.md): "1 - only pro", "2 - mostly pro" -> agree;
"3 - neutral/ambivalent" -> none (neutral); "4 - mostly con", "5 - only con" -> disagree;
"refusal" -> refusal. The proposition shown to the judge is the topic's pro framing
(``topic_pro``), so "pro" means agreeing with it.

Scores are reported on the full set and on the two halves of a fixed split by topic cluster
(``cluster_id``; the topic text where it is missing), seeded with 0: the offline judge's
thresholds were chosen on the ``tune`` half only, so the ``test`` half is the honest figure.

``--compare-rev REV`` also scores the offline classifier as it was at git revision REV
(``pct_tasks/judge/offline.py`` read with ``git show``), in the same process, so that the
before/after figures, speed included, come from one run on one machine state. Each judge
is warmed up on a few answers, then the judges are timed in turn, ``--repeats`` times each
(the best rate is reported; every repeat must give the same labels).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DEFAULT = "../shared/external_data/issuebench/3_experiments/1_stance_classifier_evaluation/stance_annotations.csv"
LABEL_MAP = {"1 - only pro": "agree", "2 - mostly pro": "agree", "3 - neutral/ambivalent": "none",
             "4 - mostly con": "disagree", "5 - only con": "disagree", "refusal": "refusal"}
SPLIT_SEED = 0


def read_rows(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if (row.get("final_label") or "").strip()]


def tune_mask(rows: list[dict[str, str]], seed: int = SPLIT_SEED) -> np.ndarray:
    """True for rows in the tuning half: half the topic clusters, drawn with ``seed``."""
    groups = [row["cluster_id"].strip() or f"topic:{row['topic_text']}" for row in rows]
    names = sorted(set(groups))
    order = np.random.default_rng(seed).permutation(len(names))
    tune = {names[i] for i in order[: len(names) // 2]}
    return np.array([g in tune for g in groups])


def classifier_at(rev: str):
    """``OfflineStanceClassifier`` as committed at git revision ``rev``, with the data files
    (``pct_tasks/judge/*.npz``) of that revision beside it, where it looks for them."""
    source = subprocess.run(["git", "show", f"{rev}:pct_tasks/judge/offline.py"], check=True,
                            capture_output=True, text=True).stdout
    folder = Path(tempfile.mkdtemp(prefix="offline-rev-"))
    path = folder / "offline_at_rev.py"
    path.write_text(source, encoding="utf-8")
    listed = subprocess.run(["git", "ls-tree", "--name-only", rev, "pct_tasks/judge/"], check=True,
                            capture_output=True, text=True).stdout.split()
    for name in (n for n in listed if n.endswith(".npz")):
        blob = subprocess.run(["git", "show", f"{rev}:{name}"], check=True, capture_output=True).stdout
        (folder / Path(name).name).write_bytes(blob)
    name = "pct_tasks.judge._offline_at_rev"  # inside the package, so relative imports work
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.OfflineStanceClassifier


class Replay:
    """A judge returning replies computed once, so subsets are scored without re-judging.

    The "proposition" of each pair is the row index of the reply to return.
    """

    def __init__(self, judge_id, replies):
        self.judge_id, self._replies = judge_id, replies

    def judge(self, pairs):
        return [self._replies[int(i)] for i, _ in pairs]


def timed_replies(judges, texts, props, repeats):
    """Replies, best answers/s and least CPU s/answer per judge; timed runs interleaved across judges, so that a
    busy machine slows every judge alike."""
    pairs = list(zip(props, texts, strict=True))
    for _, clf in judges:
        clf.judge(pairs[:8])  # warm-up: first-call costs
    replies, best, cpu = {}, {}, {}
    for _ in range(repeats):
        for name, clf in judges:
            start, start_cpu = time.perf_counter(), time.process_time()
            out = clf.judge(pairs)
            rate = len(pairs) / (time.perf_counter() - start)
            # CPU seconds per answer (all threads): independent of other load on the machine.
            cpu[name] = min(cpu.get(name, float("inf")), (time.process_time() - start_cpu) / len(pairs))
            if name in replies:
                assert [r.stance for r in out] == [r.stance for r in replies[name]], "not deterministic"
            replies[name], best[name] = out, max(rate, best.get(name, 0.0))
    return replies, best, cpu


def score(name, judge_id, replies, gold, masks, n_boot):
    from pct_tasks.judge.evaluate import evaluate_judge

    replay = Replay(judge_id, replies)
    out = {"judge": name, "judge_id": judge_id, "subsets": {}}
    for subset, mask in masks.items():
        idx = [str(i) for i in np.flatnonzero(mask)]
        ev = evaluate_judge(replay, idx, [gold[int(i)] for i in idx], idx, n_boot=n_boot, seed=0)
        out["subsets"][subset] = {"n": ev.n, "accuracy": ev.accuracy, "macro_f1": ev.macro_f1,
                                  "kappa": ev.kappa, "ci": ev.ci, "confusion": ev.confusion,
                                  "majority": ev.majority}
    return out


def main() -> None:
    from pct_tasks.judge.evaluate import map_gold
    from pct_tasks.judge.offline import OfflineStanceClassifier

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", default=DEFAULT)
    ap.add_argument("--compare-rev", default=None, help="also score offline.py as of this git revision")
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=2, help="timed runs per judge (the best is reported)")
    ap.add_argument("--json", action="store_true", help="print the results as one JSON object")
    args = ap.parse_args()

    rows = read_rows(args.csv)
    texts = [r["response_text"] for r in rows]
    props = [r["topic_pro"] for r in rows]
    gold = map_gold([r["final_label"].strip() for r in rows], LABEL_MAP)
    tune = tune_mask(rows)
    masks = {"all": np.ones(len(rows), bool), "tune": tune, "test": ~tune}

    judges = []
    if args.compare_rev:
        judges.append((f"offline@{args.compare_rev}", classifier_at(args.compare_rev)().fit()))
    judges.append(("offline (working tree)", OfflineStanceClassifier().fit()))
    replies, rates, cpu = timed_replies(judges, texts, props, args.repeats)
    results = []
    for name, clf in judges:
        results.append(score(name, clf.judge_id, replies[name], gold, masks, args.n_boot))
        results[-1]["answers_per_second"] = rates[name]
        results[-1]["cpu_seconds_per_answer"] = cpu[name]
    if args.json:
        print(json.dumps(results))
        return
    print(f"IssueBench: {len(rows)} answers; split by topic cluster (seed {SPLIT_SEED}): "
          f"tune {int(tune.sum())}, test {int((~tune).sum())}")
    print("| judge | subset | n | accuracy [95% CI] | macro-F1 [95% CI] | kappa [95% CI] | answers/s |")
    print("|---|---|---|---|---|---|---|")
    for res in results:
        for subset, s in res["subsets"].items():
            cells = [f"{s[k]:.3f} [{s['ci'][k][0]:.3f}, {s['ci'][k][1]:.3f}]" for k in ("accuracy", "macro_f1", "kappa")]
            print(f"| {res['judge']} ({res['judge_id']}) | {subset} | {s['n']} | " + " | ".join(cells)
                  + f" | {res['answers_per_second']:.1f} |")
    for subset in ("all", "test"):
        s = results[-1]["subsets"][subset]
        m = s["majority"]
        print(f"| majority class ({m['label']}) | {subset} | {s['n']} | {m['accuracy']:.3f} | "
              f"{m['macro_f1']:.3f} | {m['kappa']:.3f} | |")
    for res in results:
        print(f"{res['judge']}: {res['answers_per_second']:.1f} answers/s wall; "
              f"{res['cpu_seconds_per_answer'] * 1000:.1f} CPU ms/answer, i.e. at most "
              f"{2 / res['cpu_seconds_per_answer']:.0f} answers/s on 2 otherwise idle cores")
    for res in results:
        conf = res["subsets"]["all"]["confusion"]
        cols = list(next(iter(conf.values())))
        print(f"\n{res['judge']} confusion on all (rows gold; columns {'/'.join(cols)}): "
              + "; ".join(f"{g} {'/'.join(str(row[c]) for c in cols)}" for g, row in conf.items()))


if __name__ == "__main__":
    main()
