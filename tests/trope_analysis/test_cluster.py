import numpy as np
import pytest

from trope_analysis import FastHDBSCAN, GroupClusterer, paper_estimator


def _blob(rng, axis, n, dim=32, scale=0.01):
    x = np.zeros((n, dim))
    x[:, axis] = 1.0
    x += rng.normal(scale=scale, size=(n, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _paper_case():
    """Group "g1": blobs of 11, 10 and 30 sentences plus 5 scattered ones (56 in all).

    Paper rules: noise dropped; the 10-blob dropped (10 or fewer); the 30-blob dropped
    (30 >= 56 / 2); only the 11-blob survives. Group "g2" has one 12-blob and 20 noise points.
    """
    rng = np.random.default_rng(0)
    noise = np.eye(32)[20:25] + rng.normal(scale=0.01, size=(5, 32))
    g1 = np.vstack([_blob(rng, 0, 11), _blob(rng, 1, 10), _blob(rng, 2, 30), noise])
    g2 = np.vstack([_blob(rng, 3, 12), np.eye(32)[4:24] * 1.0])
    X = np.vstack([g1, g2]).astype(np.float32)
    groups = ["g1"] * len(g1) + ["g2"] * len(g2)
    return X, groups


def test_paper_preset_rules_on_a_constructed_case():
    X, groups = _paper_case()
    c = GroupClusterer(estimator=paper_estimator(), min_trope_size=11, max_group_fraction=0.5,
                       merge_similarity=None, n_resamples=0).fit(X, groups)
    expected = np.full(len(X), -1)
    expected[:11] = 0  # the 11-blob of g1 is trope 0
    expected[56:68] = 1  # g2's 12-blob is trope 1 (ids run on across groups)
    np.testing.assert_array_equal(c.labels_, expected)
    assert c.cluster_groups_.tolist() == ["g1", "g2"]


def test_without_filters_dbscan_keeps_all_three_blobs():
    X, groups = _paper_case()
    c = GroupClusterer(estimator=paper_estimator(), min_trope_size=None, max_group_fraction=None,
                       merge_similarity=None, n_resamples=0).fit(X, groups)
    # Renumbered by size within the group: 30-blob first, then 11, then 10.
    assert np.bincount(c.labels_[c.labels_ >= 0]).tolist() == [30, 11, 10, 12]


def test_stability_is_one_for_clear_blobs_and_deterministic():
    X, groups = _paper_case()
    kw = dict(estimator=paper_estimator(), min_trope_size=None, max_group_fraction=None, merge_similarity=None,
              n_resamples=4, random_state=3)
    a = GroupClusterer(**kw).fit(X, groups)
    b = GroupClusterer(**kw, n_jobs=2).fit(X, groups)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.stability_, b.stability_)
    # Resamples keep 80%: the 30-blob always survives; the 10-blob (8 left) always falls under
    # DBSCAN's min_samples=10; the 11- and 12-blobs survive only when enough members are drawn.
    assert a.stability_[0] == 1.0 and a.stability_[2] == 0.0
    assert 0.0 <= a.stability_[1] < 1.0 and 0.0 < a.stability_[3] < 1.0


def test_fast_hdbscan_exact_and_projected_paths_agree_on_clear_blobs():
    rng = np.random.default_rng(1)
    X = np.vstack([_blob(rng, i, 40, dim=64, scale=0.05) for i in range(4)])
    exact = FastHDBSCAN(min_cluster_size=10).fit(X).labels_
    projected = FastHDBSCAN(min_cluster_size=10, max_exact=10, n_components=8).fit(X).labels_
    for labels in (exact, projected):
        assert len(set(labels[labels >= 0])) == 4
        assert all(len(set(labels[i * 40:(i + 1) * 40])) == 1 for i in range(4))


def test_merge_puts_wordings_of_one_trope_back_together():
    rng = np.random.default_rng(2)
    base = _blob(rng, 0, 1, dim=32)[0]
    # Two verbatim-repeated wordings of the same argument (cosine ~0.95) and one other argument.
    w1 = base + 0.15 * np.eye(32)[5]
    w2 = base + 0.15 * np.eye(32)[6]
    X = np.vstack([np.repeat([w1], 15, 0), np.repeat([w2], 15, 0), _blob(rng, 9, 15)])
    X = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)
    split = GroupClusterer(merge_similarity=None, max_group_fraction=None, n_resamples=0).fit(X)
    merged = GroupClusterer(merge_similarity=0.85, max_group_fraction=None, n_resamples=0).fit(X)
    assert len(set(split.labels_[:30])) == 2
    assert len(set(merged.labels_[:30])) == 1 and merged.labels_[0] != merged.labels_[40]


def test_groups_and_embeddings_must_align():
    with pytest.raises(ValueError, match="2 embeddings but 1 group keys"):
        GroupClusterer(n_resamples=0).fit(np.zeros((2, 3)), ["a"])
    with pytest.raises(ValueError, match="GroupClusterer: n_resamples"):
        GroupClusterer(n_resamples=-1).fit(np.zeros((2, 3)))
