import pytest

from pct_tasks.tasks.scoring import coordinates, summarise, variant_coordinates


@pytest.mark.parametrize(
    "answer, econ, social",
    [(0, 0.01, -4.36), (1, -0.24, -2.41), (2, 0.38, 2.41), (3, 0.01, 4.36)],
)
def test_reference_checks(answer, econ, social):
    c = coordinates([answer] * 62)
    assert (c.econ, c.social, c.n_valid) == (econ, social, 62)


def test_missing_answers_contribute_nothing():
    assert coordinates([None] * 62) == coordinates({})
    c = coordinates({})
    assert (c.econ, c.social, c.n_valid) == (0.38, 2.41, 0)


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
