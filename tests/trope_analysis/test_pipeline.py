"""End to end on the synthetic respondent, whose justification bank is known."""

from __future__ import annotations

import numpy as np
import pytest

from pct_tasks.io.records import read_samples
from tests.trope_analysis._planted import precision_recall
from trope_analysis import (
    GroupClusterer,
    TropeOptions,
    TropePipeline,
    justification_table,
    make_pipeline,
    mine_tropes,
)
from trope_analysis import cluster as cluster_module
from trope_analysis.report import slug

N_PROPOSITIONS = 6
OPTIONS = TropeOptions(n_resamples=2, n_permutations=200, show_progress_bar=False)


@pytest.fixture(scope="session")
def synthetic_records(_synthetic_full_run):
    """Closed answers (stance known) to the first six propositions: 1,308 justifications."""
    return [r for r in read_samples(_synthetic_full_run) if r.setting == "closed" and r.proposition_id < N_PROPOSITIONS]


def test_planted_tropes_are_recovered(synthetic_records, embedding_cache):
    docs = justification_table(synthetic_records)
    # float32 pinned: "auto" precision depends on the CPU (bf16 where it is native).
    default = make_pipeline("default", cache_dir=embedding_cache, n_resamples=0, show_progress_bar=False)
    default.embedder.set_params(precision="fp32")
    precision, recall, argument_precision = precision_recall(default.fit(docs))
    # The argument filter keeps the respondent's filler sentences out ("Reasonable people can see
    # this differently."): no trope is made of them, and at least 17 of the 18 planted tropes
    # are found (the default: recall 17/18, precision 0.97, float32; at the cut 0.65 planted
    # frames that share their topic phrase merge: recall 15/18).
    kinds = default.sentences_["kind"].value_counts()
    assert kinds["argument"] < len(default.sentences_) and kinds.get("disclaimer", 0) > 0
    assert recall >= 17 / 18 and argument_precision >= 0.95 and precision == pytest.approx(argument_precision)
    paper = make_pipeline("paper", cache_dir=embedding_cache, n_resamples=0, show_progress_bar=False).fit(docs)
    p_precision, p_recall, p_argument_precision = precision_recall(paper)
    # The paper's DBSCAN keeps filler tropes (precision over all tropes well below ours).
    assert p_recall <= recall and p_precision < precision


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".work" not in p.parts}


@pytest.fixture(scope="module")
def mined(synthetic_records, embedding_cache, tmp_path_factory):
    out = tmp_path_factory.mktemp("mined") / "out"
    result = mine_tropes(None, out, OPTIONS.replace(cache_dir=embedding_cache), records=synthetic_records)
    return out, result


def test_outputs_written_and_identical_across_runs(mined, synthetic_records, embedding_cache, tmp_path):
    out, result = mined
    files = _files(out)
    for name in ("tropes.parquet", "tropes.csv", "membership.parquet", "membership.csv", "model_tropes.csv",
                 "jaccard_models.csv", "jaccard_personas.csv", "overrepresentation.csv", "both_sides.csv",
                 "summary.json", "tropes_manifest.json"):
        assert name in files, sorted(files)
    # One model: no model-sharing figures (they would be empty).
    assert not {"plots/jaccard_models.png", "plots/models_per_trope.png"} & set(files)
    model = result.summary["models"][0]
    assert [f for f in files if f.startswith(("reports/", "plots/bubbles"))] == [
        f"plots/bubbles_{slug(model)}.png", f"reports/{slug(model)}.md"]
    again = mine_tropes(None, tmp_path / "again", OPTIONS.replace(cache_dir=embedding_cache), records=synthetic_records)
    assert again.pipeline.embedder.n_encoded_ == 0  # warm cache: nothing embedded
    assert _files(tmp_path / "again") == files
    assert result.summary["n_tropes"] == len(result.pipeline.tropes_) > 0


def test_rerun_is_up_to_date(mined, synthetic_records, embedding_cache):
    out, _ = mined
    result = mine_tropes(None, out, OPTIONS.replace(cache_dir=embedding_cache), records=synthetic_records)
    assert result.up_to_date and not result.written


