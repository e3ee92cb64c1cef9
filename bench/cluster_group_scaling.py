"""Time and memory of the default clusterer on one large group (synthetic unit vectors).

N sentences (default 50,000) of dimension 384 around 2,000 random centres, so the group has
far more distinct vectors than ``max_exact`` and takes the bounded (sample + assign) path.
Run under ``/usr/bin/time -v`` for the process's peak RSS:

  /usr/bin/time -v .venv/bin/python bench/cluster_group_scaling.py [--n 50000] [--groups 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    import numpy as np

    from trope_analysis import GroupClusterer

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=50_000, help="sentences in all")
    p.add_argument("--groups", type=int, default=1, help="groups they are spread over")
    p.add_argument("--n-jobs", type=int, default=1)
    args = p.parse_args()
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(2000, 384)).astype(np.float32)
    X = centres[rng.integers(len(centres), size=args.n)]
    for start in range(0, args.n, 100_000):  # in chunks: the data, not its generation, should set the peak
        part = X[start : start + 100_000]
        part += 0.6 * rng.standard_normal(size=part.shape, dtype=np.float32)
        part /= np.linalg.norm(part, axis=1, keepdims=True)
    groups = [f"g{i % args.groups}" for i in range(args.n)]
    t = time.perf_counter()
    c = GroupClusterer(n_resamples=0, n_jobs=args.n_jobs).fit(X, groups)
    wall = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"n": args.n, "groups": args.groups, "cluster_wall_s": round(wall, 1),
                      "process_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                      "peak_rss_mb": round(usage.ru_maxrss / 1024), "n_tropes": int(c.labels_.max() + 1),
                      "clustered": round(float((c.labels_ >= 0).mean()), 3)}))


if __name__ == "__main__":
    main()
