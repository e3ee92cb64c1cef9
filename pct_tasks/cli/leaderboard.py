"""``pct leaderboard RUNS...``: one row per run, printed as markdown, written as CSV and markdown."""

from __future__ import annotations

import argparse

EXAMPLES = """examples:
  pct leaderboard runs/                       # print the markdown table
  pct leaderboard runs/ --out board           # also write board.md and board.csv
  pct leaderboard runs/ --sort persona_sensitivity --descending
"""


#: Mirrors pct_tasks.analysis.leaderboard.SORT_KEYS (kept here so that `pct --help` imports no pandas;
#: tests/cli/test_leaderboard.py checks the two agree).
SORT_KEYS = ("econ", "social", "answer_rate", "refusal_rate", "invalid_rate", "persona_sensitivity",
             "closed_open_tvd", "econ_spread", "social_spread", "model")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "leaderboard",
        help="one row per run: coordinates with intervals, rates, persona sensitivity",
        description="Rank runs on the compass. Prints a markdown table (for a README or a PR); "
        "--out also writes STEM.md and STEM.csv.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("runs", nargs="+", metavar="RUN", help="run folders or samples_*.jsonl files")
    p.add_argument("--out", metavar="STEM", help="write STEM.md and STEM.csv")
    p.add_argument("--sort", choices=SORT_KEYS, default="econ", help="rank by (default: econ)")
    p.add_argument("--descending", action="store_true", help="largest first")
    p.add_argument("--no-judge", action="store_true", help="ignore judge labels of open answers")
    p.add_argument("--judge-id", help="which judge's labels, if several judged a run")
    p.set_defaults(handler=run)


def run(args) -> int:
    from pathlib import Path

    from pct_tasks.analysis import load_runs
    from pct_tasks.analysis.leaderboard import leaderboard, to_markdown
    from pct_tasks.io.outputs import write_csv, write_markdown
    from pct_tasks.io.provenance import provenance

    data = load_runs(args.runs, judge=not args.no_judge, judge_id=args.judge_id)
    table = leaderboard(data, sort=args.sort, descending=args.descending)
    text = to_markdown(table, notes=data.notes)
    print(text, end="")
    if args.out:
        stem = Path(args.out)
        if stem.suffix.lower() in (".md", ".csv"):
            stem = stem.with_suffix("")
        prov = provenance("pct leaderboard", runs=data.runs.values(), inputs=args.runs,
                          settings={"sort": args.sort, "descending": args.descending})
        write_markdown(stem.with_suffix(".md"), text, prov)
        write_csv(stem.with_suffix(".csv"), table)
        from pct_tasks.io.outputs import write_json

        write_json(stem.with_suffix(".provenance.json"), {"files": [f"{stem.name}.md", f"{stem.name}.csv"]}, prov)
        print(f"wrote {stem.with_suffix('.md')} and {stem.with_suffix('.csv')}")
    return 0
