import numpy as np
import pytest

from trope_analysis import BoundedAverageLinkage, GroupClusterer, paper_estimator
from trope_analysis.cluster import _load_group


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
                       n_resamples=0).fit(X, groups)
    expected = np.full(len(X), -1)
    expected[:11] = 0  # the 11-blob of g1 is trope 0
    expected[56:68] = 1  # g2's 12-blob is trope 1 (ids run on across groups)
    np.testing.assert_array_equal(c.labels_, expected)
    assert c.cluster_groups_.tolist() == ["g1", "g2"]


def test_without_filters_dbscan_keeps_all_three_blobs():
    X, groups = _paper_case()
    c = GroupClusterer(estimator=paper_estimator(), min_trope_size=None, max_group_fraction=None,
                       n_resamples=0).fit(X, groups)
    # Renumbered by size within the group: 30-blob first, then 11, then 10.
    assert np.bincount(c.labels_[c.labels_ >= 0]).tolist() == [30, 11, 10, 12]


def test_stability_is_one_for_clear_blobs_and_deterministic(monkeypatch):
    from trope_analysis import cluster

    X, groups = _paper_case()
    kw = dict(estimator=paper_estimator(), min_trope_size=None, max_group_fraction=None,
              n_resamples=4, random_state=3)
    a = GroupClusterer(**kw).fit(X, groups)
    monkeypatch.setattr(cluster, "PARALLEL_MIN_PAIRS", 0)  # these groups are small: force the workers
    b = GroupClusterer(**kw, n_jobs=2).fit(X, groups)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.stability_, b.stability_)
    # Resamples keep 80%: the 30-blob always survives; the 10-blob (8 left) always falls under
    # DBSCAN's min_samples=10; the 11- and 12-blobs survive only when enough members are drawn.
    assert a.stability_[0] == 1.0 and a.stability_[2] == 0.0
    assert 0.0 <= a.stability_[1] < 1.0 and 0.0 < a.stability_[3] < 1.0


def test_average_linkage_cuts_at_the_threshold():
    rng = np.random.default_rng(1)
    X = np.vstack([_blob(rng, i, 40, dim=64, scale=0.05) for i in range(4)] + [np.eye(64)[10:13]])
    labels = BoundedAverageLinkage(distance_threshold=0.5).fit(X).labels_
    assert [len(set(labels[i * 40:(i + 1) * 40])) for i in range(4)] == [1, 1, 1, 1]
    assert len(set(labels[:160])) == 4 and labels[160:].tolist() == [-1, -1, -1]  # singletons are noise
    # Blobs are orthogonal (distance 1): a threshold above 1 merges them all.
    merged = BoundedAverageLinkage(distance_threshold=1.5).fit(X[:160]).labels_
    assert set(merged.tolist()) == {0}


def test_sampled_path_matches_the_exact_one_on_clear_blobs():
    rng = np.random.default_rng(2)
    X = np.vstack([_blob(rng, i, 300, dim=32, scale=0.05) for i in range(5)])
    exact = BoundedAverageLinkage(distance_threshold=0.4).fit(X).labels_
    sampled = BoundedAverageLinkage(distance_threshold=0.4, max_exact=100).fit(X).labels_
    assert len(set(exact.tolist())) == 5
    assert all(len(set(sampled[i * 300:(i + 1) * 300].tolist())) == 1 for i in range(5))
    assert len(set(sampled.tolist())) == 5


def test_identical_rows_cluster_once():
    v = np.eye(8, dtype=np.float32)
    X = np.vstack([np.repeat(v[:1], 50, 0), np.repeat(v[1:2], 3, 0), v[2:3]])
    labels = BoundedAverageLinkage(distance_threshold=0.3).fit(X).labels_
    assert set(labels[:50].tolist()) == {labels[0]} and labels[0] >= 0
    assert set(labels[50:53].tolist()) == {labels[50]} and labels[50] != labels[0] and labels[53] == -1


