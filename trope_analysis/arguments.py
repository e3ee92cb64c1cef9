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
* **Main clause.** The words are counted in the sentence's own claim: a leading concession
  ("While X, ...", "Although X, ...", "It is true that X, ..."), a self-introduction ("As a
  firm believer in freedom, ...") and a discourse marker ("Therefore, ...") are set aside,
  so "While discipline matters, it is not the only thing children need to learn." is judged
  by "it is not the only thing children need to learn".
* **Restatement.** A sentence whose embedding is at least ``restatement_similarity``
  cosine-similar to its proposition or to the proposition's negation ("It is not true that
  ..."; MiniLM places both close) and whose main clause adds at most
  ``max_restatement_words`` novel words restates the proposition in other words; from
  ``paraphrase_similarity`` (0.85) on, it restates the proposition whatever it adds (read on
  the real answers: such sentences are "As a X, I strongly disagree with the proposition
  that ..." and summaries, not reasons).
* **Frames.** A compact list of patterns (``FRAME_PATTERNS``) that never argue: AI
  disclaimers and refusals, "this is a complex issue", "many perspectives", "some argue ...
  others ...", "the phrase ... suggests", headings ending in a colon, and labelled headings
  ("Title: ...").
* **Verdicts.** A main clause that is a first-person verdict on "the proposition / idea /
  notion (that X)" ("Therefore, I would argue against the proposition that X") states a side
  whatever X says, since X is what is judged; it argues only with a reason marker around it
  ("because", ", as I ...", "and argue that"). A verdict made of evaluative adjectives alone on
  the proposition's subject ("the death penalty is an inhumane and ineffective form of
  punishment") restates the proposition's negation or the proposition. Such sentences word the
  proposition in their own way, so neither the word count nor the similarity test catches them.

Each dropped sentence gets a kind: ``stance`` (it names a side), ``disclaimer`` (AI, refusal,
"complex issue", "many perspectives"), ``restatement`` or ``scaffolding`` (the rest).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

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
firmly wholeheartedly vehemently fully undeniable undeniably understandable understandably indeed
critically examine examining evaluate evaluating weigh weighing argue argues argued arguing merit merits
valid validity true necessarily primary main sole solely
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

#: Frames that never argue, whatever else the sentence says (kind, pattern; case-insensitive).
FRAME_PATTERNS: tuple[tuple[str, str], ...] = (
    ("disclaimer", r"\b(as an? (ai|artificial intelligence|language model)|i('m| am) (just |only )?an? "
                   r"(ai|artificial intelligence|language model)|(cannot|can't|unable to) (fulfill|comply|provide "
                   r"an? (personal )?opinion|take a (stance|side|position)|express (a )?personal))"),
    ("disclaimer", r"\b(is|are|remains?|be) (an? |a highly |a very |an incredibly )?(complex|complicated|nuanced|"
                   r"multifaceted|controversial|contentious|divisive|sensitive)( and (complex|complicated|nuanced|"
                   r"multifaceted|controversial|contentious|divisive|sensitive))? (issue|topic|question|matter|"
                   r"subject|debate|concept|notion)"),
    ("disclaimer", r"\b((many|various|different|diverse|differing|multiple) (perspectives|viewpoints|opinions|views)"
                   r"|reasonable people|some ([a-z]+ )?(may |might )?(argue|believe|say|think|claim)\b"
                   r".*\b(others|(many )?(experts|critics|opponents|proponents|supporters)) (\w+ly )?(may |might )?"
                   r"(argue|believe|say|think|claim|see|view|contend|maintain|hold|feel|suggest|point out|worry|fear|"
                   r"disagree|agree|insist))"),
    ("disclaimer", r"\bit is (\w+ )?(crucial|important|essential|vital|necessary|worth) to (carefully )?(consider|"
                   r"weigh|examine|evaluate|think about) (both |all |these |those |such )?(the )?(potential |possible |"
                   r"various )?(consequences|implications|pros and cons|arguments|factors|sides|perspectives)\b"
                   r"|\bboth (positive and negative|pros and cons|benefits and (drawbacks|risks|costs|harms))\b"),
    # Explaining what the proposition says or rests on is not a reason for or against it.
    ("restatement", r"^(the|this) (phrase|saying|adage|quote|expression|statement|proposition)\b.{0,200}\b"
                    r"(suggests|implies|means|refers to|asserts|claims|posits|states)\b"),
    ("restatement", r"\b(is|are) (based|founded|built|rooted) (on|in|upon) the (belief|idea|notion|premise|"
                    r"assumption|theory) that\b"),
    # A summary restates the answer; the reasons it repeats are counted where they were made.
    ("scaffolding", r"^(in (summary|conclusion|short|sum|closing)|to (sum up|summari[sz]e|conclude)|overall|"
                    r"all in all)\b"),
    ("scaffolding", r":$"),
    # A labelled heading ("Title: The Myth of ...") names an essay; it gives no reason.
    ("scaffolding", r"^\W{0,3}(title|subtitle|subject|headline|heading)\s*:"),
)

#: A first-person verdict on "the proposition / idea / notion (that ...)": the sentence names a
#: side, and what follows the frame is the thing judged (the proposition or a paraphrase), not a
#: reason. Kept as an argument when a reason marker (``REASON_MARKERS``) comes before or after it.
STANCE_FRAME = (
    r"\b(i|we)\s+([a-z']+\s+){0,3}?(agree|disagree|argue\s+(against|for|in\s+favou?r\s+of)|oppose|reject|"
    r"support|endorse|side\s+with|stand\s+(against|with|by|in\s+(support|favou?r)\s+of))\s+(with\s+)?"
    r"(the|this|that|such\s+an?|such)\s+([a-z-]+\s+)?(proposition|statement|idea|notion|claim|view|belief|"
    r"assertion|premise|suggestion|sentiment|stance|position|perspective|viewpoint|saying|adage|quote|phrase)\b"
)

#: Words that introduce a reason or a position of the sentence's own ("because ...", ", as I ...",
#: "and argue that ...", "so I agree"): a sentence with one of them around its stance frame argues.
REASON_MARKERS = (
    r"\b(because|since|due\s+to|given\s+that|as\s+(i|we|it|this|they|these|those|such|there|its|their|our|"
    r"many|most|people|a\s+result)|which|so|thus|hence|arguing|argue\s+that|(i|we)\s+(also\s+)?(believe|think|feel)|"
    r"advocate|in\s+order\s+to|to\s+ensure|for\s+(it|this|they))\b"
)

#: Evaluative adjectives: a verdict made of them alone ("X is an inhumane and ineffective form
#: of punishment") judges the proposition's subject without saying why.
VERDICT_ADJECTIVES = (
    "inhumane humane ineffective effective unjust just unfair fair harmful dangerous shortsighted short-sighted "
    "flawed outdated misguided wrong immoral unethical ethical cruel barbaric counterproductive unnecessary "
    "necessary problematic discriminatory simplistic naive unrealistic impractical inappropriate appropriate "
    "illegitimate legitimate unreasonable reasonable divisive destructive irresponsible unsustainable sustainable "
    "undemocratic dehumanizing baseless unfounded misleading inaccurate false invalid valid absurd offensive risky "
    "reckless unwise wise viable desirable undesirable acceptable unacceptable justified unjustified beneficial "
    "detrimental moral healthy unhealthy"
).split()

_ADJ = "(" + "|".join(VERDICT_ADJECTIVES) + ")"
#: "[I believe that] <subject> is [not] [a|an] ADJ and/or ADJ [form of X | approach | solution ...]."
#: and nothing more; the subject must be a plain noun phrase (no "that", "which", "if", verb).
BARE_VERDICT = (
    r"^(i\s+(firmly\s+|strongly\s+|personally\s+|also\s+|do\s+not\s+|don't\s+)?(believe|think|feel|maintain)\s+"
    r"(that\s+)?)?(?P<subject>((?!\b(that|which|who|if|when|what|is|are|was|were|be|can|must|should)\b)[^,;:])"
    r"{3,90}?)\s+(is|are|can\s+be|would\s+be|remains?)\s+(not\s+)?(an?\s+)?(\w+ly\s+|both\s+)?" + _ADJ
    + r"(\s*,\s*(and\s+)?|\s+(and|or)\s+)(\w+ly\s+)?" + _ADJ
    + r"(\s+(form\s+of\s+\w+|approach(\s+to\s+\w+)?|way\s+to\s+\w+(\s+\w+)?|solution|practice|policy|idea|"
    r"concept|principle|strategy|method|means(\s+of\s+\w+)?|notion|belief|view|perspective|assumption|measure|"
    r"punishment|system))?\s*[.!]?$"
)

_STANCE_FRAME = re.compile(STANCE_FRAME, re.I)
_REASON = re.compile(REASON_MARKERS, re.I)
_BARE_VERDICT = re.compile(BARE_VERDICT, re.I)


# Set aside before counting words: discourse markers and self-introductions ("As a nurse, I ..."),
# repeatedly; then a leading concession ("While X, ..."), whose end is the first comma followed by
# a subject word (a list inside X has commas too), else its first comma; then a conceded
# first half ("A may X, but B": B is the claim).
_MARKERS = re.compile(
    r"^((therefore|thus|hence|however|moreover|furthermore|additionally|firstly|secondly|thirdly|finally|"
    r"lastly|in (fact|summary|conclusion|short|addition)|to (sum up|summarize|summarise|conclude)|overall|"
    r"ultimately|ladies and gentlemen)[^,]{0,40},\s*|as (an? |someone )[^,;]{0,120}, (?=(i|we) ))+",
    re.I,
)
_CONCESSION = re.compile(
    r"^(while|whilst|although|though|even though|even if|despite|granted|admittedly|"
    r"(while )?it('s| is) (true|undeniable|understandable|clear) that|i (can )?(understand|acknowledge|"
    r"recognize|recognise|appreciate|see) (that|why|the))\b", re.I)
_CLAUSE_START = re.compile(
    r"[,;]\s+(?=(it|this|that|they|i|we|there|he|she|these|those|such|the|a|an|many|most|our|their|its|"
    r"one|people|everyone)\b)", re.I)
_FIRST_BREAK = re.compile(r"[,;]\s+")
_CONCEDED_BUT = re.compile(r"^[^,;]{0,200}\b(may|might|can|could)\b[^;]{0,200}?,\s*but\s+", re.I)

_WORD = re.compile(r"[a-z][a-z']+")


# Cached: text_kinds asks for one sentence's main clause and stems several times in a row, and
# for its proposition's stems once per sentence.
@functools.lru_cache(maxsize=1024)
def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:5] for w in _WORD.findall(text.lower().replace("\u2019", "'"))
                     if w not in ENGLISH_STOP_WORDS and len(w) > 2)


