"""`pct tropes-eval`: score the trope clustering against gold groupings (ArgKP)."""

from __future__ import annotations

import argparse

EPILOG = """examples:
  D=../shared/external_data/KPA_2021_shared_task/kpm_data
  pct tropes-eval argkp --arguments $D/arguments_dev.csv --key-points $D/key_points_dev.csv \\
      --labels $D/labels_dev.csv --json
  pct tropes-eval argkp ... --preset paper
"""


def add_parser(sub) -> None:
    p = sub.add_parser("tropes-eval", help="Score trope clustering against gold key points (ArgKP)",
                       description=__doc__, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("benchmark", choices=("argkp",), help="the gold set")
    p.add_argument("--arguments", required=True, help="arguments CSV (arg_id, argument, topic, stance)")
    p.add_argument("--key-points", required=True, help="key points CSV (key_point_id, key_point, topic, stance)")
    p.add_argument("--labels", required=True, help="labels CSV (arg_id, key_point_id, label)")
    p.add_argument("--preset", choices=("default", "paper"), default="default")
    p.add_argument("--cache-dir", default=None, help="embedding cache")
    p.add_argument("--embedding-model", default=None)
    p.add_argument("--device", default=None)
    p.add_argument("--precision", choices=("auto", "fp32", "bf16", "int8"), default="auto",
                   help="embedding precision (see pct tropes --help)")
    p.add_argument("--distance-threshold", type=float, default=None,
                   help="default preset: average cosine distance inside a trope's core (default 0.3)")
    p.add_argument("--assign-threshold", type=float, default=None,
                   help="default preset: radius for sentences outside every core (default 1.0; 0 = noise)")
    p.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                   help="resamples of the (topic, stance) groups for the 95%% intervals (default 1000; 0 = none)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=run)


def run(args) -> int:
    import json

    from trope_analysis import ArgKPEvaluator, make_pipeline

    pipe = make_pipeline(args.preset, model=args.embedding_model, device=args.device, precision=args.precision,
                         cache_dir=args.cache_dir, n_resamples=0, distance_threshold=args.distance_threshold,
                         assign_threshold=args.assign_threshold, show_progress_bar=False)
    scores = ArgKPEvaluator(args.arguments, args.key_points, args.labels, n_boot=args.bootstrap)(pipe)
    scores = {"benchmark": "argkp", "preset": args.preset, **scores}
    if args.json:
        print(json.dumps(scores, sort_keys=True))
    else:
        for k, v in scores.items():
            if isinstance(v, list):
                v = "[" + ", ".join(f"{x:.4f}" for x in v) + "]"
            print(f"{k:>18}: {v:.4f}" if isinstance(v, float) else f"{k:>18}: {v}")
    return 0
