"""The synthetic respondent: a deterministic fake model, registered in lm-eval as ``pct-synthetic``.

It exists so that the whole pipeline can run, be tested and be benchmarked without weights.
Everything it does is known in advance:

* **Stance.** For a document it forms a latent score::

      z = opinion[p] + leaning * d[p] + orientation[o] * d[p] + age/class effects + noise

  where ``opinion[p]`` is its own seeded view of proposition ``p``, ``d[p]`` is +1 when
  agreeing moves the compass right/authoritarian and -1 when it moves left/libertarian
  (from the weight tables), ``orientation`` is the planted political-orientation effect
  (far left -2, mainstream left -1, mainstream right +1, far right +2), age and class carry
  small planted effects, gender and nation none, and ``noise`` is a hash of (seed, variant,
  proposition). ``z`` is cut at -1, 0, 1 into the four answers; an open answer within
  ``NONE_BAND`` of zero takes no side.
* **Justifications** come from ``resources/synthetic_bank.json``: each (proposition, side)
  has three planted argument frames ("tropes"), each written three ways; an answer uses two
  of them, with hedges and filler sentences as noise. ``planted_tropes`` returns the truth.
* **Malformed output**: a few percent of answers are broken in the ways real models break
  them (code fences, chatter around the JSON, a missing brace, unescaped quotes, the choice
  written as prose, truncation) and a few are refusals. ``expected_label`` says what a
  correct parser must read, so expected coordinates are computable exactly.

Every answer it writes is marked as synthetic in the run's model name and config.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from statistics import NormalDist
from typing import Any

from pct_tasks.labels import ANSWERS, UNJUDGED, Setting, Stance
from pct_tasks.tasks.data import option_texts, propositions

MODEL_NAME = "pct-synthetic"
NONE_BAND = 0.12
ORIENTATION_EFFECT = {"far left": -2.0, "mainstream left": -1.0, "mainstream right": 1.0, "far right": 2.0}
AGE_EFFECT_PER_YEAR = 0.006  # older -> slightly more right/authoritarian
CLASS_EFFECT = {"lower class": -0.15, "middle class": 0.0, "upper middle class": 0.1, "upper class": 0.2}
# Gender and nation: no planted effect (analysis tests check that none is found).

MALFORMED_KINDS = ("fence", "chatter", "no_brace", "inner_quotes", "prose", "truncated")
_NORMAL = NormalDist()


def _u(*parts: Any) -> float:
    """A uniform number in (0, 1) from a hash of the parts: same on every machine."""
    h = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return (int.from_bytes(h, "big") + 0.5) / 2**64


def _pick(seq, *parts):
    return seq[int(_u(*parts) * len(seq))]


@cache
def _bank() -> dict[str, Any]:
    path = resources.files("pct_tasks.tasks.resources").joinpath("synthetic_bank.json")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _direction(pid: int) -> float:
    """+1 when agreeing moves the compass right/authoritarian, -1 when left/libertarian."""
    p = propositions()[pid]
    shift = (p.econ_weights[3] - p.econ_weights[0]) + (p.social_weights[3] - p.social_weights[0])
    return 1.0 if shift > 0 else -1.0 if shift < 0 else 0.0


@dataclass(frozen=True)
class Planned:
    """What the respondent intends for one document."""

    stance: Stance  # its position (an answer, or none for an undecided open answer)
    label: str  # what a correct parser reads: the stance, "invalid", "refusal" or "unjudged"
    malformed: str | None  # one of MALFORMED_KINDS, "refusal", or None
    tropes: tuple[str, ...]  # planted trope ids used in the justification


class SyntheticRespondent:
    """The respondent's logic, independent of lm-eval (``SyntheticLM`` wraps it).

    Args:
        seed: changes its own opinions and its noise.
        leaning: shifts every answer toward the right/authoritarian (> 0) or the
            left/libertarian (< 0) corner; 1.0 moves the latent score by one answer step.
        malformed_rate: share of answers written in a broken format.
        refusal_rate: share of answers that are refusals.
    """

    def __init__(self, seed: int = 0, leaning: float = 0.0, malformed_rate: float = 0.05,
                 refusal_rate: float = 0.01):
        self.seed = int(seed)
        self.leaning = float(leaning)
        self.malformed_rate = float(malformed_rate)
        self.refusal_rate = float(refusal_rate)

    # -- stance -------------------------------------------------------------------------
    def latent(self, doc: Mapping[str, Any]) -> float:
        pid = int(doc["proposition_id"])
        d = _direction(pid)
        opinion = 2.4 * (_u("opinion", self.seed, pid) - 0.5)
        shift = self.leaning
        category, persona = doc.get("category"), doc.get("persona")
        if category == "political_orientation":
            shift += ORIENTATION_EFFECT[persona]
        elif category == "age":
            shift += AGE_EFFECT_PER_YEAR * (float(persona) - 48)
        elif category == "cls":
            shift += CLASS_EFFECT[persona]
        template = 0.15 * _NORMAL.inv_cdf(_u("template", self.seed, doc.get("setting"), doc.get("template_id")))
        noise = 0.35 * _NORMAL.inv_cdf(_u("noise", self.seed, doc.get("variant"), pid))
        return opinion + shift * d + template + noise

    def stance(self, doc: Mapping[str, Any]) -> Stance:
        z = self.latent(doc)
        if doc.get("setting") == Setting.OPEN and abs(z) < NONE_BAND:
            return Stance.NONE
        return ANSWERS[0 if z < -1 else 1 if z < 0 else 2 if z < 1 else 3]

    # -- planning ------------------------------------------------------------------------
    def plan(self, doc: Mapping[str, Any]) -> Planned:
        stance = self.stance(doc)
        key = doc.get("doc_key")
        tropes = planted_tropes(doc["proposition_id"], stance, key)
        r = _u("format", self.seed, key)
        if r < self.refusal_rate:
            return Planned(stance, Stance.REFUSAL.value, "refusal", ())
        malformed = None
        if r < self.refusal_rate + self.malformed_rate:
            malformed = _pick(MALFORMED_KINDS, "kind", self.seed, key)
        open_ = doc.get("setting") == Setting.OPEN
        if open_:
            label = UNJUDGED
        elif malformed == "truncated":
            label = Stance.INVALID.value
        else:
            label = stance.value
        return Planned(stance, label, malformed, tropes)

    # -- writing -------------------------------------------------------------------------
    def justification(self, doc: Mapping[str, Any], plan: Planned) -> str:
        bank, key, pid = _bank(), doc.get("doc_key"), int(doc["proposition_id"])
        topic = bank["topics"][pid]
        sentences = []
        for trope in plan.tropes:
            frame = int(trope.rsplit("f", 1)[1])
            text = _pick(bank["frames"][frame], "para", self.seed, key, trope).format(topic=topic)
            hedge = _pick(bank["hedges"], "hedge", self.seed, key, trope)
            sentences.append(hedge + (text[0].lower() + text[1:] if hedge else text))
        if _u("filler", self.seed, key) < 0.5:
            sentences.insert(int(_u("filler-at", key) * 3), _pick(bank["fillers"], "fill", self.seed, key))
        return " ".join(sentences)

    def respond(self, doc: Mapping[str, Any]) -> str:
        """The raw text the respondent generates for one PCT document."""
        plan = self.plan(doc)
        if plan.malformed == "refusal":
            return _pick(_bank()["refusals"], "refusal", self.seed, doc.get("doc_key"))
        body = self.justification(doc, plan)
        if doc.get("setting") == Setting.OPEN:
            lead = _pick(_bank()["open_lead"][plan.stance.value], "lead", self.seed, doc.get("doc_key"))
            obj = {"response": f"{lead} {body}"}
            selection = None
        else:
            selection = _option_text(plan.stance, doc.get("options") or option_texts())
            obj = {"selection": selection, "response": body}
        return _malform(obj, plan.malformed, selection)


def _option_text(stance: Stance, options) -> str:
    for option in options:
        if option.lower().replace(" ", "_") == stance.value:
            return option
    return stance.display


def _malform(obj: dict[str, str], kind: str | None, selection: str | None) -> str:
    text = json.dumps(obj, ensure_ascii=False)
    if kind is None:
        return text
    if kind == "fence":
        return f"```json\n{json.dumps(obj, indent=2, ensure_ascii=False)}\n```"
    if kind == "chatter":
        return f"Sure, here is my answer:\n{text}\nI hope this helps."
    if kind == "no_brace":
        return text[:-1]
    if kind == "inner_quotes":
        first, second, rest = (obj["response"].split(" ", 2) + ["", ""])[:3]
        quoted = f'{first} "{second}" {rest}'.rstrip()  # bare, unescaped quotes inside
        fields = [f'"selection": "{selection}"'] if selection else []
        fields.append(f'"response": "{quoted}"')
        return "{" + ", ".join(fields) + "}"
    if kind == "prose":
        if selection is None:
            return obj["response"]
        return f"I'd select '{selection}'. {obj['response']}"
    if kind == "truncated":
        return '{"response": "' + obj["response"][: max(10, len(obj["response"]) // 2)]
    raise ValueError(kind)


def planted_tropes(proposition_id: int, stance: Stance | str, doc_key: str | None = None) -> tuple[str, ...]:
    """The trope ids a justification uses: ``p{id}-{side}-f{frame}``.

    Each (proposition, side) owns three frames of the twelve in the bank; an answer uses
    two of them (chosen from ``doc_key``). Without ``doc_key``, all three are returned: the
    planted tropes of that group. An undecided answer uses none.
    """
    side = Stance(stance).direction
    if side == "none":
        return ()
    n_frames = len(_bank()["frames"])
    order = sorted(range(n_frames), key=lambda f: _u("frames", proposition_id, side, f))
    group = [f"p{proposition_id}-{side}-f{f}" for f in sorted(order[:3])]
    if doc_key is None:
        return tuple(group)
    skip = int(_u("skip", doc_key) * 3)
    return tuple(t for i, t in enumerate(group) if i != skip)


def trope_sentences(trope_id: str) -> tuple[str, ...]:
    """The three phrasings of a planted trope (without hedges)."""
    pid = int(trope_id.split("-")[0][1:])
    frame = int(trope_id.rsplit("f", 1)[1])
    topic = _bank()["topics"][pid]
    return tuple(t.format(topic=topic) for t in _bank()["frames"][frame])


def filler_sentences() -> tuple[str, ...]:
    return tuple(_bank()["fillers"])


def expected_label(doc: Mapping[str, Any], seed: int = 0, leaning: float = 0.0, **kwargs: Any) -> str:
    """What a correct parser reads from the respondent's answer to ``doc``."""
    return SyntheticRespondent(seed, leaning, **kwargs).plan(doc).label


__all__ = [
    "MODEL_NAME",
    "Planned",
    "SyntheticRespondent",
    "expected_label",
    "filler_sentences",
    "planted_tropes",
    "trope_sentences",
]
