from pathlib import Path

import pytest

from pct_tasks.errors import PctInputError
from trope_analysis import ArgKPEvaluator, GroupClusterer, TropePipeline, paper_estimator

DATA = Path(__file__).parent / "data"


def evaluator(labels="argkp_labels.csv"):
    return ArgKPEvaluator(DATA / "argkp_arguments.csv", DATA / "argkp_key_points.csv", DATA / labels)


class OracleEmbedder:
    """Puts each argument on the axis of its gold key point (the word-overlap-free fixture)."""

    def fit_transform(self, sentences):
        import numpy as np

        keys = ["tax", "road|bridge|highway|state", "business|shop|firm|entrepreneur", "pet|cat|animal|mood|anxiety",
                "dog|burglar|thie|guard", "rich|wealth"]
        import re

        out = np.zeros((len(sentences), 8), dtype=np.float32)
        for i, s in enumerate(sentences):
            hits = [k for k, pattern in enumerate(keys) if re.search(pattern, s)]
            out[i, hits[-1] if hits else 7] = 1.0
            out[i, 6] = 0.05 * (i % 3)  # a little spread inside a cluster
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_perfect_clustering_scores_one():
    pipe = TropePipeline(embedder=OracleEmbedder(), clusterer=GroupClusterer(min_trope_size=3, n_resamples=0,
                                                                               max_group_fraction=None))
    scores = evaluator()(pipe)
    assert scores["n_gold_arguments"] == 36  # arg_x names two key points: not gold
    assert scores["n_key_points"] == 6 and scores["n_groups"] == 3
    assert scores["ari"] == pytest.approx(1.0) and scores["v_measure"] == pytest.approx(1.0)
    assert scores["coverage"] == 1.0 and scores["clustered"] == 1.0
    # Every resample of the groups is perfect too.
    assert scores["ari_ci"] == pytest.approx([1.0, 1.0]) and scores["v_measure_ci"] == pytest.approx([1.0, 1.0])


def test_intervals_resample_groups():
    import numpy as np

    from trope_analysis.evaluate import _group_bootstrap

    # Group a is clustered perfectly, group b puts its two key points together.
    true = ["a1", "a1", "a2", "a2", "b1", "b1", "b2", "b2"]
    pred = ["x", "x", "y", "y", "z", "z", "z", "z"]
    group = ["a"] * 4 + ["b"] * 4
    ci = _group_bootstrap(true, pred, group, n_boot=200, seed=0)
    low, high = ci["v_measure_ci"]
    assert low < high and high == pytest.approx(1.0)  # some draws hold group a twice
    # The worst draw is group b twice: pooled, the copies stay apart (only inside each is there no split).
    assert np.isclose(low, 2 / 3)
    assert _group_bootstrap(true, pred, group, n_boot=0, seed=0) == {}


def test_everything_noise_scores_zero_ari():
    pipe = TropePipeline(embedder=OracleEmbedder(), clusterer=GroupClusterer(estimator=paper_estimator(), min_trope_size=11,
                                                                               n_resamples=0))
    scores = evaluator()(pipe)
    assert scores["clustered"] == 0.0 and scores["coverage"] == 0.0 and scores["ari"] == pytest.approx(0.0)


def test_bad_labels_file_is_named(tmp_path):
    bad = tmp_path / "labels.csv"
    bad.write_text("arg_id,key_point_id,label\narg_0,kp_a,yes\n")
    with pytest.raises(PctInputError, match=r"labels.csv:2: label must be 0 or 1"):
        ArgKPEvaluator(DATA / "argkp_arguments.csv", DATA / "argkp_key_points.csv", bad).load()
    with pytest.raises(PctInputError, match="missing columns"):
        ArgKPEvaluator(DATA / "argkp_key_points.csv", DATA / "argkp_key_points.csv", bad).load()
