"""Clustering per (proposition, stance) group: GroupClusterer and its default, FastHDBSCAN.

Each group's sentences are clustered on their own (pooled over runs), groups in parallel.
Clusters are renumbered by size so ids do not depend on the estimator's internal order, then
filtered by size (the paper's rules), and optionally re-clustered on resamples to score how
stable each cluster is.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, clone

from trope_analysis.base import BaseClusterer
from trope_analysis.embed import show_progress


class FastHDBSCAN(ClusterMixin, BaseEstimator):
    """HDBSCAN made fast on 384-d sentence vectors.

    Tree-based HDBSCAN degrades to quadratic work in high dimensions (40 s for 8k points
    here). Up to ``max_exact`` points we hand HDBSCAN a BLAS-computed distance matrix
    (exact, 5 s for 8k); above it we project onto ``n_components`` principal axes first and
    use the k-d tree Boruvka algorithm (near-linear: 2 s for 30k).

    Args:
        min_cluster_size: smallest cluster HDBSCAN may form.
        min_samples: neighbourhood size of the core distance (None = min_cluster_size).
        cluster_selection_method: "eom" or "leaf".
        cluster_selection_epsilon: merge clusters closer than this (euclidean on unit
            vectors: 0.3 ~ cosine distance 0.045).
        max_exact: largest group clustered on exact distances.
        n_components: PCA dimensions for groups above ``max_exact``.
        random_state: seed of the randomized PCA.
    """

    def __init__(
        self,
        min_cluster_size: int = 5,
        min_samples: int | None = 2,
        cluster_selection_method: str = "eom",
        cluster_selection_epsilon: float = 0.0,
        max_exact: int = 5000,
        n_components: int = 32,
        random_state: int | None = 0,
    ):
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.cluster_selection_method = cluster_selection_method
        self.cluster_selection_epsilon = cluster_selection_epsilon
        self.max_exact = max_exact
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, X: np.ndarray, y=None) -> FastHDBSCAN:
        import hdbscan

        X = np.asarray(X, dtype=np.float64)
        if not isinstance(self.min_cluster_size, int) or self.min_cluster_size < 2:
            raise ValueError(f"FastHDBSCAN: min_cluster_size must be an int >= 2, got {self.min_cluster_size!r}")
        if self.cluster_selection_method not in ("eom", "leaf"):
            raise ValueError(
                f"FastHDBSCAN: cluster_selection_method must be 'eom' or 'leaf', got {self.cluster_selection_method!r}"
            )
        min_samples = self.min_samples or self.min_cluster_size
        n = len(X)
        if n < max(self.min_cluster_size, min_samples + 1):
            self.labels_ = np.full(n, -1, dtype=np.int64)
            return self
        params = dict(
            min_cluster_size=self.min_cluster_size,
            min_samples=min_samples,
            cluster_selection_method=self.cluster_selection_method,
            cluster_selection_epsilon=float(self.cluster_selection_epsilon),
            core_dist_n_jobs=1,
        )
        if n <= self.max_exact:
            from sklearn.metrics.pairwise import euclidean_distances

            model = hdbscan.HDBSCAN(metric="precomputed", **params).fit(euclidean_distances(X))
        else:
            from sklearn.decomposition import PCA

            k = min(self.n_components, X.shape[1], n)
            Y = PCA(k, svd_solver="randomized", random_state=self.random_state).fit_transform(X)
            model = hdbscan.HDBSCAN(algorithm="boruvka_kdtree", **params).fit(Y)
        self.labels_ = model.labels_.astype(np.int64)
        return self


def paper_estimator():
    """The paper's clusterer: sklearn DBSCAN, cosine, eps 0.15, min_samples 10."""
    from sklearn.cluster import DBSCAN

    return DBSCAN(eps=0.15, min_samples=10, metric="cosine")


def _canonical(labels: np.ndarray, min_size: int, max_fraction: float | None) -> np.ndarray:
    """Filter clusters by size, then renumber 0..k-1 by (-size, first member)."""
    n = len(labels)
    out = np.full(n, -1, dtype=np.int64)
    ids, first, counts = np.unique(labels[labels >= 0], return_index=True, return_counts=True)
    if not len(ids):
        return out
    first = np.flatnonzero(labels >= 0)[first]
    keep = counts >= min_size
    if max_fraction is not None:
        keep &= counts < max_fraction * n
    order = sorted(np.flatnonzero(keep), key=lambda i: (-counts[i], first[i]))
    for new, i in enumerate(order):
        out[labels == ids[i]] = new
    return out


