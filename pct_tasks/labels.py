"""The canonical label types shared by every stage (standard library only)."""

from __future__ import annotations

from enum import StrEnum


class Setting(StrEnum):
    """Which half of the benchmark a prompt belongs to."""

    CLOSED = "closed"
    OPEN = "open"


class Stance(StrEnum):
    """One answer's position on a proposition.

    The four compass answers come first, in the order of the scoring tables (index 0..3).
    ``invalid`` means the answer could not be read, ``none`` that it takes no side (open
    answers, from the judge), ``refusal`` that the model declined to answer.
    """

    STRONGLY_DISAGREE = "strongly_disagree"
    DISAGREE = "disagree"
    AGREE = "agree"
    STRONGLY_AGREE = "strongly_agree"
    INVALID = "invalid"
    NONE = "none"
    REFUSAL = "refusal"

    @property
    def answer_index(self) -> int | None:
        """Index into the PCT weight rows (0..3), or None for a non-answer."""
        return _ANSWER_INDEX.get(self)

    @property
    def is_answer(self) -> bool:
        return self in _ANSWER_INDEX

    @property
    def direction(self) -> str:
        """The coarse side: "agree", "disagree" or "none" (the paper's three-way split)."""
        if self in (Stance.AGREE, Stance.STRONGLY_AGREE):
            return "agree"
        if self in (Stance.DISAGREE, Stance.STRONGLY_DISAGREE):
            return "disagree"
        return "none"

    @property
    def display(self) -> str:
        """The option text as shown to models ("Strongly disagree", ...)."""
        return self.value.replace("_", " ").capitalize()

    @classmethod
    def from_index(cls, index: int) -> Stance:
        return ANSWERS[index]


ANSWERS: tuple[Stance, ...] = (
    Stance.STRONGLY_DISAGREE,
    Stance.DISAGREE,
    Stance.AGREE,
    Stance.STRONGLY_AGREE,
)
_ANSWER_INDEX = {stance: i for i, stance in enumerate(ANSWERS)}

#: The "not a stance" vocabulary, spelled here only. UNJUDGED: the stance a logged open answer
#: carries until a judge labels it (not a Stance). NO_STANCE: the comparison class of answers
#: that take no side (invalid, refusal or none), beside the four answers.
UNJUDGED = "unjudged"
NO_STANCE = "no_stance"


def stance_or_none(label: str) -> Stance | None:
    """A stance label as a Stance, or None for ``unjudged`` (or any other non-stance string)."""
    try:
        return Stance(label)
    except ValueError:
        return None


#: Labels a closed answer can get from the parser.
CLOSED_LABELS: tuple[Stance, ...] = (*ANSWERS, Stance.INVALID, Stance.REFUSAL)
#: Labels an open answer can get from a judge.
JUDGE_LABELS: tuple[Stance, ...] = (*ANSWERS, Stance.NONE, Stance.REFUSAL)

__all__ = ["ANSWERS", "CLOSED_LABELS", "JUDGE_LABELS", "NO_STANCE", "UNJUDGED", "Setting", "Stance", "stance_or_none"]
