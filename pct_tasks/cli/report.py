"""``pct report RUNS... --out DIR``: tables, figures, effects, leaderboard and one HTML page."""

from __future__ import annotations

import argparse

EXAMPLES = """examples:
  pct report runs/llama runs/mistral --out report/
  pct report runs/ --out report/ --correction none --no-mixed
  pct report runs/ --out report/ --tropes tropes_out/   # add the trope section
"""


def add_parser(sub) -> None:
    p = sub.add_parser(
        "report",
        help="analyse runs: compass plots, effects, closed vs open, leaderboard, HTML report",
        description="Analyse the logged samples of one or many runs and write every table, "
        "figure and a self-contained HTML report to --out. Runs are told apart by content.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("runs", nargs="+", metavar="RUN", help="run folders or samples_*.jsonl files")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    g = p.add_argument_group("analysis")
    g.add_argument("--correction", choices=("bh", "none"), default="bh",
                   help="multiple-testing correction of effect p-values (default: bh)")
    g.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    g.add_argument("--n-boot", type=int, default=2000, help="bootstrap resamples (default 2000)")
    g.add_argument("--seed", type=int, default=1234, help="bootstrap seed (default 1234)")
    g.add_argument("--no-mixed", action="store_true", help="skip the mixed models")
    g.add_argument("--no-judge", action="store_true", help="ignore judge labels of open answers")
    g.add_argument("--judge-id", help="which judge's labels, if several judged a run")
    g.add_argument("--tropes", metavar="DIR", help="trope stage output folder (adds its section)")
    g.add_argument("--no-svg", action="store_true", help="write PNG figures only")
    p.add_argument("--force", action="store_true", help="recompute even if the report is up to date")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=run)


def run(args) -> int:
    from pathlib import Path

    from pct_tasks.analysis.report import ReportOptions, build_report

    options = ReportOptions(
        correction=args.correction, alpha=args.alpha, n_boot=args.n_boot, seed=args.seed,
        mixed=not args.no_mixed, judge=not args.no_judge, judge_id=args.judge_id,
        svg=not args.no_svg,
    )
    trope_html, trope_note = trope_section(args.tropes, Path(args.out))
    result = build_report(args.runs, args.out, options=options, force=args.force,
                          show_progress_bar=False if args.quiet else None,
                          trope_html=trope_html, trope_note=trope_note)
    for note in result.notes:
        print(f"note: {note}")
    state = "up to date" if result.up_to_date else f"{len(result.files)} files"
    print(f"report: {result.html} ({state})")
    return 0


#: A trope folder found here inside the report folder is used without --tropes.
TROPE_DIR_NAME = "tropes"


def trope_section(tropes: str | None, out_dir) -> tuple[str | None, str | None]:
    """The trope stage's HTML fragment for the report, or a note saying why there is none.

    ``--tropes DIR`` must be readable (its errors propagate); a ``tropes`` folder merely found
    inside the report folder that cannot be read becomes a note. The trope package is imported
    only here, only when there is a trope folder.
    """
    from pct_tasks.errors import PctInputError

    if tropes is not None:
        from pathlib import Path

        if not Path(tropes).is_dir():
            raise PctInputError(f"{tropes}: no such trope output folder",
                                hint="pass the --out folder of `pct tropes`, or leave out --tropes")
        from trope_analysis.report import html_section

        return html_section(Path(tropes)), None
    found = out_dir / TROPE_DIR_NAME
    if not found.is_dir():
        return None, None
    try:
        from trope_analysis.report import html_section

        return html_section(found), None
    except (ImportError, PctInputError) as exc:
        return None, f"trope folder {found} skipped: {exc}"