def merge_close(X: np.ndarray, labels: np.ndarray, similarity: float | None) -> np.ndarray:
    """Merge clusters whose centroids have cosine similarity >= ``similarity`` (average linkage).

    Density clusterers split a trope into one cluster per wording when the wordings repeat
    verbatim (LLMs do): each repeated wording is a pile of identical points, the densest
    possible cluster. Merging close centroids puts the wordings back together.
    """
    ids = np.unique(labels[labels >= 0])
    if similarity is None or len(ids) < 2:
        return labels
    from scipy.cluster.hierarchy import fcluster, linkage

    centroids = np.stack([X[labels == i].mean(axis=0) for i in ids])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    tree = linkage(centroids.astype(np.float64), method="average", metric="cosine")
    merged = fcluster(tree, t=1.0 - similarity, criterion="distance")
    lookup = dict(zip(ids.tolist(), merged.tolist(), strict=True))
    return np.array([lookup[v] if v >= 0 else -1 for v in labels.tolist()], dtype=np.int64)


def _best_jaccard(members: np.ndarray, labels: np.ndarray) -> float:
    """Best Jaccard overlap between a set of rows and any cluster of ``labels``."""
    if not len(members):
        return 0.0
    hits = labels[members]
    hits = hits[hits >= 0]
    if not len(hits):
        return 0.0
    ids, inter = np.unique(hits, return_counts=True)
    sizes = np.bincount(labels[labels >= 0])[ids]
    return float(np.max(inter / (len(members) + sizes - inter)))


