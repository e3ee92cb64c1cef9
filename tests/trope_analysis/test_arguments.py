"""ArgumentFilter on hand-written sentences: stance, restatements, frames and summaries go; reasons stay."""

from __future__ import annotations

import numpy as np
import pytest

from trope_analysis.arguments import (
    ArgumentFilter,
    main_clause,
    novel_words,
    only_a_verdict,
    only_states_a_stance,
)

TAXES = "The rich are too highly taxed."
SCHOOL = "The prime function of schooling should be to equip the future generation to find jobs."


def _kinds(sentences, proposition=TAXES, **params):
    return ArgumentFilter(**params).fit(sentences, [proposition] * len(sentences)).kinds_.tolist()


@pytest.mark.parametrize("sentence, kind", [
    ("I strongly disagree with the proposition that the rich are too highly taxed.", "stance"),
    ("While some may argue that the wealthy pay a lot, I firmly disagree.", "stance"),
    ("As a lifelong teacher, I wholeheartedly agree with this statement.", "stance"),
    ("As an AI language model, I do not hold views on tax policy or on household budgets.", "disclaimer"),
    ("Taxation of top earners is a complex and controversial issue with consequences for growth and fairness.",
     "disclaimer"),
    ("Some economists argue that high rates deter investment, while others maintain that they fund hospitals.",
     "disclaimer"),
    ("It is essential to weigh the pros and cons before changing the top income bracket.", "disclaimer"),
    ("In conclusion, progressive rates keep hospitals and schools funded for every family.", "scaffolding"),
    ("Here are three reasons for my view:", "scaffolding"),
    ("Title: The Myth of Overtaxed Millionaires: Why Top Rates Fund Every Hospital", "scaffolding"),
    ("**Headline:** Wealth, Work and the Public Purse", "scaffolding"),
    ("The statement that the rich are overtaxed suggests that top earners carry an unfair burden.", "restatement"),
    ("Supply-side economics is based on the belief that lower rates on investors raise wages later.",
     "restatement"),
])
def test_frames_and_stances_are_left_out(sentence, kind):
    assert _kinds([sentence]) == [kind]


@pytest.mark.parametrize("sentence", [
    "Progressive taxes pay for the schools and hospitals that every family uses.",
    "High earners benefit most from public roads, courts and an educated workforce.",
    "While the top rate looks high, loopholes let many wealthy households pay less than nurses do.",
    "Taxes can slow investment, but public schooling raises productivity for decades.",
    "As a deterrent against hoarding, inheritance taxes keep fortunes circulating.",  # "As a X," is not a persona
])
def test_reasons_are_kept(sentence):
    assert _kinds([sentence]) == ["argument"]


def test_the_main_clause_is_what_counts():
    # The concession holds many words; the claim holds none beyond the proposition's.
    hedged = ("While discipline teaches responsibility, self-control, and respect for rules, "
              "it should not be the sole focus of schooling.")
    assert main_clause(hedged) == "it should not be the sole focus of schooling."
    assert novel_words(hedged, SCHOOL) < 2 and _kinds([hedged], SCHOOL) != ["argument"]
    assert main_clause("Religion may guide many people, but it is not the only source of morality.") == (
        "it is not the only source of morality.")
    assert main_clause("Therefore, as a nurse, I believe clinics matter.") == "I believe clinics matter."


def test_restatements_by_embedding():
    # Unit vectors stand in for the embedder: cosine to the proposition decides.
    sentences = ["Wealthy households pay too much.",
                 "Wealthy people fund hospitals, schools, roads and courts through their income taxes."]
    prop = np.tile(np.eye(4)[0], (2, 2, 1))  # (n, 2, d): the proposition and its negation
    close = np.array([[0.9, np.sqrt(1 - 0.81), 0, 0], [0.9, np.sqrt(1 - 0.81), 0, 0]])
    f = ArgumentFilter().fit(sentences, [TAXES] * 2, close, prop)
    # Both are 0.9-similar to the proposition: from 0.85 on, a sentence restates it whatever it adds.
    assert f.kinds_.tolist() == ["restatement", "restatement"]
    f = ArgumentFilter(paraphrase_similarity=None).fit(sentences, [TAXES] * 2, close, prop)
    assert f.kinds_.tolist() == ["restatement", "argument"]  # few novel words vs many
    far = np.array([[0.5, np.sqrt(0.75), 0, 0]] * 2)
    assert ArgumentFilter().fit(sentences, [TAXES] * 2, far, prop).kinds_.tolist() == ["argument", "argument"]


