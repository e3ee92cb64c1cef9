"""The largest tropes of the 4,960 real open answers (llm-values-pct), for reading by hand.

Same answers, sides and groups as bench/tropes_bench.py; default preset, float32 embeddings
(cached), no resamples. Prints the counts of left-out sentences by kind, then one line per
trope: rank, sentences, answers, group, name. The issue-9 share of stance restatements and
boilerplate among the 50 largest is judged by reading these names (criterion in docs/tropes.md).
With --per-model N: each model's N tropes used by most of its answers instead (the order of the
per-model bubble figure): model, rank, answers, group, name.

  .venv/bin/python bench/tropes_top_names.py [--top 100] [--per-model 30] [--data DIR]
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
    p.add_argument("--per-model", type=int, default=0, metavar="N", help="each model's N most used tropes")
    args = p.parse_args()
    pipe = make_pipeline("default", n_resamples=0, precision="fp32", n_jobs=1, show_progress_bar=False)
    pipe.fit(load_answers(args.data))
    print("left out:", pipe.sentences_["kind"].value_counts().to_dict())
    if args.per_model:
        from trope_analysis.mining import members_table

        for row in per_model_top(members_table(pipe), pipe.tropes_, args.per_model).itertuples():
            print(f"{row.model}\t{row.rank}\t{row.answers}\t{row.group}\t{row.name}")
        return
    top = pipe.tropes_.sort_values(["size", "trope_id"], ascending=[False, True]).head(args.top)
    for rank, row in enumerate(top.itertuples(), 1):
        print(f"{rank:3d} {row.size:4d} {row.n_docs:4d} {row.group:14s} {row.name}")


def per_model_top(members, tropes, n: int):
    """Each model's ``n`` tropes used by the most of its answers (ties: larger trope, then lower id)."""
    import pandas as pd

    used = members.groupby(["model", "trope_id"])["doc_key"].nunique().rename("answers").reset_index()
    used = used.join(tropes.set_index("trope_id")[["group", "name", "size"]], on="trope_id")
    used = used.sort_values(["model", "answers", "size", "trope_id"], ascending=[True, False, False, True])
    top = used.groupby("model", sort=True).head(n).copy()
    top["rank"] = top.groupby("model").cumcount() + 1
    return top[["model", "rank", "answers", "group", "name"]].reset_index(drop=True) if len(top) else pd.DataFrame()


if __name__ == "__main__":
    main()
