"""TropePipeline: justifications -> sentences -> embeddings -> clusters per group -> tropes.

Every stage is a constructor parameter holding a replaceable object (BERTopic's shape), and
``fit`` is the only place work happens (scikit-learn's rules), so ``clone`` and
``get_params(deep=True)`` see the whole pipeline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from trope_analysis.cluster import (
    DEFAULT_ASSIGN_THRESHOLD,
    DEFAULT_DISTANCE_THRESHOLD,
    GroupClusterer,
    paper_estimator,
)
from trope_analysis.embed import SentenceEmbedder
from trope_analysis.inputs import COLUMNS, justification_table
from trope_analysis.options import PRESETS, TropeOptions, as_options
from trope_analysis.split import SentenceSplitter
from trope_analysis.tropes import TropeExtractor

logger = logging.getLogger(__name__)


class TropePipeline(BaseEstimator):
    """Mine tropes from the justifications of logged samples.

    Args:
        splitter: ``fit``/``transform(texts) -> list[list[str]]``; None = ``SentenceSplitter()``.
        embedder: ``fit_transform(sentences) -> ndarray``; None = ``SentenceEmbedder()``
            (all-MiniLM-L6-v2, cached). Skipped when ``fit`` gets ``embeddings``.
        clusterer: ``fit(embeddings, groups)`` setting ``labels_`` (and optionally
            ``stability_``); None = ``GroupClusterer()`` (average linkage per group).
        extractor: ``fit(embeddings, labels, sentences)`` setting ``names_``, ``centroids_``,
            ``examples_``; None = ``TropeExtractor()``.
        argument_filter: ``fit(sentences, propositions, embeddings, proposition_embeddings)``
            setting ``kinds_`` and ``keep_`` (``ArgumentFilter``): sentences that only state the
            stance, restate the proposition, disclaim or scaffold are left out of clustering;
            None = every sentence is clustered (the paper). With a ``text_kinds(sentences,
            propositions)`` method too, the sentences it drops by text alone are not embedded.
        refiner: optional ``fit(names)`` setting ``is_argument_`` and ``paraphrases_``
            (``TropeRefiner``); None = no LLM pass (``is_argument`` stays empty).
        stance_level: "direction" (agree vs disagree, the paper) or "stance" (four answers).

    Attributes (after fit):
        docs_: the justification table (``inputs.COLUMNS``);
        sentences_: one row per sentence: ``doc`` (row of ``docs_``), ``sentence``,
            ``group`` ("p<id>/<side>"), ``kind`` (``arguments.KINDS``; "argument" without a
            filter) and ``trope_id`` (-1 = none);
        tropes_: one row per trope: id, group, proposition, side, name, size, stability, ...;
        embeddings_: the sentence vectors (zero rows for sentences the filter dropped by their text
            alone, which are never embedded); centroids_: unit centroid per trope.

    Example:
        >>> from trope_analysis import TropePipeline, GroupClusterer
        >>> pipe = TropePipeline(clusterer=GroupClusterer(distance_threshold=0.5))  # doctest: +SKIP
        >>> pipe.fit(records).tropes_[["name", "size"]]  # doctest: +SKIP
    """

    def __init__(
        self,
        splitter=None,
        embedder=None,
        clusterer=None,
        extractor=None,
        argument_filter=None,
        refiner=None,
        stance_level: str = "direction",
    ):
        self.argument_filter = argument_filter
        self.splitter = splitter
        self.embedder = embedder
        self.clusterer = clusterer
        self.extractor = extractor
        self.refiner = refiner
        self.stance_level = stance_level

    def fit(self, X: pd.DataFrame | Iterable[Any], y=None, *, embeddings: np.ndarray | None = None,
            labels: Mapping[Any, str] | None = None) -> TropePipeline:
        """Fit on a justification table (``inputs.justification_table``) or on SampleRecords.

        Args:
            X: the table, or records (``pct_tasks.io.records.SampleRecord``).
            embeddings: precomputed vectors, one per sentence the splitter keeps (skips the
                embedder; rows of sentences the filter drops by text alone are not read).
            labels: open-answer stance labels, when ``X`` is records (see ``justification_table``).
        """
        if self.stance_level not in ("direction", "stance"):
            raise ValueError(f"TropePipeline: stance_level must be 'direction' or 'stance', got {self.stance_level!r}")
        docs = X if isinstance(X, pd.DataFrame) else justification_table(X, labels, self.stance_level)
        missing = [c for c in ("text", "proposition_id", "side") if c not in docs.columns]
        if missing:
            raise ValueError(f"TropePipeline: the input table lacks columns {missing}; expected {list(COLUMNS)}")
        sentences, doc_index, groups = self._split(docs)
        props = (docs["proposition"] if "proposition" in docs else pd.Series([""] * len(docs))).astype(str).to_numpy()
        extra = self._filter_texts(props) if len(sentences) else []
        # What the text alone drops (frames, no novel words) is never embedded: ~16% of LLM sentences.
        text_kinds = self._text_kinds(props, sentences, doc_index)
        if embeddings is None:
            embedder = self.embedder if self.embedder is not None else SentenceEmbedder()
            need = np.flatnonzero(text_kinds == "argument")
            # One call for sentences and propositions: a cold run loads the model once.
            vectors = np.asarray(embedder.fit_transform([sentences[i] for i in need] + extra), dtype=np.float32)
            embeddings = np.zeros((len(sentences), vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
            embeddings[need], extra_vectors = vectors[: len(need)], vectors[len(need):]
        else:
            extra_vectors = np.asarray(self.embedder.fit_transform(extra), dtype=np.float32) if (
                extra and self.embedder is not None) else None
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if len(embeddings) != len(sentences):
            raise ValueError(f"TropePipeline: {len(embeddings)} embeddings for {len(sentences)} sentences")
        kinds = self._kinds(props, sentences, doc_index, embeddings, extra, extra_vectors, text_kinds)
        keep = np.flatnonzero(kinds == "argument")
        clusterer = self.clusterer if self.clusterer is not None else GroupClusterer()
        clusterer.fit(embeddings[keep], groups[keep])
        labels_ = np.full(len(sentences), -1, dtype=np.int64)
        labels_[keep] = np.asarray(clusterer.labels_, dtype=np.int64)
        extractor = self.extractor if self.extractor is not None else TropeExtractor()
        extractor.fit(embeddings, labels_, sentences)
        k = len(extractor.names_)
        stability = np.asarray(getattr(clusterer, "stability_", np.full(k, np.nan)), dtype=float)
        is_argument, paraphrases = pd.array([pd.NA] * k, dtype="boolean"), [""] * k
        if self.refiner is not None:
            self.refiner.fit(extractor.names_)
            if getattr(self.refiner, "filter_arguments", True):
                is_argument = pd.array(np.asarray(self.refiner.is_argument_, dtype=bool), dtype="boolean")
            paraphrases = list(self.refiner.paraphrases_)
        self.docs_ = docs
        self.sentences_ = pd.DataFrame({"doc": doc_index, "sentence": pd.Series(sentences, dtype=object),
                                        "group": groups, "kind": kinds, "trope_id": labels_})
        self.embeddings_ = embeddings
        self.centroids_ = extractor.centroids_
        self.labels_ = labels_
        self.tropes_ = _trope_table(self.sentences_, docs, extractor, stability, is_argument, paraphrases)
        self.examples_ = extractor.examples_
        return self

    def _split(self, docs: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(sentences, row of ``docs`` per sentence, group key per sentence)."""
        splitter = self.splitter if self.splitter is not None else SentenceSplitter()
        per_doc = splitter.fit(docs["text"]).transform(docs["text"].tolist())
        counts = np.fromiter((len(s) for s in per_doc), dtype=np.int64, count=len(per_doc))
        doc_index = np.repeat(np.arange(len(docs)), counts)
        sentences = [s for doc in per_doc for s in doc]
        groups = (
            "p" + docs["proposition_id"].astype(int).map("{:02d}".format) + "/" + docs["side"].astype(str)
        ).to_numpy()[doc_index] if len(docs) else np.array([], dtype=object)
        logger.info("%d justifications -> %d sentences in %d groups", len(docs), len(sentences), len(set(groups)))
        return sentences, doc_index, np.asarray(groups, dtype=object)

    def _filter_texts(self, props: np.ndarray) -> list[str]:
        """The propositions and their negations, when the argument filter compares with them."""
        if self.argument_filter is None or getattr(self.argument_filter, "restatement_similarity", None) is None:
            return []
        from trope_analysis.arguments import negation

        unique = sorted(set(props.tolist()))
        return unique + [negation(p) for p in unique]

    def _text_kinds(self, props, sentences, doc_index) -> np.ndarray:
        """The kinds the argument filter decides from the text alone ("argument" = undecided)."""
        if self.argument_filter is None or not hasattr(self.argument_filter, "text_kinds") or not len(sentences):
            return np.full(len(sentences), "argument", dtype=object)
        return np.asarray(self.argument_filter.text_kinds(sentences, props[doc_index].tolist()), dtype=object)

    def _kinds(self, props, sentences, doc_index, embeddings, extra, extra_vectors, text_kinds) -> np.ndarray:
        """The argument filter's kind per sentence ("argument" for all without a filter)."""
        if self.argument_filter is None or not len(sentences):
            return np.full(len(sentences), "argument", dtype=object)
        prop_vectors = None
        if extra_vectors is not None and len(extra_vectors) == len(extra):
            half = len(extra) // 2
            index = {p: i for i, p in enumerate(extra[:half])}
            rows = np.array([index[p] for p in props[doc_index]], dtype=np.int64)
            prop_vectors = np.stack([extra_vectors[rows], extra_vectors[rows + half]], axis=1)
        extra_args = {"text_kinds": text_kinds} if hasattr(self.argument_filter, "text_kinds") else {}
        self.argument_filter.fit(sentences, props[doc_index].tolist(), embeddings, prop_vectors, **extra_args)
        return np.asarray(self.argument_filter.kinds_, dtype=object)

    def check_fitted(self) -> None:
        check_is_fitted(self, "tropes_")


