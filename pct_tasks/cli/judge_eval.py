"""``pct judge-eval``: score a judge on a labelled CSV (accuracy, macro-F1, kappa, swap rate, confusion)."""

from __future__ import annotations

import argparse

from pct_tasks.cli.labelled_csv import add_labelled_csv_arguments, read_labelled_csv

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
    add_labelled_csv_arguments(p, text_help="column holding the answer text",
                               json_keys="n, accuracy, macro_f1, kappa, swap_rate, ...")
    p.add_argument("--proposition-column", default=None, help="column holding what the answer responds to")
    p.add_argument("--label-map", default=None, help="JSON object (or JSON file) gold label -> judge label")
    p.add_argument("--judge", default="offline", help='"offline" (default) or MODEL:MODEL_ARGS (lm-eval backend)')
    p.add_argument("--model-batch-size", default=1, help="lm-eval batch size of the judge model")
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
