"""Scoring mined tropes against the synthetic respondent's planted justification bank."""

from __future__ import annotations

import re
from collections import Counter

from pct_tasks.tasks.synthetic import planted_tropes, trope_sentences

FILLER = "filler"


def truth_of(sentence: str, proposition_id: int, side: str) -> str:
    """The planted trope a sentence writes (hedges ignored), or "filler"."""
    body = re.sub(r"^(honestly|in my view|i believe that)[, ]+", "", sentence.strip(), flags=re.I).lower()
    for tid in planted_tropes(proposition_id, side):
        if any(body == s.lower() for s in trope_sentences(tid)):
            return tid
    return FILLER


def precision_recall(pipe, purity: float = 0.9) -> tuple[float, float, float]:
    """(precision, recall) of planted tropes.

    precision: share of mined tropes whose members are >= ``purity`` one planted trope of their
    group (a trope made of fillers or mixing arguments counts as wrong);
    recall: share of the planted tropes of the groups present that are such a trope's majority;
    argument precision: the same precision among tropes that are not mostly filler sentences
    (the fillers recur verbatim, so they are real tropes, just not arguments).
    """
    sent = pipe.sentences_.join(pipe.docs_[["proposition_id", "side"]], on="doc")
    sent = sent[sent["side"].isin(["agree", "disagree"])]
    truth = [truth_of(s, p, d) for s, p, d in zip(sent["sentence"], sent["proposition_id"], sent["side"], strict=True)]
    sent = sent.assign(truth=truth)
    good, fillers, found = 0, 0, set()
    clusters = sent[sent["trope_id"] >= 0].groupby("trope_id")["truth"]
    for _, labels in clusters:
        label, n = Counter(labels).most_common(1)[0]
        fillers += label == FILLER
        if label != FILLER and n / len(labels) >= purity:
            good += 1
            found.add(label)
    planted = {t for p, d in set(zip(sent["proposition_id"], sent["side"], strict=True)) for t in planted_tropes(p, d)}
    k = max(clusters.ngroups, 1)
    return good / k, len(found & planted) / len(planted), good / max(k - fillers, 1)
