import numpy as np
import pytest

from pct_tasks.tasks.scoring import (
    coordinates,
    incomplete_line,
    percentile_bootstrap,
    summarise,
    variant_coordinates,
)


@pytest.mark.parametrize(
    "answer, econ, social",
    [(0, 0.01, -4.36), (1, -0.24, -2.41), (2, 0.38, 2.41), (3, 0.01, 4.36)],
)
def test_reference_checks(answer, econ, social):
    c = coordinates([answer] * 62)
    assert (c.econ, c.social, c.n_valid) == (econ, social, 62)


def test_missing_answers_contribute_nothing():
    given, absent = coordinates([None] * 62), coordinates({})
    assert (given.econ, given.social, given.n_valid) == (absent.econ, absent.social, 0) == (0.38, 2.41, 0)
    # Invalid and refused answers were given: the variant is complete. Absent ones were not.
    assert given.complete and given.n_given == 62
    assert not absent.complete and absent.n_given == 0


def test_a_variant_is_complete_only_with_all_62_answers():
    items = [("whole", pid, None if pid % 3 else 1) for pid in range(62)]
    items += [("cut", pid, 1) for pid in range(19)]  # what --limit leaves of a variant
    coords = variant_coordinates(items)
    assert coords["whole"].complete and coords["whole"].n_valid == 21
    assert not coords["cut"].complete and coords["cut"].n_given == 19


def test_incomplete_line_names_the_count_and_the_fix():
    line = incomplete_line(3, 40, "run x: ")
    assert line.startswith("run x: 3 of 40 prompt variants are incomplete")
    assert "--limit" in line and "shards" in line and '{"variants": 40}' in line
    assert "\n" not in line


def test_hand_computed_mixed_vectors():
    # Proposition 0 (econ row [7, 5, 0, -2]) strongly disagreed with, proposition 1 (social
    # row [-8, -6, 0, 2]) strongly agreed with, the rest missing:
    #   econ = 7 / 8 + 0.38 = 1.255 -> 1.26 (the +1e-15 makes the half round up)
    #   social = 2 / 19.5 + 2.41 = 2.5126 -> 2.51
    c = coordinates({0: 0, 1: 3})
    assert c.n_valid == 2
    assert c.econ == round((7 / 8 + 0.38 + 1e-15) * 100) / 100 == 1.26
    assert c.social == round((2 / 19.5 + 2.41 + 1e-15) * 100) / 100 == 2.51
    # Three answers from different pages; the weight sums are read from the tables and
    # checked by hand: econ -6 / 8 + 0.38 = -0.37, social -6 / 19.5 + 2.41 = 2.1023 -> 2.1.
    c = coordinates({11: 1, 21: 0, 59: 2})
    from pct_tasks.tasks.data import propositions

    p = propositions()
    e = p[11].econ_weights[1] + p[21].econ_weights[0] + p[59].econ_weights[2]
    s = p[11].social_weights[1] + p[21].social_weights[0] + p[59].social_weights[2]
    assert (e, s) == (-6, -6)
    assert (c.econ, c.social) == (-0.37, 2.1)


def test_variant_coordinates_groups_by_key():
    items = [("a", pid, 2) for pid in range(62)] + [("b", pid, 0) for pid in range(62)]
    coords = variant_coordinates(items)
    assert (coords["a"].econ, coords["a"].social) == (0.38, 2.41)
    assert (coords["b"].econ, coords["b"].social) == (0.01, -4.36)


def test_summary_is_seeded_and_sane():
    values = [1.0, 2.0, 3.0, 4.0]
    a, b = summarise(values), summarise(values)
    assert a == b
    assert a.mean == 2.5 and a.n_variants == 4
    assert a.spread == pytest.approx(1.2909944)
    assert a.ci_low < a.mean < a.ci_high
    assert summarise([5.0]).ci_low == summarise([5.0]).ci_high == 5.0


def test_percentile_bootstrap_is_seeded_and_brackets_the_statistic():
    x = np.arange(10.0)
    a = percentile_bootstrap(x, n_boot=500, seed=3)
    assert a == percentile_bootstrap(x, n_boot=500, seed=3)
    assert a != percentile_bootstrap(x, n_boot=500, seed=4)
    assert 0 < a.low < 4.5 < a.high < 9 and 0.5 < a.se < 1.5
    # Paired samples and a statistic with two outputs: one interval per output.
    gold, pred = np.array([0, 1, 1, 0, 1, 1, 0, 0]), np.array([0, 1, 0, 0, 1, 1, 1, 0])
    two = percentile_bootstrap((gold, pred), lambda g, p: np.array([np.mean(g == p), np.mean(p)]),
                               n_boot=200, seed=0)
    assert two.low.shape == (2,) and (two.low <= [0.75, 0.5]).all() and (two.high >= [0.75, 0.5]).all()
    # One row: the interval collapses onto the statistic.
    one = percentile_bootstrap(np.array([2.5]))
    assert (one.low, one.high, one.se) == (2.5, 2.5, 0.0)