@pytest.mark.parametrize("sentence", [
    # The verdict's object paraphrases the proposition in words of its own ("workers" and
    # "salaries" are novel words), so only the frame tells that no reason is given.
    "Therefore, I would argue against the proposition that workers with high salaries deserve lower tax bills.",
    "While it is true that budgets are tight, I strongly disagree with the idea that top earners should be spared.",
    "As a small business owner, I cannot support the notion that wealthy families are overburdened by the state.",
    "In this essay, I will argue in favour of this proposition.",
    "Secondly, I reject the notion that millionaires shoulder an unfair share of public spending.",
])
def test_a_verdict_on_the_proposition_is_a_stance(sentence):
    assert only_states_a_stance(sentence)
    assert _kinds([sentence]) == ["stance"]
    assert _kinds([sentence], verdicts=False) == ["argument"]  # the word count alone keeps them


@pytest.mark.parametrize("sentence", [
    "I disagree with this idea, because progressive rates pay for the schools every family uses.",
    "I firmly disagree with this proposition, as it ignores what public schools give every employer.",
    "However, I strongly disagree with this notion and argue that public roads serve high earners most.",
    "Hospitals need funding, so I would agree with the proposition that nurses deserve better pay.",
    "Many economists support the idea that top rates fund hospitals.",  # not the writer's own verdict
])
def test_a_verdict_with_a_reason_argues(sentence):
    assert not only_states_a_stance(sentence)


@pytest.mark.parametrize("sentence, verdict", [
    # A verdict in evaluative adjectives alone on the proposition's subject gives no reason.
    ("While I see why people resent them, I believe that heavy taxes on the rich are an unfair and counterproductive policy.",
     True),
    ("However, I do not believe that taxing the rich is a just or effective solution.", True),
    ("Taxing the rich is not a fair or sensible way to fund schools.", False),  # "sensible": not in the list
    ("Taxing the rich is unfair and harmful because it drives founders abroad.", False),  # a reason follows
    ("Some families find that rates are harmful and unfair.", False),  # the subject is no plain noun phrase
    ("Inheritance rules are complex and unfair.", False),  # "complex" is no verdict adjective
    ("Public hospitals are necessary and effective.", False),  # shares no word with the proposition
])
def test_a_bare_verdict_restates(sentence, verdict):
    assert only_a_verdict(sentence, TAXES) is verdict
    if verdict:
        assert _kinds([sentence]) == ["restatement"] and _kinds([sentence], verdicts=False) == ["argument"]


def test_frame_patterns_can_be_switched_off():
    sentence = "Some economists argue that high rates deter investment, while others maintain that they fund hospitals."
    assert _kinds([sentence], frame_patterns=()) == ["argument"]


def test_text_kinds_decide_without_embeddings():
    sentences = ["I strongly disagree with the proposition that the rich are too highly taxed.",
                 "Here are three reasons for my view:",
                 "Progressive taxes pay for the schools and hospitals that every family uses.",
                 "The rich are taxed too highly, I think."]
    f = ArgumentFilter()
    text = f.text_kinds(sentences, [TAXES] * 4)
    # The reason is left to the embedding test; a bare restatement shares the proposition's words.
    assert text.tolist() == ["stance", "scaffolding", "argument", "restatement"]
    assert f.fit(sentences, [TAXES] * 4, text_kinds=text).kinds_.tolist() == text.tolist()
    with pytest.raises(ValueError, match="propositions"):
        f.text_kinds(sentences, [TAXES])
