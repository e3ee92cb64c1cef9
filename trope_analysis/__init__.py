"""Trope mining: recurring justifications in logged PCT samples, per model, persona and stance.

The pipeline (BERTopic's shape, scikit-learn's rules): ``SentenceSplitter`` ->
``SentenceEmbedder`` (cached) -> ``GroupClusterer`` per (proposition, stance) ->
``TropeExtractor`` (medoid names) -> optional ``TropeRefiner`` (LLM filter / paraphrase).
``mine_tropes`` runs it end to end and writes the tables, reports and figures.

Importing this package is cheap; torch and sentence-transformers load on first use.
"""

from .base import BaseClusterer, BaseEmbedder, BaseSplitter
from .cache import EmbeddingCache
from .cluster import FastHDBSCAN, GroupClusterer, paper_estimator
from .embed import DEFAULT_MODEL, SentenceEmbedder
from .evaluate import ArgKPEvaluator
from .inputs import justification_table, read_labels, read_records
from .mining import MiningResult, mine_tropes
from .pipeline import PRESETS, TropePipeline, make_pipeline
from .refine import TropeRefiner
from .report import trope_report_section
from .split import SentenceSplitter
from .tropes import TropeExtractor

__all__ = [
    "DEFAULT_MODEL",
    "PRESETS",
    "ArgKPEvaluator",
    "BaseClusterer",
    "BaseEmbedder",
    "BaseSplitter",
    "EmbeddingCache",
    "FastHDBSCAN",
    "GroupClusterer",
    "MiningResult",
    "SentenceEmbedder",
    "SentenceSplitter",
    "TropeExtractor",
    "TropePipeline",
    "TropeRefiner",
    "justification_table",
    "make_pipeline",
    "mine_tropes",
    "paper_estimator",
    "read_labels",
    "read_records",
    "trope_report_section",
]