def _joined(values: pd.Series) -> str:
    return ";".join(sorted({str(v) for v in values}))


def _trope_table(sentences: pd.DataFrame, docs: pd.DataFrame, extractor, stability, is_argument, paraphrases) -> pd.DataFrame:
    k = len(extractor.names_)
    member = sentences[sentences["trope_id"] >= 0]
    joined = member.join(docs, on="doc")
    joined = joined.assign(persona_value=persona_values(joined))
    by = joined.groupby("trope_id", sort=True)
    first_group = by["group"].first()
    frame = pd.DataFrame({"trope_id": np.arange(k, dtype=np.int64)})
    frame["group"] = frame["trope_id"].map(first_group)
    frame["proposition_id"] = frame["trope_id"].map(by["proposition_id"].first()).astype("int64")
    frame["proposition"] = frame["trope_id"].map(by["proposition"].first())
    frame["section"] = frame["trope_id"].map(by["section"].first())
    frame["side"] = frame["trope_id"].map(by["side"].first())
    frame["name"] = extractor.names_
    frame["paraphrase"] = paraphrases
    frame["is_argument"] = pd.array(is_argument, dtype="boolean")
    frame["size"] = frame["trope_id"].map(by.size()).astype("int64")
    frame["n_docs"] = frame["trope_id"].map(by["doc"].nunique()).astype("int64")
    frame["n_distinct_sentences"] = frame["trope_id"].map(by["sentence"].nunique()).astype("int64")
    frame["stability"] = stability[:k] if len(stability) >= k else np.full(k, np.nan)
    for col, src in (("models", "model"), ("personas", "persona_value"), ("templates", "template_id"),
                     ("settings", "setting"), ("stances", "stance")):
        frame[f"n_{col}"] = frame["trope_id"].map(by[src].nunique()).astype("int64")
        frame[col] = frame["trope_id"].map(by[src].agg(_joined))
    return frame


