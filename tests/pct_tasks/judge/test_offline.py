from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from pct_tasks.errors import PctInputError
from pct_tasks.judge import Judge, OfflineStanceClassifier
from pct_tasks.judge.offline import _sentences, explicit_stance, looks_like_refusal, negate
from pct_tasks.labels import Stance
from pct_tasks.tasks.variants import build_docs

from tests.pct_tasks.judge.synthetic_run import truth


@pytest.mark.parametrize(("text", "stance"), [
    ("I strongly agree with this proposition.", Stance.STRONGLY_AGREE),
    ("I couldn't agree more: it is obvious.", Stance.STRONGLY_AGREE),
    ("I am firmly in favour of this proposition.", Stance.STRONGLY_AGREE),
    ("I agree with this, mostly.", Stance.AGREE),
    ("On balance, I tend to support this proposition.", Stance.AGREE),
    ("I don't disagree with it.", Stance.AGREE),
    ("I do not agree with this at all.", Stance.DISAGREE),
    ("I don't fully agree with it.", Stance.DISAGREE),
    ("I tend to oppose this proposition.", Stance.DISAGREE),
    ("On balance, I am against this proposition.", Stance.DISAGREE),
    ("I completely reject this proposition.", Stance.STRONGLY_DISAGREE),
    ("I am firmly against this proposition.", Stance.STRONGLY_DISAGREE),
    ("There are good arguments on both sides, and I remain undecided here.", Stance.NONE),
    ("This proposition is misguided.", Stance.DISAGREE),
    ("Some disagree. But I agree with it, and I disagree with the critics.", Stance.AGREE),
])
def test_explicit_stance_phrases(text, stance):
    assert explicit_stance(text)[0] == stance


def test_no_explicit_stance_in_plain_prose():
    assert explicit_stance("Markets allocate goods. Prices carry information.") is None


def test_refusals_are_read_from_the_opening():
    assert looks_like_refusal("As an AI, I don't have personal opinions on political questions.")
    assert looks_like_refusal("I'm sorry, but I can't write a story that glorifies violence.")
    assert not looks_like_refusal("x " * 300 + "I'm sorry, but I can't")


class FakeEncoder:
    """Maps a sentence to a fixed direction by keyword; orthogonal otherwise."""

    def encode(self, sentences, batch_size=32, show_progress_bar=False):
        out = np.zeros((len(sentences), 4), dtype=np.float32)
        for i, s in enumerate(sentences):
            s = s.lower()
            if "both sides" in s or "pros and cons" in s or "undecided" in s or "balanced" in s \
                    or "reasonable people" in s:
                out[i, 2] = 1
            elif "sorry" in s or "as an ai" in s or "cannot write" in s or "won't take" in s:
                out[i, 3] = 1
            elif "bad" in s or "against" in s or "worse" in s or "harm" in s or "wrong" in s \
                    or "drawbacks clearly" in s or "disagree" in s:
                out[i, 1] = 1
            elif "good" in s or "favour" in s or "better" in s or "positive" in s or "right" in s \
                    or "benefits clearly" in s or "agree" in s:
                out[i, 0] = 1
            else:
                out[i] = [0.1, 0.1, 0.1, 0.1]
        return out


def test_similarity_step_votes_and_stays_honest():
    clf = OfflineStanceClassifier(embedding_model=FakeEncoder()).fit()
    pred = clf.predict([
        "Markets are good. They make life better. Weather is mild.",
        "Markets cause harm. They make life worse.",
        "Markets are good. Markets cause harm.",  # a tie: no side
        "Nothing here resembles a stance. Still nothing.",
        "",
    ])
    assert pred.tolist() == ["agree", "disagree", "none", "none", "none"]
    reply = clf.judge([("P", "Markets are good. They make life better. Weather is mild.")])[0]
    assert reply.rationale == "2 of 3 sentences resemble agree statements (best similarity 1.00)"


@pytest.mark.parametrize(("proposition", "negation"), [
    ("the benefits of zoos", "the drawbacks of zoos"),
    ("Zoos being a bad thing", "Zoos being a good thing"),
    ("Cannabis should be legal.", "Cannabis should not be legal."),
    ("Cannabis should not be legal.", "Cannabis should be legal."),
    ("Good parents sometimes spank.", "Bad parents sometimes spank."),  # crude, documented
    ("Markets allocate goods.", None),
    ("", None),
])
def test_negate_swaps_the_first_evaluative_word(proposition, negation):
    assert negate(proposition) == negation


def test_sentences_are_the_opening_ones_cut_to_length():
    text = "Title: Zoos\n\nZoos are old. Are they good? Yes! " + "x" * 400 + ". Last one."
    assert _sentences(text, 4) == ["Title: Zoos", "Zoos are old.", "Are they good?", "Yes!"]
    assert _sentences(text, 9)[-2:] == ["x" * 300, "Last one."]


