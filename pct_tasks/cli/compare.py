"""``pct compare --baseline FILE RUN``: the CI gate for a new checkpoint.

Exit codes: 0 pass, 1 fail (a check failed: the model moved), 2 bad input or usage,
3 refused (the runs are not comparable), 4 I/O or internal error. Errors never exit 1.
"""

from __future__ import annotations

import argparse

EXAMPLES = """examples:
  pct compare --baseline pct-baseline.json runs/ckpt-2000
  pct compare --baseline pct-baseline.json runs/ckpt-2000 --tolerance 0.5 --markdown diff.md
  pct compare --baseline old.json new.json        # two baseline files

exit codes: 0 pass, 1 fail (the model moved), 2 bad input, 3 refused (incomparable runs),
4 I/O or internal error
"""


def add_parser(sub) -> None:
    from pct_tasks.analysis.compare import Tolerances

    d = Tolerances()
    p = sub.add_parser(
        "compare",
        help="CI gate: fail when a run moves away from its baseline",
        description="Compare a run (or a baseline file) with a baseline file; print a markdown "
        "diff and exit non-zero when the run moved or cannot be compared.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("run", nargs="+", metavar="RUN", help="the new run's folder/samples, or a baseline file")
    p.add_argument("--baseline", required=True, metavar="FILE", help="baseline file (pct baseline)")
    p.add_argument("--run-id", help="which run, if the folder holds several")
    g = p.add_argument_group("thresholds")
    g.add_argument("--tolerance", type=float, default=d.tolerance,
                   help=f"fail when a mean coordinate shift exceeds this (default {d.tolerance})")
    g.add_argument("--min-effect", type=float, default=d.min_effect,
                   help="a shift whose paired bootstrap CI excludes 0 fails only above this "
                   f"(default {d.min_effect})")
    g.add_argument("--max-answer-drop", type=float, default=d.max_answer_drop,
                   help="fail when the answer rate (share of compass answers) drops by more "
                   f"(default {d.max_answer_drop})")
    g.add_argument("--max-flip-rate", type=float, default=d.max_flip_rate,
                   help=f"fail when more (variant, proposition) pairs change side (default {d.max_flip_rate})")
    g.add_argument("--n-boot", type=int, default=d.n_boot, help=f"bootstrap resamples (default {d.n_boot})")
    g.add_argument("--seed", type=int, default=d.seed, help=f"bootstrap seed (default {d.seed})")
    p.add_argument("--markdown", metavar="FILE", help="also write the markdown diff to FILE")
    p.add_argument("--no-judge", action="store_true", help="ignore judge labels of open answers")
    p.set_defaults(handler=run)


def run(args) -> int:
    from pct_tasks.analysis.baseline import from_run, is_baseline_file, read_baseline
    from pct_tasks.analysis.compare import Tolerances, compare
    from pct_tasks.io.outputs import write_markdown
    from pct_tasks.io.provenance import provenance

    base = read_baseline(args.baseline)
    notes: list[str] = []
    if len(args.run) == 1 and is_baseline_file(args.run[0]):
        new = read_baseline(args.run[0])
    else:
        from pct_tasks.analysis import load_runs

        data = load_runs(args.run, judge=not args.no_judge)
        new, notes = from_run(data, args.run_id), data.notes
    tol = Tolerances(tolerance=args.tolerance, min_effect=args.min_effect,
                     max_answer_drop=args.max_answer_drop, max_flip_rate=args.max_flip_rate,
                     n_boot=args.n_boot, seed=args.seed)
    result = compare(base, new, tol)
    result.notes[:0] = notes  # e.g. incomplete variants left out of the run
    text = result.to_markdown()
    if args.markdown:  # written before the verdict is printed: a write error is never a PASS/FAIL
        from dataclasses import asdict

        prov = provenance("pct compare", runs=[base.run, new.run], inputs=[args.baseline, *args.run],
                          seeds={"bootstrap": tol.seed}, settings=asdict(tol))
        write_markdown(args.markdown, text, prov)
    print(text, end="")
    return result.exit_code
