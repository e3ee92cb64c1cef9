"""``pct parse-eval``: score the closed-answer parser on a labelled CSV (accuracy, macro-F1, refusal F1)."""

from __future__ import annotations

import argparse

from pct_tasks.cli.labelled_csv import add_labelled_csv_arguments, read_labelled_csv

EXAMPLES = """\
examples:
  pct parse-eval answers.csv --text-column completion --label-column label
  pct parse-eval answers.csv --text-column completion --label-column label --options-column ans_prompt --json

Labels: strongly_disagree, disagree, agree, strongly_agree, refusal, invalid. The options
column (optional) gives the options in the order shown (a JSON list, or one per line or per
"|", numbering ignored), so that a bare "B" or "2" reads as the option shown there.
"""


def add_parser(sub) -> None:
    p = sub.add_parser("parse-eval", help="score the closed-answer parser against hand labels in a CSV",
                       description="Score the closed-answer parser on labelled answers: accuracy, "
                                   "macro-F1, refusal F1 and a confusion matrix, with bootstrap intervals.",
                       epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_labelled_csv_arguments(p, text_help="column holding the model's answer",
                               json_keys="n, accuracy, macro_f1, refusal_f1, confusion, ci, ...")
    p.add_argument("--options-column", default=None, help="column holding the options as shown")
    p.set_defaults(handler=run)


def run(args) -> int:
    import json

    from pct_tasks.tasks.parse_eval import check_gold, evaluate_parser, format_report, read_options

    texts, raw_gold, shown = read_labelled_csv(args.csv, args.text_column, args.label_column, args.options_column)
    gold = check_gold(raw_gold, where=f"{args.csv} column {args.label_column!r}")
    options = [read_options(o) for o in shown] if shown is not None else None
    ev = evaluate_parser(texts, gold, options, n_boot=args.n_boot, seed=args.seed)
    print(json.dumps(ev.to_dict()) if args.json else format_report(ev))
    return 0
