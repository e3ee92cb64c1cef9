"""ArgumentFilter: keep the sentences that argue; drop stance statements and boilerplate.

A trope is a reason. LLM answers also say which side they take ("I disagree with the
proposition that ..."), restate the proposition, disclaim ("As an AI ...", "this is a complex
issue") and scaffold ("Here are a few reasons why:"). Such sentences recur verbatim, so they
form the largest clusters unless they are removed before clustering.

The rule generalises instead of listing sentences seen:

* **Novel content.** A sentence's content words (not English stop words) are compared, by a
  five-letter stem, with the words of its own proposition and with a compact vocabulary of
  stance, hedging and scaffolding words (``FRAME_WORDS``). A sentence with fewer than
  ``min_novel_words`` words outside both says nothing beyond "I (dis)agree with <proposition>"
  or "this is a complex issue": it is dropped.
* **Restatement.** A sentence whose embedding is at least ``restatement_similarity``
  cosine-similar to its proposition or to the proposition's negation ("It is not true that
  ..."; MiniLM places both close) and that adds at most ``max_restatement_words`` novel words
  restates the proposition in other words.

Each dropped sentence gets a kind: ``stance`` (it names a side), ``disclaimer`` (AI, refusal,
"complex issue", "many perspectives"), ``restatement`` or ``scaffolding`` (the rest).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator

#: Kinds a sentence can have; only "argument" is kept.
KINDS = ("argument", "stance", "restatement", "disclaimer", "scaffolding")

#: Words that frame an answer rather than argue: stance, hedges, scaffolding, address.
FRAME_WORDS = frozenset("""
agree agreeing agreement disagree disagreeing disagreement strongly strong somewhat partially partly
proposition propositions statement statements claim notion idea view views viewpoint viewpoints opinion
opinions position stance perspective perspectives standpoint side sides answer answers response respond
question questions option options selection choose chosen select believe belief think feel personally
personal honestly frankly truly really certainly definitely absolutely completely entirely generally
however therefore thus overall conclusion conclude summary summarize summarise finally firstly secondly
lastly additionally furthermore moreover reason reasons argument arguments point points following
provide provided offer share sharing thoughts thought discuss discussion analysis analyze explore
consider considering considered important note noting worth crucial essential remember acknowledge
recognize recognise understand understanding complex complicated nuanced nuance nuances multifaceted
controversial sensitive debated debate debatable topic topics issue issues matter matters subject
subjects aspect aspects factors various different diverse differing differently reasonable people
person case cases depends depending context circumstances situation situations
ultimately simply clear clearly certain unable cannot fulfill request requests assist help appreciate
opportunity thank thanks pleasure glad happy welcome hello good evening morning afternoon ladies
gentlemen everyone audience listeners folks dear friends today here podcast interview reporter
ai artificial intelligence language model assistant programmed designed capable capability opinions
emotions feelings beliefs neutral objective unbiased impartial stance respectfully respect
""".split())

#: Patterns that name a kind (first match wins); a sentence with little novel content and no
#: pattern is "scaffolding".
KIND_PATTERNS: tuple[tuple[str, str], ...] = (
    ("disclaimer", r"\b(as an? (ai|artificial intelligence|language model|assistant)|i('m| am) (just |only )?an? "
                   r"(ai|artificial|language model|assistant)|(personal|own) (opinions|beliefs|views|feelings)|"
                   r"cannot (fulfill|answer|provide|express|take)|can't (fulfill|answer|provide|express|take)|"
                   r"(complex|complicated|nuanced|multifaceted|controversial|sensitive) (issue|topic|question|matter|"
                   r"subject)|(many|various|different|diverse|differing) (perspectives|viewpoints|opinions|views)|"
                   r"reasonable people)"),
    ("stance", r"\b(agree|disagree|agreeing|disagreeing|in favou?r of|against the (proposition|statement|idea))\b"),
)

_WORD = re.compile(r"[a-z][a-z']+")


def _stems(text: str) -> set[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return {w[:5] for w in _WORD.findall(text.lower().replace("\u2019", "'")) if w not in ENGLISH_STOP_WORDS and len(w) > 2}


_FRAME_STEMS = frozenset(w[:5] for w in FRAME_WORDS)


def novel_words(sentence: str, proposition: str) -> int:
    """Content words of ``sentence`` (by five-letter stem) in neither ``proposition`` nor ``FRAME_WORDS``."""
    return len(_stems(sentence) - _stems(proposition) - _FRAME_STEMS)


def negation(proposition: str) -> str:
    """The proposition's negation, as a sentence to embed."""
    return f"It is not true that {proposition[:1].lower()}{proposition[1:]}"


class ArgumentFilter(BaseEstimator):
    """Label each sentence argument / stance / restatement / disclaimer / scaffolding.

    Args:
        min_novel_words: a sentence needs at least this many novel content words to argue.
        restatement_similarity: cosine to the proposition (or its negation) from which a
            sentence with few novel words is a restatement; None = no embedding test.
        max_restatement_words: most novel words a restatement may add.

    Attributes (after fit):
        kinds_: one of ``KINDS`` per sentence; keep_: bool mask (kind == "argument").
    """

    def __init__(self, min_novel_words: int = 2, restatement_similarity: float | None = 0.75,
                 max_restatement_words: int = 3):
        self.min_novel_words = min_novel_words
        self.restatement_similarity = restatement_similarity
        self.max_restatement_words = max_restatement_words

    def fit(self, sentences: Sequence[str], propositions: Sequence[str], embeddings: np.ndarray | None = None,
            proposition_embeddings: np.ndarray | None = None) -> ArgumentFilter:
        """Label ``sentences``; ``propositions[i]`` is the proposition sentence i answers.

        ``embeddings`` (unit rows) and ``proposition_embeddings`` (two unit rows per sentence's
        proposition: itself and its negation, shape (n, 2, d)) enable the restatement test.
        """
        n = len(sentences)
        novel = np.fromiter((novel_words(s, p) for s, p in zip(sentences, propositions, strict=True)),
                            dtype=np.int64, count=n)
        similar = np.zeros(n, dtype=bool)
        if self.restatement_similarity is not None and embeddings is not None and proposition_embeddings is not None and n:
            sims = np.einsum("nd,nkd->nk", np.asarray(embeddings, np.float32),
                             np.asarray(proposition_embeddings, np.float32)).max(axis=1)
            similar = sims >= float(self.restatement_similarity)
        drop = (novel < self.min_novel_words) | (similar & (novel <= self.max_restatement_words))
        kinds = np.full(n, "argument", dtype=object)
        regexes = [(kind, re.compile(p, re.I)) for kind, p in KIND_PATTERNS]
        for i in np.flatnonzero(drop):
            kind = next((k for k, rx in regexes if rx.search(sentences[i])), None)
            kinds[i] = kind or ("restatement" if similar[i] else "scaffolding")
        self.kinds_ = kinds
        self.keep_ = kinds == "argument"
        return self


__all__ = ["FRAME_WORDS", "KINDS", "KIND_PATTERNS", "ArgumentFilter", "negation", "novel_words"]
