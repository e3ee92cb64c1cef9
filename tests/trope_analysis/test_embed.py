import numpy as np
import pytest

from trope_analysis import EmbeddingCache, SentenceEmbedder


def test_dedupe_and_cache_hit_on_rerun(embedding_cache):
    sentences = ["Taxes should fund public schools.", "Markets allocate resources well.", "Taxes should fund public schools."]
    first = SentenceEmbedder(cache_dir=embedding_cache / "own", show_progress_bar=False).fit(sentences)
    assert first.n_unique_ == 2 and first.n_encoded_ == 2 and first.n_cached_ == 0
    assert first.embeddings_.shape == (3, 384)
    np.testing.assert_array_equal(first.embeddings_[0], first.embeddings_[2])
    np.testing.assert_allclose(np.linalg.norm(first.embeddings_, axis=1), 1.0, rtol=1e-5)
    second = SentenceEmbedder(cache_dir=embedding_cache / "own", show_progress_bar=False).fit(sentences)
    assert second.n_encoded_ == 0 and second.n_cached_ == 2
    assert second.device_ is None  # nothing to embed: no model was loaded
    np.testing.assert_array_equal(first.embeddings_, second.embeddings_)


def test_a_fully_cached_run_does_not_import_torch(embedding_cache, tmp_path):
    """A warm re-run pays no torch import (seconds); checked in a fresh interpreter."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from trope_analysis.embed import _no_gpu_device_nodes

    if not _no_gpu_device_nodes():
        pytest.skip("a GPU device node exists: torch decides the device")
    sentences = ["Taxes should fund public schools.", "Markets allocate resources well."]
    SentenceEmbedder(cache_dir=tmp_path, show_progress_bar=False).fit(sentences)
    code = ("import sys; from trope_analysis import SentenceEmbedder; "
            f"e = SentenceEmbedder(cache_dir={str(tmp_path)!r}, show_progress_bar=False).fit({sentences!r}); "
            "print(e.n_cached_, 'torch' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert res.stdout.split() == ["2", "False"], res.stderr[-2000:]


class _FlakyModel:
    """Encodes with a fixed rule; raises KeyboardInterrupt on the call named by ``fail_on``."""

    def __init__(self, fail_on=None):
        self.calls, self.fail_on, self.seen = 0, fail_on, []

    def encode(self, sentences, **kwargs):
        self.calls += 1
        if self.calls == self.fail_on:
            raise KeyboardInterrupt
        self.seen += list(sentences)
        return np.array([[len(s), 1.0] for s in sentences], dtype=np.float32)


def test_interrupted_embedding_resumes_from_the_cache(tmp_path, monkeypatch):
    sentences = [f"sentence number {i:03d}" + "x" * i for i in range(10)]
    flaky = _FlakyModel(fail_on=2)
    monkeypatch.setattr(SentenceEmbedder, "_load_model", lambda self: (flaky, "cpu"))
    emb = SentenceEmbedder(cache_dir=tmp_path, chunk_size=4, model_name_or_path="fake", show_progress_bar=False)
    with pytest.raises(KeyboardInterrupt):
        emb.fit(sentences)
    assert len(EmbeddingCache(tmp_path, emb.model_id())) == 4  # the first chunk was kept
    fresh = _FlakyModel()
    monkeypatch.setattr(SentenceEmbedder, "_load_model", lambda self: (fresh, "cpu"))
    emb.fit(sentences)
    assert emb.n_cached_ == 4 and emb.n_encoded_ == 6 and len(fresh.seen) == 6
    np.testing.assert_array_equal(emb.embeddings_[:, 0], [len(s) for s in sentences])


def test_cache_namespaces_models_apart(tmp_path):
    a, b = EmbeddingCache(tmp_path, "model-a"), EmbeddingCache(tmp_path, "model-b")
    keys = np.array([b"k" * 16], dtype="S16")
    a.add(keys, np.ones((1, 2), np.float32))
    assert a.lookup(keys)[0].tolist() == [True]
    assert b.lookup(keys)[0].tolist() == [False]


def test_speed_settings_are_part_of_the_cache_identity():
    def ident(**kw):
        return SentenceEmbedder(model_name_or_path="fake", device="cpu", **kw).model_id()

    # float32 at the model's own length limit keeps the identity caches had before these settings.
    assert ident(precision="fp32", max_seq_length=None) == "fake|normalize=True"
    assert ident(precision="bf16") == "fake|normalize=True|precision=bf16|max_seq=128"
    assert ident(precision="int8", max_seq_length=64) == "fake|normalize=True|precision=int8|max_seq=64"
    with pytest.raises(ValueError, match="precision must be one of"):
        ident(precision="fp8")
    with pytest.raises(ValueError, match="CPU only"):
        SentenceEmbedder(model_name_or_path="fake", device="cuda", precision="int8").model_id()


def test_bf16_and_length_cap_keep_the_vectors(tmp_path):
    short = ["Taxes should fund public schools.", "Markets allocate resources well."]
    long = " ".join(["The state should provide free healthcare for every citizen"] * 20) + "."

    def vectors(**kw):
        return SentenceEmbedder(cache_dir=False, device="cpu", show_progress_bar=False, **kw).fit(short + [long])

    exact = vectors(precision="fp32", max_seq_length=None).embeddings_
    capped = vectors(precision="fp32")
    # The 128-piece cap changes only the long (~220-piece) sentence.
    np.testing.assert_allclose(capped.embeddings_[:2], exact[:2], atol=1e-5)
    assert not np.allclose(capped.embeddings_[2], exact[2], atol=1e-5)
    bf16 = vectors(precision="bf16")
    assert bf16.precision_ == "bf16" and bf16.embeddings_.dtype == np.float32
    assert (bf16.embeddings_ * capped.embeddings_).sum(axis=1).min() > 0.999


def test_a_damaged_cache_shard_is_discarded_and_recomputed(tmp_path, caplog):
    import numpy as np

    from trope_analysis.cache import EmbeddingCache, sentence_keys

    cache = EmbeddingCache(tmp_path, "m")
    keys = sentence_keys(["a", "b"])
    cache.add(keys, np.ones((2, 3), dtype=np.float32))
    (shard,) = cache.path.glob("shard-*.npz")
    shard.write_bytes(shard.read_bytes()[:40])  # truncated by a crash or a full disk
    fresh = EmbeddingCache(tmp_path, "m")
    found, _ = fresh.lookup(keys)
    assert not found.any() and not shard.exists()
    assert "damaged embedding cache shard" in caplog.text


def test_shards_compacted_by_another_process_while_listed_are_found_merged(tmp_path, monkeypatch, caplog):
    import numpy as np

    from trope_analysis.cache import EmbeddingCache, sentence_keys

    writer = EmbeddingCache(tmp_path, "m")
    for i in range(3):
        writer.add(sentence_keys([f"s{i}"]), np.full((1, 2), i, dtype=np.float32))
    reader = EmbeddingCache(tmp_path, "m")
    stale = reader._shards()
    calls = []

    def listing_then_compaction():
        calls.append(1)
        if len(calls) == 1:  # the reader lists, then the other process merges and deletes
            EmbeddingCache(tmp_path, "m").compact(max_shards=1)
            return stale
        return sorted(reader.path.glob("shard-*.npz"))

    monkeypatch.setattr(reader, "_shards", listing_then_compaction)
    found, vectors = reader.lookup(sentence_keys(["s0", "s1", "s2"]))
    assert found.all() and vectors[:, 0].tolist() == [0.0, 1.0, 2.0]
    assert "damaged" not in caplog.text and len(calls) == 2


def test_worker_processes_give_the_in_process_vectors(tmp_path):
    sentences = [f"Public money should fund {w} for every child in town number {i}." for i, w in
                 enumerate(["schools", "clinics", "libraries", "parks", "buses"] * 6)]

    def embed(n_workers, **kw):
        return SentenceEmbedder(cache_dir=tmp_path / str(n_workers), device="cpu", batch_size=4, chunk_size=8,
                                n_workers=n_workers, show_progress_bar=False, **kw).fit(sentences)

    serial, pooled = embed(1), embed(2)
    assert pooled.n_encoded_ == len(sentences) and pooled.device_ == "cpu"
    np.testing.assert_allclose(pooled.embeddings_, serial.embeddings_, atol=1e-5)
    assert embed(2).n_encoded_ == 0  # every chunk was cached as it came back
    # The clusterer's joblib pool still works after the embedding workers (they are not joblib's).
    from joblib import Parallel, delayed

    assert Parallel(n_jobs=2)(delayed(abs)(-i) for i in range(3)) == [0, 1, 2]
    with pytest.raises(FileNotFoundError, match="no embedding model at"):
        embed(2, model_name_or_path=str(tmp_path / "no-such-model"))
    with pytest.raises(ValueError, match="n_workers"):
        embed(0)


def test_failed_workers_fall_back_to_this_process(tmp_path, monkeypatch, caplog):
    from concurrent.futures.process import BrokenProcessPool

    sentences = [f"sentence number {i:03d}" + "x" * i for i in range(10)]

    def broken_pool(self, texts, chunks, workers, threads):
        yield chunks[0], np.stack([[len(texts[i]), 0.0] for i in chunks[0]]).astype(np.float32)
        raise BrokenProcessPool("a worker was killed")

    model = _FlakyModel()
    monkeypatch.setattr(SentenceEmbedder, "_pool_chunks", broken_pool)
    monkeypatch.setattr(SentenceEmbedder, "_load_model", lambda self: (model, "cpu"))
    emb = SentenceEmbedder(cache_dir=tmp_path, chunk_size=4, n_workers=2, model_name_or_path="fake",
                           device="cpu", show_progress_bar=False).fit(sentences)
    assert "embedding workers failed" in caplog.text
    assert len(model.seen) == 6  # the first chunk came back from the pool; the rest was encoded here
    np.testing.assert_array_equal(emb.embeddings_[:, 0], [len(s) for s in sentences])
