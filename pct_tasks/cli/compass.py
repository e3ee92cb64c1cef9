"""``pct compass RUNS...``: the compass table of one or more runs."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser(
        "compass",
        help="print compass coordinates per persona value",
        description="Print economic and social coordinates per run, setting and persona value "
        "(mean over templates, 95% bootstrap interval), from lm-eval's logged samples. Open "
        "answers are scored from the judge's labels once `pct judge` has run.",
        epilog="example: pct compass runs/demo",
    )
    p.add_argument("runs", nargs="+", help="lm-eval output folders or samples_*.jsonl files")
    p.add_argument("--judge-id", default=None,
                   help="which judge's labels to use when several judged the run")
    p.set_defaults(handler=run)


def run(args) -> int:
    from pct_tasks.judge import judged_records
    from pct_tasks.analysis.summary import compass_rows, format_compass_table

    records = judged_records(args.runs, judge_id=args.judge_id)
    if any(r.model == "pct-synthetic" for r in records):
        print("(pct-synthetic: a synthetic respondent, not a language model)\n")
    from pct_tasks.labels import UNJUDGED

    unjudged = sum(r.stance == UNJUDGED for r in records)
    print(format_compass_table(compass_rows(records), unjudged))
    return 0