def persona_values(frame: pd.DataFrame) -> pd.Series:
    """"category=value" per row ("base" for the base case): the persona as one attribute."""
    base = frame["category"].astype(str) == "base"
    return pd.Series(
        np.where(base, "base", frame["category"].astype(str) + "=" + frame["persona"].astype(str)), index=frame.index
    )


def make_pipeline(options: TropeOptions | str | None = None, *, group_cache_dir=None, refiner=None,
                  **changes) -> TropePipeline:
    """A pipeline for ``options`` (a ``TropeOptions`` or a preset name; ``changes`` override fields).

    ``default``: regex splitter, MiniLM (cached), ``ArgumentFilter``, average linkage per
    group (``BoundedAverageLinkage``: half the group's mean vector removed, cores cut at average
    cosine distance 0.6, leftovers join the nearest trope within 1.0; the ``cluster.DEFAULT_*``
    constants), tropes of at least 5 sentences.
    ``paper``: the paper's settings: sentences over 20 characters, no filter, DBSCAN (cosine,
    eps 0.15, min_samples 10), dropping noise, clusters of 10 or fewer sentences and clusters
    holding half the group or more.
    """
    o = as_options(options, **changes)
    embedder = SentenceEmbedder(model_name_or_path=o.model, device=o.device, precision=o.precision,
                                cache_dir=o.cache_dir, batch_size=o.batch_size, show_progress_bar=o.show_progress_bar)
    common = dict(n_jobs=o.n_jobs, n_resamples=o.n_resamples, random_state=o.random_state, cache_dir=group_cache_dir,
                  show_progress_bar=o.show_progress_bar)
    if o.preset == "paper":
        splitter = SentenceSplitter(min_chars=21, drop_patterns=())
        clusterer = GroupClusterer(estimator=paper_estimator(), min_trope_size=11, max_group_fraction=0.5, **common)
        argument_filter = None
    else:
        from trope_analysis.arguments import ArgumentFilter

        splitter = SentenceSplitter()
        assign = DEFAULT_ASSIGN_THRESHOLD if o.assign_threshold is None else (o.assign_threshold or None)
        clusterer = GroupClusterer(distance_threshold=o.distance_threshold or DEFAULT_DISTANCE_THRESHOLD,
                                   assign_threshold=assign, **common)
        argument_filter = ArgumentFilter()
    return TropePipeline(splitter=splitter, embedder=embedder, argument_filter=argument_filter, clusterer=clusterer,
                         refiner=refiner, stance_level=o.stance_level)


__all__ = ["PRESETS", "TropePipeline", "make_pipeline", "persona_values"]