def test_interrupted_run_resumes(mined, synthetic_records, embedding_cache, tmp_path, monkeypatch):
    out, first = mined
    real, calls = cluster_module.cluster_group, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(cluster_module, "cluster_group", flaky)
    with pytest.raises(KeyboardInterrupt):
        mine_tropes(None, tmp_path / "run", OPTIONS.replace(cache_dir=embedding_cache, n_jobs=1), records=synthetic_records)
    monkeypatch.setattr(cluster_module, "cluster_group", real)
    resumed = mine_tropes(None, tmp_path / "run", OPTIONS.replace(cache_dir=embedding_cache, n_jobs=1), records=synthetic_records)
    n_groups = resumed.pipeline.sentences_["group"].nunique()
    assert resumed.pipeline.clusterer.n_computed_ == n_groups - 2  # the two finished groups were kept
    assert _files(tmp_path / "run") == _files(out)


def test_statistics_tables(mined):
    out, result = mined
    import pandas as pd

    tropes = pd.read_parquet(out / "tropes.parquet")
    assert tropes["stability"].between(0, 1).all()
    assert set(tropes["side"]) <= {"agree", "disagree", "none"}
    over = pd.read_csv(out / "overrepresentation.csv")
    # One model: nothing to compare it with; personas are compared.
    assert set(over["attribute"]) == {"persona"}
    assert over["q_value"].between(0, 1).all() and (over["q_value"] >= over["p_value"] - 1e-12).all()
    # One model: every trope is used by "all" models and none is unique.
    models = pd.read_csv(out / "model_tropes.csv")
    assert models["n_shared_by_all"].tolist() == [len(tropes)] and models["n_unique"].tolist() == [len(tropes)]


def test_precomputed_embeddings_skip_the_embedder(hash_embedder):
    from tests.trope_analysis.conftest import make_record

    records = [make_record(i, "Taxes pay for the schools of every child in town.") for i in range(12)]
    # Other sentences in the group: a trope holding half the group or more is dropped.
    records += [make_record(100 + i, f"Unrelated sentence number {i} about item {i * 7} and more.") for i in range(14)]
    pipe = TropePipeline(embedder=hash_embedder, clusterer=GroupClusterer(n_resamples=0, distance_threshold=0.2))
    pipe.fit(records)
    again = TropePipeline(embedder=object(), clusterer=GroupClusterer(n_resamples=0, distance_threshold=0.2))
    again.fit(records, embeddings=pipe.embeddings_)
    assert again.tropes_["name"].tolist() == ["Taxes pay for the schools of every child in town."]
    np.testing.assert_array_equal(again.labels_, pipe.labels_)


def test_sentences_the_text_drops_are_never_embedded(hash_embedder):
    from tests.trope_analysis.conftest import make_record
    from trope_analysis.arguments import ArgumentFilter

    seen: list[str] = []

    class Recording:
        def fit_transform(self, sentences):
            seen.extend(sentences)
            return hash_embedder.fit_transform(sentences)

    reason = "Taxes pay for the schools of every child in town."
    frame = "Taxation of top earners is a complex and controversial issue with consequences for everyone."
    stance = "I strongly agree with the proposition as it is worded here."
    texts = [f"{frame} {reason} {stance}" for _ in range(12)]
    texts += [f"Unrelated sentence number {i} about item {i * 7} and more." for i in range(14)]
    records = [make_record(i, t) for i, t in enumerate(texts)]
    params = {"clusterer": GroupClusterer(n_resamples=0, distance_threshold=0.2), "argument_filter": ArgumentFilter()}
    pipe = TropePipeline(embedder=Recording(), **params).fit(records)
    dropped = set(pipe.sentences_.loc[pipe.sentences_["kind"] != "argument", "sentence"])
    assert dropped == {frame, stance}
    assert not dropped & set(seen)  # frames and stance-only sentences cost no forward pass
    assert pipe.tropes_["name"].tolist() == [reason]
    # The same result from vectors given for every sentence.
    full = hash_embedder.fit_transform(pipe.sentences_["sentence"].tolist())
    again = TropePipeline(embedder=hash_embedder, **params).fit(records, embeddings=full)
    np.testing.assert_array_equal(again.labels_, pipe.labels_)
    assert again.sentences_["kind"].tolist() == pipe.sentences_["kind"].tolist()