def cluster_group(
    estimator,
    X: np.ndarray,
    min_size: int,
    max_fraction: float | None,
    n_resamples: int,
    resample_fraction: float,
    seed: int,
    merge_similarity: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster one group; return (labels 0..k-1 or -1, stability per cluster)."""

    def fit(data: np.ndarray) -> np.ndarray:
        raw = np.asarray(clone(estimator).fit(data).labels_, dtype=np.int64)
        return _canonical(merge_close(data, raw, merge_similarity), min_size, max_fraction)

    labels = fit(X)
    k = int(labels.max()) + 1 if len(labels) else 0
    stability = np.full(k, np.nan)
    if n_resamples and k:
        stable = np.zeros(k)
        m = max(2, int(round(resample_fraction * len(X))))
        for r in range(n_resamples):
            rng = np.random.default_rng([seed, r])
            idx = np.sort(rng.choice(len(X), size=min(m, len(X)), replace=False))
            sub = fit(X[idx])
            sub_labels = labels[idx]
            for c in range(k):
                stable[c] += _best_jaccard(np.flatnonzero(sub_labels == c), sub) >= 0.5
        stability = stable / n_resamples
    return labels, stability


class GroupClusterer(BaseClusterer):
    """Cluster each (proposition, stance) group separately, in parallel.

    Args:
        estimator: any sklearn-style clusterer (``fit(X)`` then ``labels_``, -1 = noise),
            cloned per group. None = ``FastHDBSCAN(min_cluster_size, min_samples)``.
        min_cluster_size: passed to the default estimator (5 and min_samples 2 scored best
            on ArgKP train; see docs/tropes.md).
        min_samples: passed to the default estimator.
        min_trope_size: drop clusters smaller than this (the paper: 11, i.e. "more than 10").
            None = keep what the estimator returns.
        max_group_fraction: drop clusters holding at least this fraction of their group
            (the paper: 0.5); None = no upper bound.
        merge_similarity: merge clusters of a group whose centroids are at least this
            cosine-similar (``merge_close``; 0.85 scored best on ArgKP train); None = no
            merging (the paper preset).
        n_resamples: re-cluster this many subsamples per group to score stability (0 = off).
        resample_fraction: share of each group's sentences kept in a resample.
        n_jobs: groups clustered at once (joblib; None = 1, -1 = all cores).
        random_state: seed of the resamples (and of the default estimator).
        cache_dir: where per-group results are kept (keyed by a digest of the group's vectors
            and these settings), so an interrupted run resumes; None = not kept.
        show_progress_bar: None follows the log level.

    Attributes (after fit):
        labels_: global cluster id per row (-1 = noise), numbered group by group in sorted
            group order, within a group by decreasing size.
        groups_: the sorted group keys; cluster_groups_: the group key of each cluster id;
        stability_: per cluster id, share of resamples in which it reappears (Jaccard >= 0.5),
            NaN when n_resamples is 0; n_computed_: groups clustered (not read from cache_dir).
    """

    def __init__(
        self,
        estimator=None,
        min_cluster_size: int = 5,
        min_samples: int | None = 2,
        min_trope_size: int | None = None,
        max_group_fraction: float | None = 0.5,
        merge_similarity: float | None = 0.85,
        n_resamples: int = 5,
        resample_fraction: float = 0.8,
        n_jobs: int | None = None,
        random_state: int = 0,
        cache_dir: str | os.PathLike | None = None,
        show_progress_bar: bool | None = None,
    ):
        self.estimator = estimator
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.min_trope_size = min_trope_size
        self.max_group_fraction = max_group_fraction
        self.merge_similarity = merge_similarity
        self.n_resamples = n_resamples
        self.resample_fraction = resample_fraction
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.cache_dir = cache_dir
        self.show_progress_bar = show_progress_bar

    def _estimator(self):
        if self.estimator is not None:
            return self.estimator
        return FastHDBSCAN(
            min_cluster_size=self.min_cluster_size, min_samples=self.min_samples, random_state=self.random_state
        )

    def _validate(self) -> None:
        if not isinstance(self.n_resamples, int) or self.n_resamples < 0:
            raise ValueError(f"GroupClusterer: n_resamples must be an int >= 0, got {self.n_resamples!r}")
        if not 0 < self.resample_fraction <= 1:
            raise ValueError(
                f"GroupClusterer: resample_fraction must be in (0, 1], got {self.resample_fraction!r}"
            )
        if self.max_group_fraction is not None and not 0 < self.max_group_fraction <= 1:
            raise ValueError(
                f"GroupClusterer: max_group_fraction must be None or in (0, 1], got {self.max_group_fraction!r}"
            )

    def fit(self, embeddings: np.ndarray, groups: Sequence[str] | None = None) -> GroupClusterer:
        from joblib import Parallel, delayed
        from tqdm.auto import tqdm

        self._validate()
        X = np.asarray(embeddings, dtype=np.float32)
        groups = np.asarray(["all"] * len(X) if groups is None else [str(g) for g in groups], dtype=object)
        if len(groups) != len(X):
            raise ValueError(f"GroupClusterer: {len(X)} embeddings but {len(groups)} group keys")
        estimator = self._estimator()
        keys = sorted(set(groups.tolist()))
        rows = {key: np.flatnonzero(groups == key) for key in keys} if len(keys) < 64 else _rows_by_group(groups, keys)
        settings = repr(
            (estimator.get_params(deep=True), self.min_trope_size, self.max_group_fraction, self.n_resamples,
             self.resample_fraction, self.random_state, self.merge_similarity)
        ).encode()
        jobs, results, paths = [], {}, {}
        for key in keys:
            sub = X[rows[key]]
            path = None
            if self.cache_dir is not None:
                digest = hashlib.blake2b(settings + key.encode() + sub.tobytes(), digest_size=16).hexdigest()
                path = Path(self.cache_dir) / f"group-{digest}.npz"
                paths[key] = path
                if path.exists():
                    with np.load(path) as data:
                        results[key] = (data["labels"], data["stability"])
                    continue
            seed = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "little")
            jobs.append((key, sub, [self.random_state, seed]))
        min_size = self.min_trope_size or 1
        bar = tqdm(total=len(keys), initial=len(keys) - len(jobs), desc="cluster", unit="group",
                   disable=not show_progress(self.show_progress_bar))
        n_jobs = self.n_jobs or 1
        stream = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(cluster_group)(estimator, sub, min_size, self.max_group_fraction, self.n_resamples,
                                   self.resample_fraction, seed, self.merge_similarity)
            for _, sub, seed in jobs
        ) if n_jobs != 1 else (
            cluster_group(estimator, sub, min_size, self.max_group_fraction, self.n_resamples,
                          self.resample_fraction, seed, self.merge_similarity)
            for _, sub, seed in jobs
        )
        for (key, _, _), (labels, stability) in zip(jobs, stream, strict=True):
            results[key] = (labels, stability)
            if key in paths:
                _save(paths[key], labels=labels, stability=stability)
            bar.update(1)
        bar.close()
        self.labels_ = np.full(len(X), -1, dtype=np.int64)
        cluster_groups, stabilities, offset = [], [], 0
        for key in keys:
            labels, stability = results[key]
            k = len(stability)
            self.labels_[rows[key]] = np.where(labels >= 0, labels + offset, -1)
            cluster_groups.extend([key] * k)
            stabilities.append(stability)
            offset += k
        self.groups_ = keys
        self.cluster_groups_ = np.array(cluster_groups, dtype=object)
        self.stability_ = np.concatenate(stabilities) if stabilities else np.zeros(0)
        self.n_computed_ = len(jobs)
        return self


def _rows_by_group(groups: np.ndarray, keys: list[str]) -> dict[str, np.ndarray]:
    index = {key: i for i, key in enumerate(keys)}
    codes = np.fromiter((index[g] for g in groups), dtype=np.int64, count=len(groups))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
    return {key: order[bounds[i] : bounds[i + 1]] for i, key in enumerate(keys)}


def _save(path: Path, **arrays: np.ndarray) -> None:
    from trope_analysis.cache import _save_npz

    _save_npz(path, **arrays)


__all__ = ["FastHDBSCAN", "GroupClusterer", "cluster_group", "paper_estimator"]
