from __future__ import annotations

import pytest

from tests.pct_tasks.analysis import runs


@pytest.fixture(scope="session")
def main_run(tmp_path_factory):
    return runs.get(tmp_path_factory, "main")


@pytest.fixture(scope="session")
def main_data(main_run):
    from pct_tasks.analysis import load_runs

    return load_runs(main_run)


@pytest.fixture(scope="session")
def judged_data():
    """In-memory records with a perfect judge on the open answers (no files)."""
    from pct_tasks.analysis import load_runs
    from tests.pct_tasks.analysis.synth import synthetic_records

    return load_runs([], records=synthetic_records(categories=["political_orientation", "gender"],
                                                   templates=[0, 1, 2]))
