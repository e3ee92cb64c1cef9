"""The largest tropes of the 4,960 real open answers (llm-values-pct), for reading by hand.

Same answers, sides and groups as bench/tropes_bench.py; default preset, float32 embeddings
(cached), no resamples. Prints the counts of left-out sentences by kind, then one line per
trope: rank, sentences, answers, group, name. The issue-9 share of stance restatements and
boilerplate among the 50 largest is judged by reading these names (criterion in docs/tropes.md).

  .venv/bin/python bench/tropes_top_names.py [--top 100] [--data DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from bench.tropes_bench import DEFAULT_DATA, load_answers
    from trope_analysis import make_pipeline

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--top", type=int, default=50)
    args = p.parse_args()
    pipe = make_pipeline("default", n_resamples=0, precision="fp32", n_jobs=1, show_progress_bar=False)
    pipe.fit(load_answers(args.data))
    print("left out:", pipe.sentences_["kind"].value_counts().to_dict())
    top = pipe.tropes_.sort_values(["size", "trope_id"], ascending=[False, True]).head(args.top)
    for rank, row in enumerate(top.itertuples(), 1):
        print(f"{rank:3d} {row.size:4d} {row.n_docs:4d} {row.group:14s} {row.name}")


if __name__ == "__main__":
    main()
