from __future__ import annotations

import pytest

from pct_tasks.judge.prompt import MAX_ANSWER_CHARS, SYSTEM_PROMPT, parse_reply, user_text
from pct_tasks.labels import JUDGE_LABELS, Stance


@pytest.mark.parametrize(("reply", "stance", "rationale"), [
    ('{"label": "agree", "rationale": "Sides with it."}', Stance.AGREE, "Sides with it."),
    ('```json\n{"label": "strongly_disagree", "rationale": "No."}\n```', Stance.STRONGLY_DISAGREE, "No."),
    ('Sure! {"label": "Strongly agree", "rationale": "Yes"} Hope this helps.', Stance.STRONGLY_AGREE, "Yes"),
    ('{"label": "none", "rationale": "Both sides', Stance.NONE, "Both sides"),  # truncated
    ('{"stance": "refusal"}', Stance.REFUSAL, ""),
    ("Disagree.", Stance.DISAGREE, ""),
    ('{"note": 1} {"label": "agree", "rationale": ["a"]}', Stance.AGREE, '["a"]'),
])
def test_parse_reply_reads_labels(reply, stance, rationale):
    got = parse_reply(reply)
    assert (got.stance, got.rationale, got.error, got.raw) == (stance, rationale, None, reply)


@pytest.mark.parametrize(("reply", "error"), [
    ("", "empty reply"),
    (None, "empty reply"),
    (12, "empty reply"),
    ('{"label": "neutral", "rationale": "x"}', "unknown label 'neutral'"),
    ('{"label": "agree-ish"', "unknown label 'agree-ish'"),
    ("I think the answer mostly agrees but it is hard to say", "no label found"),
    ('{"rationale": "forgot the label"}', "no label found"),
    ("{{{{", "no label found"),
])
def test_parse_reply_records_failures_instead_of_guessing(reply, error):
    got = parse_reply(reply)
    assert got.stance is None and not got.ok and got.error == error


def test_prompt_defines_every_label_and_asks_for_json():
    for label in JUDGE_LABELS:
        assert f'"{label.value}"' in SYSTEM_PROMPT
    assert '{"label": "<one of' in SYSTEM_PROMPT


def test_user_text_collapses_whitespace_and_caps_length():
    assert user_text(" P. ", "a\n\n b") == "Proposition: P.\nAnswer: a b"
    long = user_text("P", "x" * (MAX_ANSWER_CHARS + 50))
    assert long.endswith("x [...]") and len(long) == len("Proposition: P\nAnswer: ") + MAX_ANSWER_CHARS + 6
