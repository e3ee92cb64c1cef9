"""The scikit-learn rules every stage follows (STYLE.md section 4)."""

import inspect

import numpy as np
import pytest
from sklearn.base import clone

from trope_analysis import (
    ArgumentFilter,
    BoundedAverageLinkage,
    GroupClusterer,
    SentenceEmbedder,
    SentenceSplitter,
    TropeExtractor,
    TropePipeline,
    TropeRefiner,
)

STAGES = [SentenceSplitter, SentenceEmbedder, ArgumentFilter, GroupClusterer, BoundedAverageLinkage, TropeExtractor, TropeRefiner, TropePipeline]


@pytest.mark.parametrize("cls", STAGES, ids=lambda c: c.__name__)
def test_params_clone_and_no_fitted_state_before_fit(cls):
    est = cls()
    names = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    assert sorted(est.get_params(deep=False)) == sorted(names)
    assert clone(est).get_params(deep=False) == est.get_params(deep=False)
    assert not [a for a in vars(est) if a.endswith("_")]


def test_fit_returns_self_and_refits_identically():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 8)).astype(np.float32)
    X[:30] += 4
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    for est, args in ((GroupClusterer(n_resamples=2, random_state=1), (X,)), (BoundedAverageLinkage(), (X,)),
                      (SentenceSplitter(), (["One sentence that is long enough."],))):
        assert est.fit(*args) is est
    a = GroupClusterer(n_resamples=2, random_state=1).fit(X)
    b = GroupClusterer(n_resamples=2, random_state=1).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.stability_, b.stability_)