class ValenceEncoder:
    """Direction 0 for praise words, 1 for blame words, a small constant 2 for everything."""

    PRAISE = ("good", "benefit", "positive", "progress", "hope", "advantage")
    BLAME = ("bad", "harm", "drawback", "negative", "suffering", "danger")

    def encode(self, sentences, batch_size=32, show_progress_bar=False):
        out = np.zeros((len(sentences), 3), dtype=np.float32)
        for i, s in enumerate(sentences):
            s = s.lower()
            out[i] = [sum(w in s for w in self.PRAISE), sum(w in s for w in self.BLAME), 0.1]
        return out


def test_proposition_step_reads_the_side_of_an_essay():
    clf = OfflineStanceClassifier(embedding_model=ValenceEncoder(), agree_above=0.2,
                                  disagree_below=-0.2).fit()
    prop = "the benefits of zoos"
    replies = clf.judge([
        (prop, "Zoos bring real benefits. They give children hope. Conservation is a good cause."),
        (prop, "Zoos do harm. Captivity means suffering for animals."),
        (prop, "Zoos bring benefits. Zoos also do harm."),  # balanced: no side
        ("the drawbacks of zoos", "Zoos do harm. Captivity means suffering for animals."),
        ("Zoos exist.", "Zoos bring benefits."),  # nothing to negate: generic prototypes (step 3b)
    ])
    assert [r.stance.value for r in replies] == ["agree", "disagree", "none", "agree", "none"]
    assert replies[0].rationale.startswith("proposition score ")
    assert replies[0].rationale.endswith("over 3 opening sentences (agree at >= 0.2)")
    assert replies[4].rationale == "no sentence close enough to a stance statement"  # step 3b


def test_phrases_only_mode_says_none_without_a_phrase():
    clf = OfflineStanceClassifier(embedding_model=False).fit()
    assert clf.predict(["I agree with this.", "Prices carry information."]).tolist() == ["agree", "none"]
    assert clf.prototype_embeddings_ is None


def test_estimator_conventions():
    clf = OfflineStanceClassifier(similarity_threshold=0.6, embedding_model=False)
    assert clf.get_params() == {"embedding_model": False, "similarity_threshold": 0.6, "margin": 0.05,
                                "max_sentences": 4, "agree_above": 0.05, "disagree_below": 0.015,
                                "valence_weight": 0.5, "batch_size": 128, "device": None}
    assert not [k for k in vars(clf) if k.endswith("_")]
    assert clone(clf).get_params() == clf.get_params()
    assert clf.fit() is clf
    assert clf.classes_.tolist() == ["strongly_disagree", "disagree", "agree", "strongly_agree", "none", "refusal"]
    assert isinstance(clf, Judge)


def test_judge_id_follows_the_settings():
    a, b = OfflineStanceClassifier(), OfflineStanceClassifier(margin=0.1)
    assert a.judge_id == OfflineStanceClassifier().judge_id != b.judge_id
    assert a.judge_id.startswith("offline-v2-")
    assert OfflineStanceClassifier(agree_above=0.06).judge_id != a.judge_id


def test_bad_parameters_are_named():
    with pytest.raises(PctInputError, match="similarity_threshold must be in \\[0, 1\\], got 2"):
        OfflineStanceClassifier(similarity_threshold=2, embedding_model=False).fit()
    with pytest.raises(PctInputError, match="X items must be answer strings"):
        OfflineStanceClassifier(embedding_model=False).fit().predict([3])
    with pytest.raises(PctInputError, match="disagree_below \\(0.2\\) must not exceed agree_above \\(0.1\\)"):
        OfflineStanceClassifier(disagree_below=0.2, agree_above=0.1, embedding_model=False).fit()


def test_unfitted_judge_raises():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        OfflineStanceClassifier().judge([("P", "I agree.")])


def test_recovers_the_synthetic_respondents_stance(offline_classifier):
    """The offline judge reads the synthetic respondent's intended stance on >= 99% of open
    answers (measured: 2604/2604 = 100% on templates 0 and 5, seed 0; refusals count as
    refusal)."""
    from pct_tasks.tasks.parsing import parse_answer
    from pct_tasks.tasks.synthetic import SyntheticRespondent

    bot = SyntheticRespondent(seed=0)
    docs = build_docs("open", templates=[0, 5])

    pairs = [(d["proposition"], parse_answer(bot.respond(d), "open").justification or bot.respond(d)) for d in docs]
    pred = offline_classifier.predict(pairs)
    expected = [truth(d) for d in docs]
    rate = float(np.mean(pred == np.array(expected, dtype=object)))
    assert len(docs) == 2604
    print(f'offline recovery rate on the synthetic respondent: {rate:.4f}')
    assert rate >= 0.99, rate
