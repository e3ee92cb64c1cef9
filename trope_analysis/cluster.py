"""Clustering per (proposition, stance) group: GroupClusterer and its default, BoundedAverageLinkage.

Each group's sentences are clustered on their own (pooled over runs), groups in parallel.
Clusters are renumbered by size so ids do not depend on the estimator's internal order, then
filtered by size, and optionally re-clustered on resamples to score how stable each cluster is.

Why average linkage: one parameter with a plain meaning (the average cosine distance inside a
trope's core), chosen on ArgKP train and carried over to the unseen dev topics; and one for the
sentences left around the cores (they join the nearest trope within ``assign_threshold``):
leaving them out as noise is what kept the earlier default far below the gold grouping.
Scores in docs/tropes.md.
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

#: Share of its group's mean vector subtracted from each sentence vector before the cosine.
#: Every sentence of a (proposition, side) group talks about the proposition, so raw MiniLM
#: vectors of different arguments sit close together; removing half the shared direction
#: spreads them (ArgKP train, ARI within groups: 0.143 raw at best, 0.149 here; full centering
#: scores lower, 0.11 at best).
DEFAULT_CENTERING = 0.5

#: The default's cut: average cosine distance (of centred vectors) inside a trope's core.
#: Chosen on ArgKP train (pooled ARI + ARI within groups, best at 0.6 among 0.45-0.75) under
#: the constraint that the synthetic respondent's planted tropes are recovered (17/18 at 0.6).
#: Pooled ARI alone keeps rising with the cut because it rewards one cluster per group.
DEFAULT_DISTANCE_THRESHOLD = 0.6

#: The default's radius for leftovers: a sentence outside every core (a singleton, or a member
#: of a cluster under the smallest trope size) joins the trope whose members are on average
#: nearest, when that mean cosine distance is at most this. 1.0 = the centred sentence points
#: toward the trope's side of the group rather than away from it. Leaving leftovers out as
#: noise is what kept earlier defaults far below the gold grouping (ArgKP train, ARI within
#: groups: 0.115 with leftovers as noise, 0.149 assigned).
DEFAULT_ASSIGN_THRESHOLD = 1.0

#: Groups are clustered in worker processes only when there is this much work (sum over groups
#: of the squared group size, capped at ``max_exact``): starting the workers costs seconds, more
#: than clustering many small groups (a 1,000-answer run) in this process.
PARALLEL_MIN_PAIRS = 20_000_000

#: The default's smallest trope (sentences).
DEFAULT_MIN_TROPE_SIZE = 5


class BoundedAverageLinkage(ClusterMixin, BaseEstimator):
    """Average-linkage agglomerative clustering on cosine distance, cut at one threshold.

    Three steps, each linear in memory beyond a bounded sample:

    1. **Cores.** Up to ``max_exact`` distinct vectors are clustered exactly (scipy's average
       linkage cut at ``distance_threshold``). Above that, a seeded sample of ``max_exact``
       distinct vectors is clustered exactly and every other vector joins the sample cluster
       whose mean cosine distance to it is smallest, when that distance is within the
       threshold (the rule average linkage itself uses to merge a single point into a cluster).
    2. **Small clusters** (fewer than ``min_cluster_size`` rows) are dissolved.
    3. **Leftovers** (singletons, dissolved and unassigned rows) join the surviving cluster at
       the smallest mean cosine distance, when it is at most ``assign_threshold`` (None: they
       stay noise). A sentence between two cores is counted under the nearer one instead of
       being lost, which is what tells ArgKP's key points apart best (docs/tropes.md).

    For unit vectors the mean cosine distance of x to a cluster is ``1 - x . mean(cluster)``,
    so steps 1 (beyond the sample) and 3 cost one matrix product each. Identical vectors
    (verbatim repeated sentences) are clustered once. With ``centering`` c, every distance is
    measured between ``x - c * mean(X)`` vectors, renormalised (the mean is one pass over X).

    Args:
        distance_threshold: clusters merge while their average cosine distance is below this.
        assign_threshold: leftovers join a cluster within this mean cosine distance; None = noise.
        min_cluster_size: clusters with fewer rows are dissolved (their rows are leftovers).
        max_exact: most distinct vectors clustered exactly (memory ~ 12 bytes x max_exact^2).
        random_state: seed of the sample.
        centering: share of the mean vector of X subtracted before the cosine (0 = plain cosine).

    Attributes (after fit):
        labels_: cluster id per row; -1 = noise.
    """

    def __init__(self, distance_threshold: float = 0.5, assign_threshold: float | None = None,
                 min_cluster_size: int = 2, max_exact: int = 5000, random_state: int | None = 0,
                 centering: float = 0.0):
        self.distance_threshold = distance_threshold
        self.assign_threshold = assign_threshold
        self.min_cluster_size = min_cluster_size
        self.max_exact = max_exact
        self.random_state = random_state
        self.centering = centering

    def _validate(self) -> None:
        if not 0 < float(self.distance_threshold) <= 2:
            raise ValueError(f"BoundedAverageLinkage: distance_threshold must be in (0, 2], got {self.distance_threshold!r}")
        if self.assign_threshold is not None and not 0 < float(self.assign_threshold) <= 2:
            raise ValueError(
                f"BoundedAverageLinkage: assign_threshold must be None or in (0, 2], got {self.assign_threshold!r}")
        if not isinstance(self.min_cluster_size, int) or self.min_cluster_size < 2:
            raise ValueError(f"BoundedAverageLinkage: min_cluster_size must be an int >= 2, got {self.min_cluster_size!r}")
        if not isinstance(self.max_exact, int) or self.max_exact < 2:
            raise ValueError(f"BoundedAverageLinkage: max_exact must be an int >= 2, got {self.max_exact!r}")
        if not 0 <= float(self.centering) <= 1:
            raise ValueError(f"BoundedAverageLinkage: centering must be in [0, 1], got {self.centering!r}")

    def fit(self, X: np.ndarray, y=None) -> BoundedAverageLinkage:
        X = np.ascontiguousarray(X, dtype=np.float32)
        self._validate()
        n = len(X)
        if n < 2:
            self.labels_ = np.full(n, -1, dtype=np.int64)
            return self
        _, first, inverse = np.unique(X.view(np.dtype((np.void, X.dtype.itemsize * X.shape[1]))).ravel(),
                                      return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        U = _centred(X, X[first], float(self.centering))
        sample = np.arange(len(U))
        if len(U) > self.max_exact:
            rng = np.random.default_rng(self.random_state)
            sample = np.sort(rng.choice(len(U), size=self.max_exact, replace=False))
        unique_labels = np.full(len(U), -1, dtype=np.int64)
        unique_labels[sample] = _average_linkage(U[sample], float(self.distance_threshold))
        if len(sample) < len(U):
            rest = np.setdiff1d(np.arange(len(U)), sample, assume_unique=True)
            unique_labels[rest] = _assign(U[rest], U[sample], unique_labels[sample], float(self.distance_threshold))
        # Sizes count repeated sentences: a sentence written 5 times is a trope of 5.
        weights = np.bincount(inverse, minlength=len(U))
        sizes = np.bincount(unique_labels[unique_labels >= 0], weights=weights[unique_labels >= 0])
        small = (unique_labels >= 0) & (sizes[np.maximum(unique_labels, 0)] < self.min_cluster_size)
        unique_labels[small] = -1
        left = np.flatnonzero(unique_labels < 0)
        if self.assign_threshold is not None and len(left) and (unique_labels >= 0).any():
            member = np.flatnonzero(unique_labels >= 0)
            unique_labels[left] = _assign(U[left], U[member], unique_labels[member], float(self.assign_threshold),
                                          weights=weights[member])
        self.labels_ = _renumber(unique_labels)[inverse]
        return self


def _centred(X: np.ndarray, U: np.ndarray, share: float) -> np.ndarray:
    """Rows of ``U`` minus ``share`` x the mean row of ``X``, back to unit length (a row at the mean stays 0)."""
    if not share:
        return U
    out = U - np.float32(share) * X.mean(axis=0, dtype=np.float64).astype(np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 1e-12)


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


def _assign(rest: np.ndarray, members: np.ndarray, labels: np.ndarray, threshold: float,
            weights: np.ndarray | None = None, chunk: int = 4096) -> np.ndarray:
    """Each row of ``rest`` joins the cluster of ``members`` at the smallest mean cosine distance, if <= threshold.

    ``labels`` are the members' cluster ids (>= 0; ids without members get no row);
    ``weights`` count repeated rows (default 1 each).
    """
    k = int(labels.max()) + 1
    w = np.ones(len(members)) if weights is None else np.asarray(weights, dtype=np.float64)
    means = np.zeros((k, members.shape[1]), dtype=np.float64)
    np.add.at(means, labels, members * w[:, None])
    counts = np.bincount(labels, weights=w, minlength=k)
    present = counts > 0
    means = (means / np.maximum(counts, 1e-12)[:, None]).astype(np.float32)
    out = np.full(len(rest), -1, dtype=np.int64)
    for start in range(0, len(rest), chunk):
        sims = rest[start : start + chunk] @ means.T
        sims[:, ~present] = -np.inf
        best = np.argmax(sims, axis=1)
        ok = 1.0 - sims[np.arange(len(best)), best] <= threshold
        out[start : start + chunk] = np.where(ok, best, -1)
    return out


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Cluster ids 0..k-1 in order of first appearance; -1 stays -1."""
    out = np.full(len(labels), -1, dtype=np.int64)
    clustered = labels >= 0
    ids, first = np.unique(labels[clustered], return_index=True)
    order = np.argsort(first, kind="stable")
    new_id = np.empty(len(ids), dtype=np.int64)
    new_id[order] = np.arange(len(ids))
    out[clustered] = new_id[np.searchsorted(ids, labels[clustered])]
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
            cloned per group. None = ``BoundedAverageLinkage(distance_threshold,
            assign_threshold, min_cluster_size=min_trope_size, max_exact, centering=centering)``.
        distance_threshold: the default estimator's cut (average cosine distance in a core).
        assign_threshold: the default estimator's radius for leftover sentences (mean cosine
            distance to the nearest trope); None = they stay noise.
        centering: the default estimator's share of the group's mean vector removed first.
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
        assign_threshold: float | None = DEFAULT_ASSIGN_THRESHOLD,
        centering: float = DEFAULT_CENTERING,
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
        self.assign_threshold = assign_threshold
        self.centering = centering
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
        return BoundedAverageLinkage(distance_threshold=self.distance_threshold, assign_threshold=self.assign_threshold,
                                     min_cluster_size=max(2, self.min_trope_size or 2), max_exact=self.max_exact,
                                     random_state=self.random_state, centering=self.centering)

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


__all__ = ["DEFAULT_ASSIGN_THRESHOLD", "DEFAULT_CENTERING", "DEFAULT_DISTANCE_THRESHOLD", "DEFAULT_MIN_TROPE_SIZE", "BoundedAverageLinkage", "GroupClusterer",
           "cluster_group", "paper_estimator"]
