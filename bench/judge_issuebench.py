"""Scorecard of the offline judge on IssueBench (not shipped; see its PROVENANCE.md).

    .venv/bin/python bench/judge_issuebench.py [PATH/stance_annotations.csv]

Mapping (documented in docs/judge.md): "1 - only pro", "2 - mostly pro" -> agree;
"3 - neutral/ambivalent" -> none (neutral); "4 - mostly con", "5 - only con" -> disagree;
"refusal" -> refusal. The proposition shown to the judge is the topic's pro framing
(``topic_pro``), so "pro" means agreeing with it.
"""

from __future__ import annotations

import json
import sys
import time

DEFAULT = "../shared/external_data/issuebench/3_experiments/1_stance_classifier_evaluation/stance_annotations.csv"
LABEL_MAP = {"1 - only pro": "agree", "2 - mostly pro": "agree", "3 - neutral/ambivalent": "none",
             "4 - mostly con": "disagree", "5 - only con": "disagree", "refusal": "refusal"}


def main() -> None:
    from pct_tasks.cli.judge_eval import read_labelled_csv
    from pct_tasks.judge.evaluate import evaluate_judge, format_report, map_gold
    from pct_tasks.judge.offline import OfflineStanceClassifier

    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    texts, raw, props = read_labelled_csv(path, "response_text", "final_label", "topic_pro")
    gold = map_gold(raw, LABEL_MAP)
    t0 = time.perf_counter()
    judge = OfflineStanceClassifier().fit()
    load = time.perf_counter() - t0
    ev = evaluate_judge(judge, texts, gold, props, n_boot=1000, seed=0)
    print(format_report(ev))
    print(json.dumps({"n": ev.n, "accuracy": ev.accuracy, "macro_f1": ev.macro_f1, "kappa": ev.kappa,
                      "ci": ev.ci, "majority": ev.majority, "answers_per_second": ev.answers_per_second,
                      "model_load_s": load}))


if __name__ == "__main__":
    main()
