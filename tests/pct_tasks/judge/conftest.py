from __future__ import annotations

import copy

import pytest


@pytest.fixture(scope="session")
def _offline_classifier():
    from pct_tasks.judge import OfflineStanceClassifier

    return OfflineStanceClassifier().fit()


@pytest.fixture
def offline_classifier(_offline_classifier):
    """The fitted offline classifier (MiniLM loaded once per session); a shallow copy per test."""
    return copy.copy(_offline_classifier)
