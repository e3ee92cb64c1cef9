"""The trope refiner (LLM argument filter + paraphrase) once on real text, with SmolLM2-135M-Instruct.

    OMP_NUM_THREADS=1 .venv/bin/python bench/refine_real.py --data ../shared/external_data/llm-values-pct \\
        [--propositions 5] [--seed 0] [--show 10] [--work DIR]

Answers: every llm-values-pct implicit (open) answer to a seeded draw of ``--propositions``
PCT propositions (8 models x 10 templates each; sides by tropes_bench.py's fixed rule). The
default trope pipeline mines them, and ``TropeRefiner`` asks SmolLM2 (converted folder, lm-eval
``hf`` backend, float32, CPU, the refiner's default batch size) whether each trope name is an
argument and for a short paraphrase, as ``pct tropes --refine-model hf --paraphrase`` does.
Printed: the refiner's decisions for the ``--show`` largest tropes, model load and generation
time (wall and CPU), time per trope; then a second refiner pass over the same names, which
must send no request (the reply cache).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from tropes_bench import DEFAULT_DATA, load_answers


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _timed(fn, into: dict, key: str):
    """``fn`` wrapped so that its wall and CPU seconds add up in ``into[key]``."""
    def wrapper(*a, **k):
        t, c = time.perf_counter(), _cpu()
        try:
            return fn(*a, **k)
        finally:
            into[key] = into.get(key, 0.0) + time.perf_counter() - t
            into[key + "_cpu"] = into.get(key + "_cpu", 0.0) + _cpu() - c
    return wrapper


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="llm-values-pct checkout")
    ap.add_argument("--propositions", type=int, default=5, help="propositions drawn (all their answers)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=10, help="tropes printed (the largest)")
    ap.add_argument("--work", type=Path, default=None, help="caches (default: a temporary folder)")
    args = ap.parse_args()

    import pct_tasks.models.lmeval as lmeval
    from pct_tasks.models.smollm2 import ensure_model
    from trope_analysis import TropeRefiner, make_pipeline

    work = args.work or Path(tempfile.mkdtemp(prefix="refine-real-"))
    docs = load_answers(args.data)
    pids = np.random.default_rng(args.seed).choice(sorted(docs["proposition_id"].unique()), args.propositions,
                                                   replace=False)
    docs = docs[docs["proposition_id"].isin(pids)].reset_index(drop=True)
    folder = ensure_model()
    times: dict = {}
    lmeval.build_lm = _timed(lmeval.build_lm, times, "load")  # refine.py imports it at call time
    model_args = f"pretrained={folder},dtype=float32,device=cpu"
    refiner = TropeRefiner(model="hf", model_args=model_args, paraphrase=True, cache_dir=work, show_progress_bar=False)
    refiner.fit = _timed(refiner.fit, times, "refine")
    pipe = make_pipeline("default", cache_dir=work / "embeddings", n_jobs=1, n_resamples=0, show_progress_bar=False,
                         refiner=refiner)
    t = time.perf_counter()
    pipe.fit(docs)
    mine_s = time.perf_counter() - t - times["refine"]
    tropes = pipe.tropes_.sort_values("size", ascending=False, kind="stable")
    n = len(tropes)
    generate_s = times["refine"] - times.get("load", 0.0)
    generate_cpu = times["refine_cpu"] - times.get("load_cpu", 0.0)
    print(f"{len(docs)} answers to propositions {sorted(int(p) + 1 for p in pids)} (PCT numbering); "
          f"{len(pipe.sentences_)} sentences; {n} tropes; mining without the refiner {mine_s:.1f} s")
    print(f"refiner: {refiner.n_requests_} requests (argument + paraphrase per trope); model load "
          f"{times.get('load', 0):.1f} s ({times.get('load_cpu', 0):.1f} CPU s); generation {generate_s:.1f} s "
          f"({generate_cpu:.1f} CPU s), i.e. {generate_s / max(n, 1):.2f} s per trope "
          f"({generate_cpu / max(n, 1):.2f} CPU s); is_argument: {int(tropes['is_argument'].sum())} yes, "
          f"{int((~tropes['is_argument']).sum())} no")
    print("\n| group | size | trope name | is_argument | paraphrase |\n|---|---:|---|---|---|")
    for _, row in tropes.head(args.show).iterrows():
        print(f"| {row['group']} | {row['size']} | {row['name']} | {row['is_argument']} | {row['paraphrase']} |")
    again = TropeRefiner(model="hf", model_args=model_args, paraphrase=True, cache_dir=work).fit(list(pipe.tropes_["name"]))
    same = again.is_argument_.tolist() == pipe.tropes_["is_argument"].tolist()
    print(f"\nsecond pass over the same names: {again.n_requests_} requests; same decisions: {same}")
    print(json.dumps({"answers": len(docs), "tropes": n, "requests": refiner.n_requests_, **{
        k: round(v, 1) for k, v in times.items()}, "mine_s": round(mine_s, 1)}))


if __name__ == "__main__":
    main()
