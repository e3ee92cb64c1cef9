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
    from pct_tasks.analysis import load_runs
    from pct_tasks.analysis.compass import format_persona_table, persona_table, variant_table
    from pct_tasks.labels import UNJUDGED

    data = load_runs(args.runs, judge_id=args.judge_id)
    if any(str(info.get("model")) == "pct-synthetic" for info in data.runs.values()):
        print("(pct-synthetic: a synthetic respondent, not a language model)\n")
    unjudged = int((data.samples["stance"].astype(str) == UNJUDGED).sum())
    print(format_persona_table(persona_table(variant_table(data)), unjudged_open=unjudged))
    for note in data.notes:
        print(f"note: {note}")
    return 0
