import numpy as np
import pandas as pd
import pytest

from tests.trope_analysis.conftest import make_record
from trope_analysis import GroupClusterer, TropePipeline
from trope_analysis.sharing import both_sides, jaccard, model_summary, overrepresentation

TAX = "Taxes pay for the schools of every child in our town."
MARKET = "Free markets allocate scarce goods better than any planner."


@pytest.fixture
def two_models(hash_embedder):
    """Model a says TAX in all 20 of its answers, model b in none; both say MARKET sometimes."""
    records = []
    for i in range(20):
        records.append(make_record(i, f"{TAX} Filler words number {i} here.", model="a", persona=str(i % 2)))
        extra = f" {MARKET}" if i % 2 == 0 else ""
        records.append(make_record(100 + i, f"Some other reason numbered {i} today.{extra}", model="b"))
        if i % 2:
            records.append(make_record(200 + i, MARKET, model="a"))
    pipe = TropePipeline(embedder=hash_embedder, clusterer=GroupClusterer(n_resamples=0, max_group_fraction=None, distance_threshold=0.2))
    return pipe.fit(records)


def test_sharing_and_jaccard(two_models):
    names = two_models.tropes_.set_index("name")["trope_id"]
    assert set(names.index) >= {TAX, MARKET}
    summary = model_summary(two_models).set_index("model")
    assert summary.loc["a", "n_shared_by_all"] == summary.loc["b", "n_shared_by_all"] == 1  # MARKET
    assert summary.loc["a", "n_unique"] >= 1  # TAX
    jac = jaccard(two_models, "model")
    assert jac.loc["a", "a"] == 1.0
    union = summary.loc["a", "n_tropes"] + summary.loc["b", "n_tropes"] - 1
    assert jac.loc["a", "b"] == pytest.approx(1 / union)


def test_overrepresentation_finds_the_planted_effect(two_models):
    tax = int(two_models.tropes_.set_index("name").loc[TAX, "trope_id"])
    over = overrepresentation(two_models, "model", n_permutations=500, random_state=0)
    row = over[(over["trope_id"] == tax) & (over["value"] == "a")].iloc[0]
    # a: 20 TAX answers of its 30; b: none of its 20.
    assert row["rate"] == pytest.approx(20 / 30) and row["rate_rest"] == 0.0
    assert row["p_value"] == pytest.approx(1 / 501)  # no permutation reaches 20 of 20
    assert row["q_value"] < 0.01
    again = overrepresentation(two_models, "model", n_permutations=500, random_state=0)
    pd.testing.assert_frame_equal(over, again)


def test_q_values_are_benjamini_hochberg(two_models):
    from statsmodels.stats.multitest import multipletests

    over = overrepresentation(two_models, "persona", n_permutations=50, random_state=0)
    assert len(over) > 3
    np.testing.assert_allclose(over["q_value"], multipletests(over["p_value"], method="fdr_bh")[1])


def test_both_sides(hash_embedder):
    records = [make_record(i, "It depends on the context of each case, really.", stance="agree") for i in range(12)]
    records += [make_record(50 + i, "It depends on the context of each case, really.", stance="disagree") for i in range(12)]
    records += [make_record(100 + i, f"Padding sentence {i} with words {i * 3}.", stance=s) for i in range(14)
                for s in ("agree", "disagree")]
    pipe = TropePipeline(embedder=hash_embedder, clusterer=GroupClusterer(n_resamples=0, distance_threshold=0.2)).fit(records)
    pairs = both_sides(pipe)
    assert pairs[["agree_name", "disagree_name"]].values.tolist() == [["It depends on the context of each case, really."] * 2]
    assert pairs["similarity"].tolist() == [1.0]
