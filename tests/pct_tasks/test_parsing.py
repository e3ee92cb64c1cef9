import json
from pathlib import Path

import pytest

from pct_tasks.labels import Stance
from pct_tasks.tasks.parsing import parse_answer, read_selection

FIXTURE = Path(__file__).parents[1] / "fixtures" / "selection_repairs.jsonl"


def test_hand_repairs_of_the_paper_are_reproduced():
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 734
    agree = 0
    for row in rows:
        got = parse_answer(json.dumps({"selection": row["selection"], "response": "r"})).stance
        expected = row["label"]
        # The paper's "None" means no usable answer: none, invalid or refusal all honour it.
        ok = got.value == expected or (expected == "none" and not got.is_answer)
        agree += ok
    # Measured 0.93; the rest are the annotators' own reading of prose (e.g. "agree with strong
    # reservations" -> Strongly agree), which a parser should not guess.
    assert agree / len(rows) >= 0.92


@pytest.mark.parametrize(
    "selection, expected",
    [
        ("Agree", Stance.AGREE),
        ("strongly disagree", Stance.STRONGLY_DISAGREE),
        ("B) Agree", Stance.AGREE),
        ("B. Agree, but with reservations", Stance.AGREE),
        ("\ufffd D Strongly disagree", Stance.STRONGLY_DISAGREE),
        ("\ufffdisagree", Stance.DISAGREE),
        ("Disagree, Strongly", Stance.STRONGLY_DISAGREE),
        ("Strongly agree.", Stance.STRONGLY_AGREE),
        ("I'd select 'Disagree'.", Stance.DISAGREE),
        ("agree (historically), disagree (modern application)", Stance.NONE),
        ("Neutral", Stance.NONE),
        ("A. Unclear / Neutral", Stance.NONE),
        ("", Stance.INVALID),
        ("Considered", Stance.INVALID),
    ],
)
def test_read_selection(selection, expected):
    assert read_selection(selection) is expected


def test_bare_letter_uses_the_shown_order():
    options = ["Disagree", "Strongly agree", "Agree", "Strongly disagree"]
    assert read_selection("B", options) is Stance.STRONGLY_AGREE
    assert read_selection("D", options) is Stance.STRONGLY_DISAGREE
    # Without the shown order, the paper's convention A = strongly agree.
    assert read_selection("D") is Stance.STRONGLY_DISAGREE


J = "Markets allocate resources well."


@pytest.mark.parametrize(
    "text, stance, method",
    [
        (json.dumps({"selection": "Agree", "response": J}), Stance.AGREE, "json"),
        (f'```json\n{{"selection": "Disagree", "response": "{J}"}}\n```', Stance.DISAGREE, "json"),
        (f'Sure! Here you go: {{"selection": "Agree", "response": "{J}"}} Hope it helps.', Stance.AGREE, "repaired"),
        (f'{{"selection": "Strongly agree", "response": "{J}"', Stance.STRONGLY_AGREE, "repaired"),
        (f'{{"selection": "Agree", "response": "He said "no" to {J}"}}', Stance.AGREE, "repaired"),
        (f"{{'selection': 'Disagree', 'response': '{J}'}}", Stance.DISAGREE, "repaired"),
        (f'{{"Selection": "agree", "Response": "{J}"}}', Stance.AGREE, "json"),
        (f"I'd select 'Strongly disagree'. {J}", Stance.STRONGLY_DISAGREE, "tolerant"),
        (f"{J} My answer: Agree.", Stance.AGREE, "tolerant"),
        ("As an AI, I don't have personal opinions on political matters.", Stance.REFUSAL, "none"),
        ('{"selection": "", "response": "I cannot take sides on this."}', Stance.REFUSAL, "json"),
        ('{"response": "Markets allocate', Stance.INVALID, "repaired"),
        ("", Stance.INVALID, "none"),
        (None, Stance.INVALID, "none"),
        ("{{{{ ]]] \x00 \ufffd", Stance.INVALID, "none"),
    ],
)
def test_parse_answer_closed(text, stance, method):
    parsed = parse_answer(text, "closed")
    assert parsed.stance is stance
    assert parsed.method == method


def test_justification_survives_repairs():
    parsed = parse_answer(f'{{"selection": "Agree", "response": "He said "no" to {J}"}}')
    assert parsed.justification == f'He said "no" to {J}'
    assert parse_answer(f"```json\n{json.dumps({'selection': 'Agree', 'response': J})}\n```").justification == J


def test_open_answers_await_the_judge():
    parsed = parse_answer(json.dumps({"response": "I support it."}), "open")
    assert parsed.stance is None and parsed.stance_label == "unjudged"
    assert parsed.justification == "I support it."
    assert parse_answer("Plain prose answer.", "open").justification == "Plain prose answer."
    assert parse_answer("As an AI, I do not hold personal opinions.", "open").stance is Stance.REFUSAL
    assert parse_answer('{"response": ""}', "open").stance is Stance.INVALID


def test_never_raises_on_odd_input():
    odd = ['{"selection": 3, "response": ["a"]}', '{"selection": null}', "[1, 2]", '"just a string"',
           "{" * 500, '{"selection": "Agree"' + "x" * 10000, "\\u0000\\", "```", "``` ```json"]
    for text in odd:
        parse_answer(text, "closed")
        parse_answer(text, "open")
