"""tropes-eval: score the clustering against gold groupings.

``ArgKPEvaluator`` uses IBM's ArgKP (KPA 2021 shared task): crowd arguments per (topic,
stance) and expert key points. An argument whose label is 1 for exactly one key point is gold
for that key point. The pipeline's embedder and clusterer run on every argument of each
(topic, stance) group (each argument is one "sentence"), and the gold arguments are scored:

* ``ari``, ``v_measure``: adjusted Rand index and V-measure of predicted vs gold clusters, pooled
  over groups; an argument left as noise counts as a cluster of its own (so dropping hard
  cases is not rewarded). Pooled scores credit the split into groups itself: one cluster
  per group scores ARI 0.53 and V-measure 0.785 on dev;
* ``ari_within``: ARI inside each group, averaged with weights = gold arguments (0 for one
  cluster per group): how well key points are told apart;
* ``coverage``: share of gold key points that are the majority key point of some predicted
  cluster;
* ``clustered``: share of gold arguments that landed in a cluster; ``n_clusters``;
* ``ari_ci``, ``v_measure_ci``: 95% percentile-bootstrap intervals over the (topic, stance)
  groups (resampled with replacement, ``n_boot`` times, seeded). ArgKP dev has 8 groups, so
  its scores move by several hundredths with the topics drawn: read the interval, not the
  third decimal.
"""

from __future__ import annotations

import csv
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from pct_tasks.errors import PctInputError


def _read_csv(path: str | os.PathLike, required: tuple[str, ...]) -> list[dict[str, str]]:
    path = Path(path)
    if not path.is_file():
        raise PctInputError(f"{path}: no such file", hint="pass the ArgKP CSV files (arguments, key points, labels)")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise PctInputError(f"{path}: missing columns {', '.join(missing)}",
                                hint=f"an ArgKP file with columns {', '.join(required)}")
        return list(reader)


class ArgKPEvaluator:
    """Cluster ArgKP arguments per (topic, stance) and compare with the key-point gold.

    Args:
        arguments: CSV with arg_id, argument, topic, stance.
        key_points: CSV with key_point_id, key_point, topic, stance.
        labels: CSV with arg_id, key_point_id, label (1 = the argument makes that point).
    """

    primary_metric = "ari"
    greater_is_better = True

    def __init__(self, arguments, key_points, labels, n_boot: int = 1000, random_state: int = 0):
        self.arguments = arguments
        self.key_points = key_points
        self.labels = labels
        self.n_boot = n_boot
        self.random_state = random_state

    def load(self) -> tuple[dict[tuple[str, str], list[tuple[str, str]]], dict[str, str], dict[str, str]]:
        """(group -> [(arg_id, text)], arg_id -> gold key point, key point id -> group label)."""
        args = _read_csv(self.arguments, ("arg_id", "argument", "topic", "stance"))
        kps = _read_csv(self.key_points, ("key_point_id", "key_point", "topic", "stance"))
        labels = _read_csv(self.labels, ("arg_id", "key_point_id", "label"))
        groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for row in args:
            groups[(row["topic"], row["stance"])].append((row["arg_id"], row["argument"]))
        positive: dict[str, list[str]] = defaultdict(list)
        for n, row in enumerate(labels, 2):
            if row["label"].strip() not in ("0", "1"):
                raise PctInputError(f"{self.labels}:{n}: label must be 0 or 1, got {row['label']!r}",
                                    hint="use the ArgKP labels file")
            if row["label"].strip() == "1":
                positive[row["arg_id"]].append(row["key_point_id"])
        gold = {a: k[0] for a, k in positive.items() if len(k) == 1}
        kp_group = {row["key_point_id"]: f"{row['topic']}|{row['stance']}" for row in kps}
        return dict(sorted(groups.items())), gold, kp_group

    def __call__(self, pipeline) -> dict[str, Any]:
        """Score ``pipeline`` (a TropePipeline; its embedder and clusterer are used)."""
        from sklearn.metrics import adjusted_rand_score, v_measure_score

        from trope_analysis.cluster import GroupClusterer
        from trope_analysis.embed import SentenceEmbedder

        groups, gold, kp_group = self.load()
        texts, keys, ids = [], [], []
        for gi, (_, rows) in enumerate(groups.items()):
            for arg_id, text in rows:
                texts.append(text)
                keys.append(f"g{gi:03d}")
                ids.append(arg_id)
        embedder = pipeline.embedder if pipeline.embedder is not None else SentenceEmbedder()
        clusterer = pipeline.clusterer if pipeline.clusterer is not None else GroupClusterer()
        embeddings = embedder.fit_transform(texts)
        labels = np.asarray(clusterer.fit(embeddings, keys).labels_)
        rows = [i for i, a in enumerate(ids) if a in gold]
        pred = [f"c{labels[i]}" if labels[i] >= 0 else f"noise{i}" for i in rows]
        true = [gold[ids[i]] for i in rows]
        members: dict[int, Counter] = defaultdict(Counter)
        for i in rows:
            if labels[i] >= 0:
                members[int(labels[i])][gold[ids[i]]] += 1
        within, weights = [], []
        for key in sorted(set(keys)):
            mine = [j for j, i in enumerate(rows) if keys[i] == key]
            if mine:
                within.append(adjusted_rand_score([true[j] for j in mine], [pred[j] for j in mine]))
                weights.append(len(mine))
        gold_kps = set(true)
        intervals = _group_bootstrap(true, pred, [keys[i] for i in rows], self.n_boot, self.random_state)
        covered = {c.most_common(1)[0][0] for c in members.values()} & gold_kps
        return {
            "ari": float(adjusted_rand_score(true, pred)),
            "ari_within": float(np.average(within, weights=weights)) if within else 0.0,
            "v_measure": float(v_measure_score(true, pred)),
            "coverage": len(covered) / len(gold_kps) if gold_kps else 0.0,
            "clustered": float(np.mean([labels[i] >= 0 for i in rows])) if rows else 0.0,
            "n_clusters": int(len(set(labels[labels >= 0].tolist()))),
            "n_arguments": len(texts),
            "n_gold_arguments": len(rows),
            "n_key_points": len(gold_kps),
            "n_groups": len(groups),
            **intervals,
        }


def _group_bootstrap(true: list[str], pred: list[str], group: list[str], n_boot: int, seed: int) -> dict:
    """95% percentile intervals of pooled ARI and V-measure over groups drawn with replacement."""
    from sklearn.metrics import adjusted_rand_score, v_measure_score

    if n_boot < 1 or not true:
        return {}
    names = sorted(set(group))
    members = [np.flatnonzero(np.asarray(group, dtype=object) == g) for g in names]
    t_codes, p_codes = np.unique(true, return_inverse=True)[1], np.unique(pred, return_inverse=True)[1]
    width = len(true)  # every label code is below it
    rng = np.random.default_rng(seed)
    ari, v = [], []
    for _ in range(n_boot):
        draw = rng.integers(len(names), size=len(names))
        # A group drawn twice counts as two groups: its labels are offset by the draw's position.
        rows = np.concatenate([members[g] for g in draw])
        offset = np.repeat(np.arange(len(draw)) * width, [len(members[g]) for g in draw])
        t, p = t_codes[rows] + offset, p_codes[rows] + offset
        ari.append(adjusted_rand_score(t, p))
        v.append(v_measure_score(t, p))
    return {"ari_ci": [float(x) for x in np.percentile(ari, [2.5, 97.5])],
            "v_measure_ci": [float(x) for x in np.percentile(v, [2.5, 97.5])]}


__all__ = ["ArgKPEvaluator"]
