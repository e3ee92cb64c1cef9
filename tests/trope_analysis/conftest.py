"""Fixtures of the trope tests: one embedding cache for the session, a fake embedder, tiny records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pytest


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory):
    """A MiniLM embedding cache shared by the session: each sentence is embedded once."""
    return tmp_path_factory.mktemp("embedding-cache")


class HashEmbedder:
    """A deterministic stand-in embedder: words hashed into 64 dims, unit length."""

    def get_params(self, deep=True):
        return {}

    def fit_transform(self, sentences):
        out = np.zeros((len(sentences), 64), dtype=np.float32)
        for i, s in enumerate(sentences):
            for w in s.lower().split():
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


@pytest.fixture
def hash_embedder():
    return HashEmbedder()


@dataclass(frozen=True)
class Rec:
    """The fields of pct_tasks.records.SampleRecord the trope code reads."""

    run_id: str
    model: str
    model_args: str
    task: str
    setting: str
    category: str
    persona: str
    template_id: int
    proposition_id: int
    proposition: str
    section: str
    variant: str
    doc_key: str
    response: str
    justification: str
    stance: str
    source: str
    line: int


def make_record(i: int, text: str, *, model="m1", stance="agree", pid=0, setting="closed", category="age",
                persona="18", template=0) -> Rec:
    variant = f"{setting}/{category}={persona}/t{template}"
    return Rec(run_id=f"run-{model}", model=model, model_args="", task=f"pct_{setting}", setting=setting,
               category=category, persona=persona, template_id=template, proposition_id=pid,
               proposition=f"Proposition {pid}", section="Economy", variant=variant,
               doc_key=f"{variant}/p{pid}/{i}", response=text, justification=text, stance=stance,
               source=f"/runs/{model}/samples.jsonl", line=i + 1)
