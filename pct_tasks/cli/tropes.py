"""`pct tropes`: mine recurring justifications (tropes) from logged samples."""

from __future__ import annotations

import argparse

EPILOG = """examples:
  pct tropes runs/ --out tropes/                      # default preset (argument filter, average linkage)
  pct tropes runs/ --out tropes-paper/ --preset paper  # the paper's DBSCAN settings
  pct tropes runs/a runs/b --out t/ --cache-dir ~/.cache/emb --labels judge_labels.csv
  pct tropes runs/ --out t/ --refine-model hf --refine-model-args pretrained=... --paraphrase
"""


def add_parser(sub) -> None:
    p = sub.add_parser("tropes", help="Mine tropes (recurring justifications) from logged samples",
                       description=__doc__, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", metavar="RUNS", help="lm-eval output folders or samples_*.jsonl files")
    p.add_argument("--out", required=True, help="output folder (resumed if it holds the same job)")
    g = p.add_argument_group("pipeline")
    g.add_argument("--preset", choices=("default", "paper"), default="default")
    g.add_argument("--cache-dir", default=None, help="embedding cache (default: $PCT_TROPES_CACHE or ~/.cache/pct-tropes)")
    g.add_argument("--embedding-model", default=None, help="sentence-transformers name or path (default all-MiniLM-L6-v2)")
    g.add_argument("--device", default=None, help="cpu, cuda, ... (default: CUDA when available)")
    g.add_argument("--precision", choices=("auto", "fp32", "bf16", "int8"), default="auto",
                   help="embedding precision (auto: bf16 on CPUs with native bf16, else fp32; int8 is "
                        "faster on CPU but less exact)")
    g.add_argument("--distance-threshold", type=float, default=None,
                   help="default preset: average cosine distance inside a trope's core (default 0.3; smaller = finer)")
    g.add_argument("--assign-threshold", type=float, default=None,
                   help="default preset: sentences outside every core join the nearest trope within this mean "
                        "cosine distance (default 0.7; 0 = leave them out as noise)")
    g.add_argument("--stance-level", choices=("direction", "stance"), default="direction",
                   help="group by agree/disagree (default) or by the four answers")
    g.add_argument("--n-jobs", type=int, default=-1, help="groups clustered in parallel (-1: all cores)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--stability", type=int, default=5, metavar="N", help="resamples for the stability score (0: off)")
    g.add_argument("--permutations", type=int, default=1000, help="permutations per over-representation test")
    g.add_argument("--top-n", type=int, default=30, help="tropes per bubble chart")
    s = p.add_argument_group("stances of open answers")
    s.add_argument("--labels", default=None, help="CSV/JSONL with [run_id,] doc_key, stance (overrides the judge's)")
    s.add_argument("--judge-id", default=None, help="which judge's labels to read beside the runs")
    r = p.add_argument_group("optional LLM pass (any lm-eval backend)")
    r.add_argument("--refine-model", default=None, help="lm-eval model type (hf, vllm, local-chat-completions, ...)")
    r.add_argument("--refine-model-args", default="", help="lm-eval model_args string")
    r.add_argument("--no-argument-filter", action="store_true", help="do not ask whether each trope is an argument")
    r.add_argument("--paraphrase", action="store_true", help="ask for a short paraphrase of each trope")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(handler=run)


def run(args) -> int:
    import logging
    import sys

    from trope_analysis import TropeOptions, TropeRefiner, mine_tropes, read_labels
    from trope_analysis.report import plural

    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    logging.getLogger("trope_analysis").setLevel(logging.WARNING if args.quiet else logging.INFO)
    labels = read_labels(args.labels) if args.labels else None
    refiner = None
    if args.refine_model:
        refiner = TropeRefiner(model=args.refine_model, model_args=args.refine_model_args,
                               filter_arguments=not args.no_argument_filter, paraphrase=args.paraphrase,
                               cache_dir=f"{args.out}/.work")
    options = TropeOptions(
        preset=args.preset, cache_dir=args.cache_dir, model=args.embedding_model, device=args.device,
        precision=args.precision, n_jobs=args.n_jobs, n_resamples=args.stability, n_permutations=args.permutations,
        top_n=args.top_n, random_state=args.seed, distance_threshold=args.distance_threshold,
        assign_threshold=args.assign_threshold, stance_level=args.stance_level, show_progress_bar=not args.quiet,
    )
    result = mine_tropes(args.runs, args.out, options, labels=labels, judge_id=args.judge_id, refiner=refiner)
    s = result.summary
    print(f"{plural(s['n_tropes'], 'trope')} from {plural(s['n_sentences'], 'sentence')} of "
          f"{plural(s['n_docs'], 'justification')} ({plural(s['n_models'], 'model')}) -> {result.out_dir} "
          f"({state_line(result)})")
    if s.get("unknown_note"):
        print(f"note: {s['unknown_note']}", file=sys.stderr)
    return 0


def state_line(result) -> str:
    """What happened to the output folder, in words."""
    from trope_analysis.report import plural

    if result.up_to_date:
        return f"up to date: all {len(result.skipped)} files were already there for these inputs and settings"
    if not result.skipped:
        return f"{plural(len(result.written), 'file')} written"
    return (f"{plural(len(result.written), 'file')} written, {len(result.skipped)} reused from an interrupted "
            "run with the same inputs and settings")
