"""Trope mining: recurring justifications in logged PCT samples, per model, persona and stance.

The pipeline (BERTopic's shape, scikit-learn's rules): ``SentenceSplitter`` ->
``SentenceEmbedder`` (cached) -> ``ArgumentFilter`` (drops stance statements, restatements,
disclaimers, scaffolding) -> ``GroupClusterer`` per (proposition, stance) ->
``TropeExtractor`` (medoid names) -> optional ``TropeRefiner`` (LLM filter / paraphrase).
``mine_tropes`` runs it end to end and writes the tables, reports and figures.

Importing this package is cheap; torch and sentence-transformers load on first use.
"""

from trope_analysis.arguments import ArgumentFilter
from trope_analysis.base import BaseClusterer, BaseEmbedder, BaseSplitter
from trope_analysis.cache import EmbeddingCache
from trope_analysis.cluster import BoundedAverageLinkage, GroupClusterer, paper_estimator
from trope_analysis.embed import DEFAULT_MODEL, SentenceEmbedder
from trope_analysis.evaluate import ArgKPEvaluator
from trope_analysis.inputs import justification_table, read_labels, read_records
from trope_analysis.mining import MiningResult, mine_tropes
from trope_analysis.options import PRESETS, TropeOptions
from trope_analysis.pipeline import TropePipeline, make_pipeline
from trope_analysis.refine import TropeRefiner
from trope_analysis.report import html_section
from trope_analysis.split import SentenceSplitter
from trope_analysis.tropes import TropeExtractor

__all__ = [
    "DEFAULT_MODEL",
    "PRESETS",
    "ArgKPEvaluator",
    "ArgumentFilter",
    "BaseClusterer",
    "BaseEmbedder",
    "BaseSplitter",
    "EmbeddingCache",
    "BoundedAverageLinkage",
    "GroupClusterer",
    "MiningResult",
    "SentenceEmbedder",
    "SentenceSplitter",
    "TropeExtractor",
    "TropeOptions",
    "TropePipeline",
    "TropeRefiner",
    "justification_table",
    "make_pipeline",
    "mine_tropes",
    "paper_estimator",
    "read_labels",
    "read_records",
    "html_section",
]
