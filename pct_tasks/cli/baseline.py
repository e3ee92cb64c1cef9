"""``pct baseline RUN --out FILE``: the small, versioned baseline file the CI gate compares against."""

from __future__ import annotations

import argparse

EXAMPLES = """examples:
  pct baseline runs/ckpt-1000 --out pct-baseline.json
  pct compare --baseline pct-baseline.json runs/ckpt-2000
"""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "baseline",
        help="write the baseline file of one run (for pct compare)",
        description="Summarise one run (coordinates per variant, stance per variant and "
        "proposition, answer/refusal/invalid rates, task versions, prompt set) in a small JSON file.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("run", nargs="+", metavar="RUN", help="the run's folder or samples files")
    p.add_argument("--out", required=True, metavar="FILE", help="baseline file to write (.json)")
    p.add_argument("--run-id", help="which run, if the folder holds several")
    p.add_argument("--no-judge", action="store_true", help="ignore judge labels of open answers")
    p.add_argument("--judge-id", help="which judge's labels, if several judged the run")
    p.set_defaults(handler=run)


def run(args) -> int:
    import os

    from pct_tasks.analysis import load_runs
    from pct_tasks.analysis.baseline import from_run, write_baseline
    from pct_tasks.io.provenance import provenance

    data = load_runs(args.run, judge=not args.no_judge, judge_id=args.judge_id)
    base = from_run(data, args.run_id)
    prov = provenance("pct baseline", runs=[base.run], inputs=args.run)
    path = write_baseline(base, args.out, prov)
    n_var = sum(len(s["variants"]) for s in base.settings.values())
    print(f"wrote {path} ({os.path.getsize(path) / 1024:.0f} KiB; {data.label(base.run['run_id'])}, "
          f"{base.prompt_set['n_docs']} documents, {n_var} variants)")
    for note in data.notes:
        print(f"note: {note}")
    return 0