def test_damaged_group_file_is_discarded_and_recomputed(tmp_path, caplog):
    X, groups = _paper_case()
    kw = dict(estimator=paper_estimator(), min_trope_size=11, max_group_fraction=0.5, n_resamples=0,
              cache_dir=tmp_path)
    first = GroupClusterer(**kw).fit(X, groups)
    files = sorted(tmp_path.glob("group-*.npz"))
    assert len(files) == 2
    data = bytearray(files[0].read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte inside an array: the zip CRC no longer matches
    files[0].write_bytes(bytes(data))
    files[1].write_bytes(b"garbage")
    assert _load_group(files[1], 5) is None and not files[1].exists()
    again = GroupClusterer(**kw).fit(X, groups)
    assert again.n_computed_ == 2 and "discarding damaged work file" in caplog.text
    np.testing.assert_array_equal(again.labels_, first.labels_)


def test_groups_and_embeddings_must_align():
    with pytest.raises(ValueError, match="2 embeddings but 1 group keys"):
        GroupClusterer(n_resamples=0, distance_threshold=0.2).fit(np.zeros((2, 3)), ["a"])
    with pytest.raises(ValueError, match="GroupClusterer: n_resamples"):
        GroupClusterer(n_resamples=-1).fit(np.zeros((2, 3)))


def test_leftovers_join_the_nearest_trope_within_the_radius():
    rng = np.random.default_rng(4)
    a, b = _blob(rng, 0, 20, scale=0.02), _blob(rng, 1, 20, scale=0.02)
    near_a = np.zeros((1, 32))
    near_a[0, [0, 5]] = [0.8, 0.6]  # cosine 0.8 to blob a, 0 to blob b
    far = np.eye(32)[[9]]  # orthogonal to both blobs
    pair = _blob(rng, 12, 2, scale=0.01)  # a cluster of 2, under the smallest size
    X = np.vstack([a, b, near_a, far, pair]).astype(np.float32)
    plain = BoundedAverageLinkage(distance_threshold=0.1, min_cluster_size=3).fit(X).labels_
    assert plain[40] == plain[41] == -1 and set(plain[42:].tolist()) == {-1}  # the pair is dissolved
    joined = BoundedAverageLinkage(distance_threshold=0.1, assign_threshold=0.5, min_cluster_size=3).fit(X).labels_
    assert joined[40] == joined[0] and joined[41] == -1  # mean distance 0.2 to a: joins; 1.0 to both: stays out
    assert set(joined[42:].tolist()) == {-1}  # the dissolved pair is far from both tropes
    np.testing.assert_array_equal(joined[:40], plain[:40])  # cores are unchanged


def test_centering_separates_arguments_that_share_the_topic():
    # Two arguments about one topic: each vector is mostly the shared topic direction.
    rng = np.random.default_rng(5)
    topic, one, two = np.eye(64)[0], np.eye(64)[1], np.eye(64)[2]
    X = np.vstack([0.9 * topic + 0.35 * one + rng.normal(scale=0.02, size=(30, 64)),
                   0.9 * topic + 0.35 * two + rng.normal(scale=0.02, size=(30, 64))])
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    raw = BoundedAverageLinkage(distance_threshold=0.3).fit(X).labels_
    assert len(set(raw.tolist())) == 1  # plain cosine: one topic, one "trope"
    centred = BoundedAverageLinkage(distance_threshold=0.3, centering=0.5).fit(X).labels_
    assert len(set(centred[:30].tolist())) == 1 and len(set(centred[30:].tolist())) == 1
    assert centred[0] != centred[30]


def test_invalid_settings_are_named():
    with pytest.raises(ValueError, match="assign_threshold"):
        BoundedAverageLinkage(assign_threshold=0).fit(np.eye(3))
    with pytest.raises(ValueError, match="centering"):
        BoundedAverageLinkage(centering=1.5).fit(np.eye(3))
    with pytest.raises(ValueError, match="min_cluster_size"):
        BoundedAverageLinkage(min_cluster_size=1).fit(np.eye(3))