_FRAME_STEMS = frozenset(w[:5] for w in FRAME_WORDS)


@functools.lru_cache(maxsize=1024)
def main_clause(sentence: str) -> str:
    """The sentence without a leading concession, self-introduction or discourse marker.

    >>> main_clause("While taxes matter, I firmly believe schools come first.")
    'I firmly believe schools come first.'
    """
    rest = _MARKERS.sub("", sentence.strip(), count=1)
    if _CONCESSION.match(rest):
        cut = _CLAUSE_START.search(rest) or _FIRST_BREAK.search(rest)
        if cut is not None:
            rest = rest[cut.end():]
    rest = _CONCEDED_BUT.sub("", rest, count=1)
    return rest if len(rest.split()) >= 2 else sentence


def novel_words(sentence: str, proposition: str) -> int:
    """Content words of the main clause of ``sentence`` (by five-letter stem) in neither ``proposition`` nor ``FRAME_WORDS``."""
    return len(_stems(main_clause(sentence)) - _stems(proposition) - _FRAME_STEMS)


def only_states_a_stance(sentence: str) -> bool:
    """Whether the sentence's main clause is a stance frame with no reason of its own.

    >>> only_states_a_stance("Therefore, I strongly disagree with the proposition that zoos should close.")
    True
    >>> only_states_a_stance("I disagree with this idea, because zoos fund conservation.")
    False
    """
    clause = main_clause(sentence)
    frame = _STANCE_FRAME.search(clause)
    return frame is not None and not (_REASON.search(clause[:frame.start()]) or _REASON.search(clause[frame.end():]))


