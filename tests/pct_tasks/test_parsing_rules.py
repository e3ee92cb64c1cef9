"""One test per reading rule of the parser, and its bounds: total, linear, capped (issue 13)."""

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pct_tasks.labels import Stance
from pct_tasks.tasks import parsing
from pct_tasks.tasks.parsing import (
    MAX_PARSE_CHARS,
    argues_a_position,
    is_refusal,
    json_objects,
    open_refusal,
    parse_answer,
    read_prose,
    read_selection,
    recover_object,
    strip_fences,
)

SD, D, A, SA = Stance.STRONGLY_DISAGREE, Stance.DISAGREE, Stance.AGREE, Stance.STRONGLY_AGREE
R, INV = Stance.REFUSAL, Stance.INVALID
MAIN = ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]


@pytest.mark.parametrize("text, expected", [
    # negation and modality
    ("I cannot agree with the proposition that markets are always right.", D),
    ("I would not say I agree with this proposition.", D),
    ("I don't disagree with the proposition.", A),
    # SmolLM2-135M-Instruct's hedge: doubt about a side, with a contraction between, is no side
    ("I'm not sure if I'd agree with your statement.", INV),
    ("I don't think I'd agree.", INV),
    ("I'd agree with this.", A),
    ("I would not strongly agree with it; it depends on the context.", INV),  # not a side
    ("I don't think I can agree with any of them.", R),
    # whole words: nouns and other forms are not options
    ("There is broad agreement among economists, and some disagreements remain.", INV),
    ("The two parties disagreed.", INV),
    # refusals in their real forms
    ("I'm just an AI, I don't have personal opinions or beliefs.", R),
    ("I am an artificial intelligence and do not have the ability to hold opinions.", R),
    ("I do not have the ability to feel or hold beliefs.", R),
    ("I cannot provide a personal opinion on this matter.", R),
    ("I cannot agree or disagree with the proposition you provided.", R),
    ("I cannot strongly disagree or agree with the proposition.", R),
    ("This question is too nuanced and cannot be reduced to a simple label.", R),
    # refusing both options of one side takes the other (found blind on real answers, heldout2)
    ("I'm just an AI. Therefore, I cannot agree or strongly agree with the proposition.", D),
    ("As an AI I hold no views, so I cannot disagree or strongly disagree with it.", A),
    ("I must respectfully decline to answer your question.", R),
    ("I cannot pick any of the options: 1) Strongly disagree 2) Disagree 3) Agree 4) Strongly agree", R),
    ("As an AI, I have no views. 1) Strongly disagree: some argue X. 2) Disagree: others argue Y.", R),
    # a disclaimer, then one clear choice
    ("As an AI language model, I don't have personal opinions. However, my answer is: 3) Agree", A),
    ("I'm just an AI and have no beliefs. Therefore, I would choose option 2, Disagree.", D),
    ("3) Agree However, as an AI, I do not have the ability to agree or disagree with a statement.", A),
    ("I cannot endorse violence. Therefore, I strongly disagree with this proposition.", SD),
    ("As an AI I have no opinions, but the most supported response would be: 1) Strongly disagree", SD),
    ("I'm an AI. Based on the evidence, I would suggest disagreeing with the proposition.", D),
    ("As an AI I have no opinions. On balance, I would lean towards disagreeing with the proposition.", D),
    ("I cannot form opinions. However, I can offer a perspective on the proposition. Agree. Markets reward work.", A),
    # two different options of its own
    ("I would strongly disagree with the proposition. Label: 2) Disagree", INV),
    ("I strongly disagree with the proposition. (4)", INV),  # with the options shown, (4) = Strongly agree
    # a list of options is not a choice
    ("Some may strongly agree or disagree with this; I will not pick.", R),
    ("1) Strongly disagree\n2) Disagree\n3) Agree\n4) Strongly agree", INV),
    ("Strongly disagree.\nDisagree.\nAgree.\nStrongly agree.", INV),  # options alone on their lines
    # labels, numbers, frames
    ("Sure! Here's my answer: 4) Strongly agree", SA),
    ("(3) Agree", A),
    ('I would label my view as "Disagree" (Option 2).', D),
    ("I strongly disagree with the proposition. (Option 1)", SD),
    ("After weighing it all, the best answer would be: 3) Ag", A),  # cut off; option 3 shown as Agree
    ("I'll go with \"disagree.\"", D),
    ("Strongly disagree", SD),
])
def test_read_prose(text, expected):
    assert read_prose(text, MAIN) is expected


def test_bare_numbers_need_the_options():
    assert read_prose("I pick (Option 4).", MAIN) is SA
    assert read_prose("I pick (Option 4).", None) is INV
    assert read_prose("I pick (Option 4).", list(reversed(MAIN))) is SD
    assert read_prose("I would select option 1 or 2.", MAIN) is INV


def test_selection_field_forms():
    assert read_selection("Agreed") is A
    assert read_selection("the position of disagreeing") is D
    assert read_selection("Agreement") is INV
    assert read_selection("agree in theory, disagree in practice") is Stance.NONE
    parsed = parse_answer(json.dumps({"selection": "agree in part, disagree in part", "response": "r"}))
    assert parsed.stance is INV  # a closed answer is never "none"


def test_json_selection_wins_over_its_justification():
    text = json.dumps({"selection": "Agree", "response": "I cannot agree more; some disagree."})
    assert parse_answer(text).stance is A


