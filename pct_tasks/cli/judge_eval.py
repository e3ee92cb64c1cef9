"""``pct judge-eval``: score a judge on a labelled CSV (accuracy, macro-F1, kappa, swap rate, confusion)."""

from __future__ import annotations

import argparse

EXAMPLES = """\
examples:
  pct judge-eval labels.csv --text-column answer --label-column gold
  pct judge-eval stance_annotations.csv --text-column response_text --label-column final_label \\
      --proposition-column topic_pro --label-map '{"1 - only pro": "agree", "2 - mostly pro": "agree",
      "3 - neutral/ambivalent": "none", "4 - mostly con": "disagree", "5 - only con": "disagree"}' --json

Gold labels must map into strongly_agree, agree, disagree, strongly_disagree, none, refusal
(--label-map; a JSON object or a JSON file). Predictions are collapsed to a coarser gold set.
"""


def add_parser(sub) -> None:
    p = sub.add_parser("judge-eval", help="score a judge against human stance labels in a CSV",
                       description="Score a judge on a CSV of answers with human stance labels: "
                       "accuracy, macro-F1, Cohen's kappa and the confusion matrix.",
                       epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("csv", help="CSV file with one answer per row")
    p.add_argument("--text-column", required=True, help="column holding the answer text")
    p.add_argument("--label-column", required=True, help="column holding the gold label")
    p.add_argument("--proposition-column", default=None, help="column holding what the answer responds to")
    p.add_argument("--label-map", default=None, help="JSON object (or JSON file) gold label -> judge label")
    p.add_argument("--judge", default="offline", help='"offline" (default) or MODEL:MODEL_ARGS (lm-eval backend)')
    p.add_argument("--model-batch-size", default=1, help="lm-eval batch size of the judge model")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    p.add_argument("--json", action="store_true", help="print one JSON object (n, accuracy, macro_f1, kappa, swap_rate, ...)")
    p.set_defaults(handler=run)


def _label_map(value: str | None) -> dict[str, str]:
    import json
    from pathlib import Path

    from pct_tasks.errors import PctInputError

    if not value:
        return {}
    text = Path(value).read_text(encoding="utf-8") if Path(value).is_file() else value
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise PctInputError(f"--label-map is not JSON ({exc.msg})",
                            hint='pass e.g. \'{"1_disagree": "disagree", "2_agree": "agree"}\' or a JSON file') from exc
    if not isinstance(obj, dict) or not all(isinstance(v, str) for v in obj.values()):
        raise PctInputError("--label-map must be a JSON object of strings", hint='e.g. {"pro": "agree"}')
    return {str(k): v for k, v in obj.items()}


def read_labelled_csv(path: str, text_column: str, label_column: str, proposition_column: str | None):
    """(texts, raw gold labels, propositions or None) from a CSV; rows without a label are dropped."""
    import csv
    from pathlib import Path

    from pct_tasks.errors import PctInputError

    p = Path(path)
    if not p.is_file():
        raise PctInputError(f"{path}: no such file", hint="pass the labelled CSV")
    with p.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = reader.fieldnames or []
        wanted = [c for c in (text_column, label_column, proposition_column) if c]
        missing = [c for c in wanted if c not in columns]
        if missing:
            raise PctInputError(f"{path}: no column {', '.join(map(repr, missing))}",
                                hint=f"the columns are: {', '.join(columns) or '(none)'}")
        texts, gold, props = [], [], []
        for row in reader:
            if not (row.get(label_column) or "").strip():
                continue
            texts.append(row.get(text_column) or "")
            gold.append(row[label_column].strip())
            props.append((row.get(proposition_column) or "") if proposition_column else "")
    return texts, gold, (props if proposition_column else None)


def run(args) -> int:
    import json

    from pct_tasks.judge.evaluate import evaluate_judge, format_report, map_gold
    from pct_tasks.judge.stage import make_judge

    texts, raw_gold, props = read_labelled_csv(args.csv, args.text_column, args.label_column,
                                               args.proposition_column)
    gold = map_gold(raw_gold, _label_map(args.label_map), where=f"{args.csv} column {args.label_column!r}")
    kwargs = {} if args.judge.strip() == "offline" else {"batch_size": args.model_batch_size}
    judge = make_judge(args.judge, **kwargs)
    ev = evaluate_judge(judge, texts, gold, props, n_boot=args.n_boot, seed=args.seed)
    print(json.dumps(ev.to_dict()) if args.json else format_report(ev))
    return 0