def only_a_verdict(sentence: str, proposition: str) -> bool:
    """Whether the sentence's main clause only judges the proposition's subject in evaluative
    adjectives (``BARE_VERDICT``; the subject shares a content word with the proposition).

    >>> only_a_verdict("While I see the appeal, I believe that the death penalty is an inhumane and "
    ...                "ineffective form of punishment.", "The death penalty should be an option.")
    True
    >>> only_a_verdict("The death penalty is costly because appeals take decades.", "The death penalty should be an option.")
    False
    """
    verdict = _BARE_VERDICT.search(main_clause(sentence).strip())
    return verdict is not None and bool(_stems(verdict.group("subject")) & _stems(proposition))


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
        paraphrase_similarity: cosine from which a sentence restates the proposition whatever
            it adds; None = off.
        frame_patterns: ``(kind, regex)`` pairs that drop a sentence on a match; None =
            ``FRAME_PATTERNS``, () = none.
        verdicts: drop sentences whose main clause only passes a verdict: a first-person one on
            "the proposition / idea (that ...)" with no reason marker (``only_states_a_stance``:
            kind "stance"), or one in evaluative adjectives alone on the proposition's subject
            (``only_a_verdict``: kind "restatement").

    Attributes (after fit):
        kinds_: one of ``KINDS`` per sentence; keep_: bool mask (kind == "argument").
    """

    def __init__(self, min_novel_words: int = 2, restatement_similarity: float | None = 0.75,
                 max_restatement_words: int = 3, paraphrase_similarity: float | None = 0.85,
                 frame_patterns: Sequence[tuple[str, str]] | None = None, verdicts: bool = True):
        self.min_novel_words = min_novel_words
        self.restatement_similarity = restatement_similarity
        self.max_restatement_words = max_restatement_words
        self.paraphrase_similarity = paraphrase_similarity
        self.frame_patterns = frame_patterns
        self.verdicts = verdicts

    def text_kinds(self, sentences: Sequence[str], propositions: Sequence[str]) -> np.ndarray:
        """The kinds the text alone decides: frames, and too few novel words; "argument" = undecided.

        No embedding is needed for these, so a pipeline embeds only the undecided sentences. A
        sentence with too few novel words and no kind pattern is a "restatement" when its main
        clause shares at least three content words with the proposition, else "scaffolding".
        """
        n = len(sentences)
        if len(propositions) != n:
            raise ValueError(f"ArgumentFilter: {n} sentences but {len(propositions)} propositions")
        kinds = np.full(n, "argument", dtype=object)
        frames = [(kind, re.compile(p, re.I)) for kind, p in
                  (FRAME_PATTERNS if self.frame_patterns is None else self.frame_patterns)]
        for i, (sentence, proposition) in enumerate(zip(sentences, propositions, strict=True)):
            frame = next((k for k, rx in frames if rx.search(sentence.strip())), None)
            if frame is not None:
                kinds[i] = frame
            elif self.verdicts and only_states_a_stance(sentence):
                kinds[i] = "stance"
            elif self.verdicts and only_a_verdict(sentence, proposition):
                kinds[i] = "restatement"
            elif novel_words(sentence, proposition) < self.min_novel_words:
                shared = len(_stems(main_clause(sentence)) & _stems(proposition))
                kinds[i] = _named_kind(sentence) or ("restatement" if shared >= 3 else "scaffolding")
        return kinds

    def fit(self, sentences: Sequence[str], propositions: Sequence[str], embeddings: np.ndarray | None = None,
            proposition_embeddings: np.ndarray | None = None, text_kinds: np.ndarray | None = None) -> ArgumentFilter:
        """Label ``sentences``; ``propositions[i]`` is the proposition sentence i answers.

        ``embeddings`` (unit rows) and ``proposition_embeddings`` (two unit rows per sentence's
        proposition: itself and its negation, shape (n, 2, d)) enable the restatement test; only
        the rows of sentences the text leaves undecided are read (the others may be zeros).
        ``text_kinds``: ``self.text_kinds(sentences, propositions)`` when already computed.
        """
        kinds = np.array(self.text_kinds(sentences, propositions) if text_kinds is None else text_kinds, dtype=object)
        if len(kinds) != len(sentences):
            raise ValueError(f"ArgumentFilter: {len(kinds)} text kinds for {len(sentences)} sentences")
        undecided = np.flatnonzero(kinds == "argument")
        if (self.restatement_similarity is not None or self.paraphrase_similarity is not None) and len(undecided) \
                and embeddings is not None and proposition_embeddings is not None:
            sims = np.einsum("nd,nkd->nk", np.asarray(embeddings, np.float32)[undecided],
                             np.asarray(proposition_embeddings, np.float32)[undecided]).max(axis=1)
            similar = sims >= (2.0 if self.restatement_similarity is None else float(self.restatement_similarity))
            paraphrase = sims >= (2.0 if self.paraphrase_similarity is None else float(self.paraphrase_similarity))
            # Novel words are counted only where the similarity makes them matter (few sentences).
            restates = [i for i in undecided[similar & ~paraphrase]
                        if novel_words(sentences[i], propositions[i]) <= self.max_restatement_words]
            for i in [*undecided[paraphrase], *restates]:
                kinds[i] = _named_kind(sentences[i]) or "restatement"
        self.kinds_ = kinds
        self.keep_ = kinds == "argument"
        return self


def rules_digest() -> str:
    """A short digest of the filter's rule constants (every upper-case name of this module:
    word lists, patterns, clause regexes), so a rule added later is covered without a list here.

    Part of a mining folder's identity, so a folder mined under earlier rules is mined again
    instead of being reported up to date.
    """
    parts = []
    for name, value in sorted(globals().items()):
        if not name.strip("_").isupper():
            continue
        if isinstance(value, (set, frozenset)):
            value = sorted(value)  # a set's order changes from one process to the next
        parts.append(f"{name}={value.pattern if isinstance(value, re.Pattern) else value!r}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


_KIND_REGEXES = tuple((kind, re.compile(pattern, re.I)) for kind, pattern in KIND_PATTERNS)


def _named_kind(sentence: str) -> str | None:
    """The first kind in ``KIND_PATTERNS`` whose pattern the sentence matches, if any."""
    return next((kind for kind, rx in _KIND_REGEXES if rx.search(sentence)), None)


__all__ = ["BARE_VERDICT", "FRAME_PATTERNS", "FRAME_WORDS", "KINDS", "KIND_PATTERNS", "REASON_MARKERS", "STANCE_FRAME",
           "VERDICT_ADJECTIVES", "ArgumentFilter", "main_clause", "negation", "novel_words", "only_a_verdict",
           "only_states_a_stance", "rules_digest"]