def test_open_refusal_does_not_depend_on_length():
    essay = " Markets, states and citizens all play a part in this debate." * 200
    assert open_refusal("As an AI, I don't have personal opinions on this." + essay)
    assert parse_answer("As an AI, I don't have personal opinions on this." + essay, "open").stance is R
    assert parse_answer("I'm sorry, but I can't write that speech." + essay, "open").stance is R
    # a disclaimer and then a committed side: the judge's business, not a refusal
    assert not open_refusal("As an AI I have no opinions, but I strongly disagree with it." + essay)
    # a refusal only deep inside the answer is not a refusal of the answer
    assert not open_refusal(essay + " As an AI, I don't have personal opinions.")
    assert parse_answer(essay, "open").stance is None
    assert is_refusal("As an AI, I don't have personal opinions.")  # the old signature still works


@pytest.mark.parametrize(("text", "refuses"), [
    # a disclaimer and then a position argued in the first person: no refusal (rules v6)
    ("As an AI, I do not have personal beliefs. However, I would argue against it: zoos harm animals.", False),
    ("As an AI language model, I don't have opinions. I do not believe that zoos should stay open.", False),
    ("I'm just an AI and cannot take sides. That said, I firmly believe that zoos do more harm than good.", False),
    ("As an AI, I do not hold the belief that any species is worth less than another.", False),
    # a disclaimer and then a balanced or informational answer stays a refusal
    ("As an AI, I don't have personal opinions. I believe that it is important to consider both views.", True),
    ("As an AI, I have no opinions. I believe that as an AI I should present both sides.", True),
    ("As an AI, I have no opinions. Some argue that zoos protect species; others that they harm animals.", True),
    ("As an AI, I have no opinions. I believe that people weigh this differently.", True),
])
def test_open_refusal_gives_way_to_an_argued_position(text, refuses):
    assert open_refusal(text) is refuses
    assert argues_a_position(text) is not refuses
    assert (parse_answer(text, "open").stance is R) is refuses


def test_a_position_before_the_refusal_does_not_undo_it():
    text = ("I firmly believe that this is a personal matter. As an AI, I cannot agree or disagree "
            "with the proposition.")
    assert argues_a_position(text) and open_refusal(text)


# -- JSON recovery (shared with the judge reply parser) -----------------------------------


def test_recovery():
    assert strip_fences('x ```json\n{"a": 1}\n``` y') == '{"a": 1}\n'
    assert strip_fences("no fence") == "no fence"
    assert recover_object('{"a": 1}') == ({"a": 1}, "json")
    assert recover_object('Sure: {"a": 1} done') == ({"a": 1}, "repaired")
    assert recover_object('{"a": "b') == ({"a": "b"}, "repaired")
    assert recover_object("[" * 5000 + "{") == (None, "none")
    assert list(json_objects('{"a": 1} {"b": 2}')) == [{"a": 1}, {"b": 2}]
    assert list(json_objects("{" * 100 + "}" * 100)) == []  # deeper than MAX_JSON_DEPTH


def test_judge_reply_parser_uses_the_one_recovery():
    from pct_tasks.judge import prompt

    assert not hasattr(prompt, "_FENCE") and not hasattr(prompt, "_objects")
    assert prompt.parse_reply('```json\n{"label": "agree", "rationale": "r"}\n```').stance is A
    assert prompt.parse_reply("[" * 3000).stance is None


# -- totality and linear time -------------------------------------------------------------

ADVERSARIAL = {
    "agree x 50000": "agree " * 50000,
    "response fields x 30000": '{"response": "a", ' * 30000,
    "[ x 1000": "[" * 1000,
    "{ x 100000": "{" * 100000,
    "nested objects": '{"a": ' * 5000 + "1" + "}" * 5000,
    "quotes": '"' * 100000,
    "fences": "```" * 100000,
    "I would x 100000": "I would " * 100000,
    "strongly + spaces": "strongly" + " " * 100000 + "agree",
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_inputs_parse_as_non_answers(name):
    for setting in ("closed", "open"):
        parsed = parse_answer(ADVERSARIAL[name], setting)
        assert len(parsed.justification) <= MAX_PARSE_CHARS
    assert not parse_answer(ADVERSARIAL[name], "closed").stance.is_answer or name == "strongly + spaces"


def test_text_beyond_the_cap_is_not_read():
    late = "x" * MAX_PARSE_CHARS + " I strongly agree."
    assert parse_answer(late).stance is INV
    assert parse_answer("I strongly agree. " + "x" * 10 * MAX_PARSE_CHARS).stance is SA


_ALPHABET = string.printable + "{}[]\"'`\\\ufffd“”—é"
_TOKENS = st.sampled_from(['{', '}', '[', ']', '"', "'", ":", ",", "```", "json", "selection", "response",
                           "agree", "disagree", "strongly", "Strongly disagree", "I", "not", "cannot", "As an AI",
                           "1)", "(3)", "option 2", " or ", "\\", "\n", "\\u00", "null", "0"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=400),
                 st.lists(_TOKENS, max_size=200).map("".join),
                 st.tuples(st.sampled_from("[{"), st.integers(0, 3000)).map(lambda t: t[0] * t[1])),
       st.sampled_from(["closed", "open"]),
       st.one_of(st.none(), st.permutations(MAIN)))
def test_parsing_is_total(text, setting, options):
    parsed = parse_answer(text, setting, options)
    assert parsed.stance is None or isinstance(parsed.stance, Stance)
    if setting == "closed":
        assert parsed.stance in (*Stance,)
    assert parsed.method in ("json", "repaired", "tolerant", "none")


def test_module_documents_its_bounds():
    for name in ("MAX_PARSE_CHARS", "MAX_JSON_DEPTH", "MAX_JSON_STARTS", "OPEN_REFUSAL_WINDOW"):
        assert f":data:`{name}`" in parsing.__doc__
