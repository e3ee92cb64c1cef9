"""SentenceSplitter: the project's one sentence splitter (``pct_tasks.sentences``) as a
pipeline stage, with the trope miner's filters (length, boilerplate).

A regex splitter instead of spaCy: spaCy spent most of the paper pipeline's cold time; the
test suite pins the cases that matter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pct_tasks.sentences import split_sentences
from trope_analysis.base import BaseSplitter

#: Sentences that carry no argument: assistant disclaimers, answer scaffolding.
DEFAULT_BOILERPLATE: tuple[str, ...] = (
    r"^as an? (ai|artificial intelligence|language model|assistant)\b",
    r"^i('m| am) an? (ai|artificial intelligence|language model)\b",
    r"^(here is|here's) (my|the|a) (response|answer|opinion|statement)\b",
    r"^(in conclusion|in summary|to summarize|overall)[,:]?$",
    r"^(thank you|thanks)\b",
    r"^(selection|response|answer)\s*:",
)


class SentenceSplitter(BaseSplitter):
    """Split texts into sentences with regexes; filter by length and boilerplate.

    Args:
        min_chars: keep sentences of at least this many characters (21 = the paper's
            "longer than 20 characters").
        max_chars: drop sentences longer than this (None: no limit); guards against run-on
            answers with no punctuation.
        drop_patterns: regexes (case-insensitive, matched against the stripped sentence) of
            boilerplate to drop. None = ``DEFAULT_BOILERPLATE``; ``()`` keeps everything.
        split_lines: treat line breaks as sentence boundaries (list items, headings).

    Example:
        >>> SentenceSplitter(min_chars=5).fit_transform(["Taxes fund schools. E.g. in the U.S. they do."])
        [['Taxes fund schools.', 'E.g. in the U.S. they do.']]
    """

    def __init__(
        self,
        min_chars: int = 21,
        max_chars: int | None = None,
        drop_patterns: Sequence[str] | None = None,
        split_lines: bool = True,
    ):
        self.min_chars = min_chars
        self.max_chars = max_chars
        self.drop_patterns = drop_patterns
        self.split_lines = split_lines

    def fit(self, texts: Sequence[str] | None = None, y=None) -> SentenceSplitter:
        if not isinstance(self.min_chars, int) or self.min_chars < 0:
            raise ValueError(f"SentenceSplitter: min_chars must be an int >= 0, got {self.min_chars!r}")
        if self.max_chars is not None and self.max_chars < self.min_chars:
            raise ValueError(
                f"SentenceSplitter: max_chars must be None or >= min_chars, got {self.max_chars!r}"
            )
        patterns = DEFAULT_BOILERPLATE if self.drop_patterns is None else tuple(self.drop_patterns)
        self.drop_regex_ = re.compile("|".join(f"(?:{p})" for p in patterns), re.I) if patterns else None
        return self

    def transform(self, texts: Sequence[str]) -> list[list[str]]:
        if not hasattr(self, "drop_regex_"):
            self.fit()
        return [self._split_one(t) for t in texts]

    def split_sentences(self, text: str) -> list[str]:
        """All sentences of one text, before filtering (``pct_tasks.sentences``)."""
        return split_sentences(text, split_lines=self.split_lines)

    def _split_one(self, text: str) -> list[str]:
        kept = []
        for sentence in self.split_sentences(text or ""):
            n = len(sentence)
            if n < self.min_chars or (self.max_chars is not None and n > self.max_chars):
                continue
            if self.drop_regex_ is not None and self.drop_regex_.search(sentence):
                continue
            kept.append(sentence)
        return kept


__all__ = ["DEFAULT_BOILERPLATE", "SentenceSplitter"]
