"""Tiny stage bases: each states the duck-typed contract a replacement must honour.

A pipeline parameter (``splitter``, ``embedder``, ``clusterer``) takes any object with the
methods named here; these bases exist for documentation, ``isinstance``-free defaults and as
no-op stages (BERTopic's ``BaseCluster`` idea): the base clusterer labels everything noise, the
base embedder refuses to run so that precomputed embeddings must be passed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator


class BaseSplitter(BaseEstimator):
    """Turns texts into sentences.

    Contract: ``fit(texts) -> self`` and ``transform(texts) -> list[list[str]]`` (one list of
    kept sentences per text, in text order). This base keeps each non-empty text whole.
    """

    def fit(self, texts: Sequence[str], y=None) -> BaseSplitter:
        return self

    def transform(self, texts: Sequence[str]) -> list[list[str]]:
        return [[t.strip()] if t and t.strip() else [] for t in texts]

    def fit_transform(self, texts: Sequence[str], y=None) -> list[list[str]]:
        return self.fit(texts).transform(texts)


class BaseEmbedder(BaseEstimator):
    """Turns sentences into vectors.

    Contract: ``fit(sentences) -> self`` setting ``embeddings_`` (float32, one row per
    sentence, L2-normalised when the clusterer expects cosine geometry), and
    ``fit_transform(sentences) -> ndarray``. An embedder may set ``n_encoded_`` (how many
    sentences it actually ran through a model; 0 on a full cache hit).
    """

    def fit(self, sentences: Sequence[str], y=None) -> BaseEmbedder:
        raise NotImplementedError(
            "BaseEmbedder computes nothing: pass embeddings= to fit, or use SentenceEmbedder"
        )

    def fit_transform(self, sentences: Sequence[str], y=None) -> np.ndarray:
        return self.fit(sentences).embeddings_


class BaseClusterer(BaseEstimator):
    """Clusters the embeddings of each (proposition, stance) group.

    Contract: ``fit(embeddings, groups) -> self`` setting ``labels_`` (int array, one per row;
    -1 = noise; cluster ids unique across groups). This base labels everything noise, which
    turns the clustering stage off.
    """

    def fit(self, embeddings: np.ndarray, groups: Sequence[str] | None = None) -> BaseClusterer:
        self.labels_ = np.full(len(embeddings), -1, dtype=np.int64)
        return self


__all__ = ["BaseClusterer", "BaseEmbedder", "BaseSplitter"]
