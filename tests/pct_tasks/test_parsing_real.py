"""The parser on real answers (Röttger et al. 2024, CC-BY-4.0; see tests/fixtures/README.md)."""

import json
from collections import Counter
from pathlib import Path

import pytest

from pct_tasks.tasks.parse_eval import read_options
from pct_tasks.tasks.parsing import parse_answer

FIXTURE = Path(__file__).parents[1] / "fixtures" / "real_closed_answers.jsonl"
ROWS = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def test_fixture_is_small_and_attributed():
    assert len(ROWS) == 60
    assert all(r["source"].startswith("llm-values-pct/data/completions/explicit_") for r in ROWS)
    assert Counter(r["label"] for r in ROWS) == {"strongly_disagree": 19, "refusal": 16, "disagree": 10,
                                                "agree": 8, "strongly_agree": 5, "invalid": 2}


@pytest.mark.parametrize("row", ROWS, ids=[r["source"].rsplit("/", 1)[1] for r in ROWS])
def test_real_answer(row):
    got = parse_answer(row["text"], "closed", read_options(row["options"])).stance.value
    assert got == row["label"], row["note"]
