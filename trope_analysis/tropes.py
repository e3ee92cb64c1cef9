"""TropeExtractor: name each cluster by its medoid sentence and keep its best examples."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator


class TropeExtractor(BaseEstimator):
    """Name clusters and pick their supporting sentences.

    The name is the medoid under cosine distance. For unit vectors the medoid (the member with
    the smallest summed distance to the others) is the member closest to the mean, i.e. the
    paper's "member nearest the mean embedding"; both definitions pick the same sentence.

    Args:
        n_examples: distinct member sentences kept per trope, nearest the centroid first.

    Attributes (after fit):
        names_: the medoid sentence of each cluster id; medoids_: its row;
        centroids_: unit mean vector per cluster (k x d); sizes_: members per cluster;
        examples_: per cluster, up to ``n_examples`` distinct sentences.
    """

    def __init__(self, n_examples: int = 5):
        self.n_examples = n_examples

    def fit(self, embeddings: np.ndarray, labels: np.ndarray, sentences: Sequence[str]) -> TropeExtractor:
        X = np.asarray(embeddings, dtype=np.float32)
        labels = np.asarray(labels)
        k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
        order = np.argsort(labels, kind="stable")
        bounds = np.searchsorted(labels[order], np.arange(k + 1))
        self.names_, self.medoids_, self.examples_ = [], np.zeros(k, dtype=np.int64), []
        self.centroids_ = np.zeros((k, X.shape[1] if X.ndim == 2 else 0), dtype=np.float32)
        self.sizes_ = np.diff(bounds)
        for c in range(k):
            rows = order[bounds[c] : bounds[c + 1]]
            mean = X[rows].mean(axis=0)
            norm = float(np.linalg.norm(mean))
            self.centroids_[c] = mean / norm if norm else mean
            scores = X[rows] @ self.centroids_[c]
            # Sort by score, ties by row: deterministic whatever the BLAS.
            ranked = rows[np.lexsort((rows, -np.round(scores, 6)))]
            self.medoids_[c] = ranked[0]
            self.names_.append(str(sentences[ranked[0]]))
            seen, examples = set(), []
            for r in ranked:
                s = str(sentences[r])
                if s not in seen:
                    seen.add(s)
                    examples.append(s)
                    if len(examples) >= self.n_examples:
                        break
            self.examples_.append(examples)
        return self


__all__ = ["TropeExtractor"]
