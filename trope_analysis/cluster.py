"""Clustering per (proposition, stance) group: GroupClusterer and its default, BoundedAverageLinkage.

Each group's sentences are clustered on their own (pooled over runs), groups in parallel.
Clusters are renumbered by size so ids do not depend on the estimator's internal order, then
filtered by size, and optionally re-clustered on resamples to score how stable each cluster is.

Why average linkage: one parameter with a plain meaning (the average cosine distance inside a
trope), chosen on ArgKP train and carried over to the unseen dev topics; scores in docs/tropes.md.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, clone

from trope_analysis.base import BaseClusterer
from trope_analysis.embed import show_progress

logger = logging.getLogger(__name__)

#: The default's cut: average cosine distance inside a trope. ARI within each ArgKP train
#: (topic, stance) group peaks at 0.3 (0.095; 0.073 at 0.25); at 0.3 the synthetic
#: respondent's planted frames that share their topic phrase merge (recall 0.72), at 0.25 they
#: are recovered at the paper preset's rate. Pooled ARI keeps rising up to 0.6 only because it
#: rewards one cluster per group (see docs/tropes.md).
DEFAULT_DISTANCE_THRESHOLD = 0.25

#: Groups are clustered in worker processes only when there is this much work (sum over groups
#: of the squared group size, capped at ``max_exact``): starting the workers costs seconds, more
#: than clustering many small groups (a 1,000-answer run) in this process.
PARALLEL_MIN_PAIRS = 20_000_000

#: The default's smallest trope (sentences).
DEFAULT_MIN_TROPE_SIZE = 5


class BoundedAverageLinkage(ClusterMixin, BaseEstimator):
    """Average-linkage agglomerative clustering on cosine distance, cut at one threshold.

    Exact up to ``max_exact`` distinct vectors. Above that, memory and time stay bounded:
    a seeded sample of ``max_exact`` distinct vectors is clustered exactly, and every other
    vector joins the sample cluster whose mean cosine distance to it is smallest, when that
    distance is within the threshold (the rule average linkage itself uses to merge a single
    point into a cluster); otherwise it stays alone. For unit vectors the mean cosine
    distance of x to a cluster is ``1 - x . mean(cluster)``, so this costs one matrix product.

    Identical vectors (verbatim repeated sentences) are clustered once.

    Args:
        distance_threshold: clusters merge while their average cosine distance is below this.
        max_exact: most distinct vectors clustered exactly (memory ~ 12 bytes x max_exact^2).
        random_state: seed of the sample.

    Attributes (after fit):
        labels_: cluster id per row; singletons are -1 (noise).
    """

    def __init__(self, distance_threshold: float = 0.5, max_exact: int = 5000, random_state: int | None = 0):
        self.distance_threshold = distance_threshold
        self.max_exact = max_exact
        self.random_state = random_state

    def fit(self, X: np.ndarray, y=None) -> BoundedAverageLinkage:
        X = np.ascontiguousarray(X, dtype=np.float32)
        if not 0 < float(self.distance_threshold) <= 2:
            raise ValueError(f"BoundedAverageLinkage: distance_threshold must be in (0, 2], got {self.distance_threshold!r}")
        if not isinstance(self.max_exact, int) or self.max_exact < 2:
            raise ValueError(f"BoundedAverageLinkage: max_exact must be an int >= 2, got {self.max_exact!r}")
        n = len(X)
        if n < 2:
            self.labels_ = np.full(n, -1, dtype=np.int64)
            return self
        _, first, inverse = np.unique(X.view(np.dtype((np.void, X.dtype.itemsize * X.shape[1]))).ravel(),
                                      return_index=True, return_inverse=True)
        U = X[first]
        sample = np.arange(len(U))
        if len(U) > self.max_exact:
            rng = np.random.default_rng(self.random_state)
            sample = np.sort(rng.choice(len(U), size=self.max_exact, replace=False))
        unique_labels = np.full(len(U), -1, dtype=np.int64)
        unique_labels[sample] = _average_linkage(U[sample], float(self.distance_threshold))
        if len(sample) < len(U):
            rest = np.setdiff1d(np.arange(len(U)), sample, assume_unique=True)
            unique_labels[rest] = _assign(U[rest], U[sample], unique_labels[sample], float(self.distance_threshold))
        labels = unique_labels[inverse.ravel()]
        ids, counts = np.unique(labels, return_counts=True)
        labels[np.isin(labels, ids[counts < 2])] = -1
        self.labels_ = labels
        return self


def _average_linkage(X: np.ndarray, threshold: float) -> np.ndarray:
    """Exact average linkage (scipy, cosine distance) cut at ``threshold``: labels 0..k-1."""
    if len(X) < 2:
        return np.zeros(len(X), dtype=np.int64)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    D = X @ X.T
    np.subtract(1.0, D, out=D)
    np.clip(D, 0.0, 2.0, out=D)
    np.fill_diagonal(D, 0.0)
    condensed = squareform(D, checks=False).astype(np.float64)
    del D
    tree = linkage(condensed, method="average")
    return fcluster(tree, t=threshold, criterion="distance").astype(np.int64) - 1


def _assign(rest: np.ndarray, sample: np.ndarray, labels: np.ndarray, threshold: float,
            chunk: int = 4096) -> np.ndarray:
    """Each row of ``rest`` joins the sample cluster at the smallest mean cosine distance, if <= threshold."""
    k = int(labels.max()) + 1
    means = np.zeros((k, sample.shape[1]), dtype=np.float64)
    np.add.at(means, labels, sample)
    means = (means / np.bincount(labels, minlength=k)[:, None]).astype(np.float32)
    out = np.full(len(rest), -1, dtype=np.int64)
    for start in range(0, len(rest), chunk):
        sims = rest[start : start + chunk] @ means.T
        best = np.argmax(sims, axis=1)
        ok = 1.0 - sims[np.arange(len(best)), best] <= threshold
        out[start : start + chunk] = np.where(ok, best, -1)
    return out


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
    kept = np.flatnonzero(keep)
    order = kept[np.lexsort((first[kept], -counts[kept]))]
    new_id = np.full(len(ids), -1, dtype=np.int64)
    new_id[order] = np.arange(len(order))
    clustered = labels >= 0
    out[clustered] = new_id[np.searchsorted(ids, labels[clustered])]
    return out


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


def cluster_group(estimator, X: np.ndarray, min_size: int, max_fraction: float | None, n_resamples: int,
                  resample_fraction: float, seed) -> tuple[np.ndarray, np.ndarray]:
    """Cluster one group; return (labels 0..k-1 or -1, stability per cluster)."""

    def fit(data: np.ndarray) -> np.ndarray:
        raw = np.asarray(clone(estimator).fit(data).labels_, dtype=np.int64)
        return _canonical(raw, min_size, max_fraction)

    labels = fit(X)
    k = int(labels.max()) + 1 if len(labels) else 0
    stability = np.full(k, np.nan)
    if n_resamples and k:
        stable = np.zeros(k)
        m = max(2, int(round(resample_fraction * len(X))))
        for r in range(n_resamples):
            rng = np.random.default_rng([*np.atleast_1d(seed).tolist(), r])
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
            cloned per group. None = ``BoundedAverageLinkage(distance_threshold, max_exact)``.
        distance_threshold: the default estimator's cut (average cosine distance).
        max_exact: the default estimator's largest exactly clustered sample per group.
        min_trope_size: drop clusters smaller than this (the paper: 11, i.e. "more than 10").
            None = keep what the estimator returns.
        max_group_fraction: drop clusters holding at least this fraction of their group
            (the paper: 0.5); None = no upper bound.
        n_resamples: re-cluster this many subsamples per group to score stability (0 = off).
        resample_fraction: share of each group's sentences kept in a resample.
        n_jobs: groups clustered at once (joblib; None = 1, -1 = all cores).
        random_state: seed of the resamples (and of the default estimator).
        cache_dir: where per-group results are kept (keyed by a digest of the group's vectors
            and these settings), so an interrupted run resumes; None = not kept. A damaged
            file is discarded with a warning and the group clustered again.
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
        distance_threshold: float = DEFAULT_DISTANCE_THRESHOLD,
        max_exact: int = 5000,
        min_trope_size: int | None = DEFAULT_MIN_TROPE_SIZE,
        max_group_fraction: float | None = None,
        n_resamples: int = 5,
        resample_fraction: float = 0.8,
        n_jobs: int | None = None,
        random_state: int = 0,
        cache_dir: str | os.PathLike | None = None,
        show_progress_bar: bool | None = None,
    ):
        self.estimator = estimator
        self.distance_threshold = distance_threshold
        self.max_exact = max_exact
        self.min_trope_size = min_trope_size
        self.max_group_fraction = max_group_fraction
        self.n_resamples = n_resamples
        self.resample_fraction = resample_fraction
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.cache_dir = cache_dir
        self.show_progress_bar = show_progress_bar

    def _estimator(self):
        if self.estimator is not None:
            return self.estimator
        return BoundedAverageLinkage(distance_threshold=self.distance_threshold, max_exact=self.max_exact,
                                     random_state=self.random_state)

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

    def _settings(self, estimator) -> bytes:
        return repr((estimator.get_params(deep=True), self.min_trope_size, self.max_group_fraction,
                     self.n_resamples, self.resample_fraction, self.random_state)).encode()

    def fit(self, embeddings: np.ndarray, groups: Sequence[str] | None = None) -> GroupClusterer:
        self._validate()
        X = np.asarray(embeddings, dtype=np.float32)
        groups = np.asarray(["all"] * len(X) if groups is None else [str(g) for g in groups], dtype=object)
        if len(groups) != len(X):
            raise ValueError(f"GroupClusterer: {len(X)} embeddings but {len(groups)} group keys")
        estimator = self._estimator()
        keys = sorted(set(groups.tolist()))
        rows = _rows_by_group(groups, keys)
        results, todo = self._cached(X, keys, rows, self._settings(estimator))
        for key, result in self._compute(estimator, X, rows, todo, len(keys)):
            results[key] = result
            if todo[key] is not None:
                _save(todo[key], labels=result[0], stability=result[1])
        self._collect(keys, rows, results, len(X))
        self.n_computed_ = len(todo)
        return self

    def _cached(self, X, keys, rows, settings) -> tuple[dict, dict]:
        """Results found in ``cache_dir``, and the groups still to do (key -> cache path or None)."""
        results, todo = {}, {}
        for key in keys:
            path = None
            if self.cache_dir is not None:
                digest = hashlib.blake2b(settings + key.encode() + X[rows[key]].tobytes(), digest_size=16)
                path = Path(self.cache_dir) / f"group-{digest.hexdigest()}.npz"
                found = _load_group(path, len(rows[key]))
                if found is not None:
                    results[key] = found
                    continue
            todo[key] = path
        return results, todo

    def _compute(self, estimator, X, rows, todo, n_keys) -> Iterator[tuple[str, tuple[np.ndarray, np.ndarray]]]:
        """Cluster the groups in ``todo`` (in parallel when ``n_jobs`` says so), yielding as they finish."""
        from joblib import Parallel, delayed
        from tqdm.auto import tqdm

        min_size = self.min_trope_size or 1
        n_jobs = self.n_jobs or 1

        def seed(key):
            return [self.random_state, int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "little")]

        args = ((key, (estimator, X[rows[key]], min_size, self.max_group_fraction, self.n_resamples,
                       self.resample_fraction, seed(key))) for key in todo)
        bar = tqdm(total=n_keys, initial=n_keys - len(todo), desc="cluster", unit="group",
                   disable=not show_progress(self.show_progress_bar))
        pairs = sum(min(len(rows[key]), self.max_exact) ** 2 for key in todo)
        if n_jobs == 1 or len(todo) < 2 or pairs < PARALLEL_MIN_PAIRS:
            stream = ((key, cluster_group(*a)) for key, a in args)
        else:
            keys = list(todo)
            out = Parallel(n_jobs=n_jobs, return_as="generator")(delayed(cluster_group)(*a) for _, a in args)
            stream = zip(keys, out, strict=True)
        for key, result in stream:
            bar.update(1)
            yield key, result
        bar.close()

    def _collect(self, keys, rows, results, n) -> None:
        self.labels_ = np.full(n, -1, dtype=np.int64)
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


def _rows_by_group(groups: np.ndarray, keys: list[str]) -> dict[str, np.ndarray]:
    index = {key: i for i, key in enumerate(keys)}
    codes = np.fromiter((index[g] for g in groups), dtype=np.int64, count=len(groups))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
    return {key: order[bounds[i] : bounds[i + 1]] for i, key in enumerate(keys)}


def _load_group(path: Path, n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """A cached group result, or None when absent or damaged (then it is discarded with a warning).

    npz files are zip archives with a CRC-32 per array: a flipped or truncated byte fails the
    check on read.
    """
    if not path.exists():
        return None
    try:
        with np.load(path) as data:
            labels, stability = data["labels"], data["stability"]
        if labels.shape != (n,) or stability.ndim != 1 or (len(labels) and labels.max() >= len(stability)):
            raise ValueError("shapes do not match the group")
        return labels.astype(np.int64), stability
    except Exception as exc:  # noqa: BLE001 - any damage means: recompute
        logger.warning("discarding damaged work file %s (%s); clustering the group again", path,
                       type(exc).__name__)
        path.unlink(missing_ok=True)
        return None


def _save(path: Path, **arrays: np.ndarray) -> None:
    from trope_analysis.cache import _save_npz

    _save_npz(path, **arrays)


__all__ = ["DEFAULT_DISTANCE_THRESHOLD", "DEFAULT_MIN_TROPE_SIZE", "BoundedAverageLinkage", "GroupClusterer",
           "cluster_group", "paper_estimator"]
