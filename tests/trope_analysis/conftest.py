"""Fixtures of the trope tests: one embedding cache for the session, a fake embedder, tiny records."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from pct_tasks.io.records import SampleRecord


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


# The records the trope code reads are pct_tasks' own.
Rec = SampleRecord


def make_record(i: int, text: str, *, model="m1", stance="agree", pid=0, setting="closed", category="age",
                persona="18", template=0) -> Rec:
    variant = f"{setting}/{category}={persona}/t{template}"
    return Rec(run_id=f"run-{model}", model=model, model_args="", task=f"pct_{setting}", setting=setting,
               category=category, persona=persona, template_id=template, proposition_id=pid,
               proposition=f"Proposition {pid}", section="Economy", variant=variant,
               doc_key=f"{variant}/p{pid}/{i}", response=text, justification=text, stance=stance,
               source=f"/runs/{model}/samples.jsonl", line=i + 1)
