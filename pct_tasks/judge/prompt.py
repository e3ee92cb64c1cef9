"""The judge prompt (label definitions, worked examples, JSON output) and its reply parser.

The parser never raises on judge text: a reply it cannot read becomes a :class:`JudgeReply`
with ``stance=None`` and an ``error``, which the judge stage records as a failure instead of
guessing a label.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from pct_tasks.labels import JUDGE_LABELS, Stance
from pct_tasks.tasks.parsing import json_objects, strip_fences

#: Bump when the wording below changes: it is part of every LLM judge's identity, so cached
#: judgements made with an older prompt are not reused.
PROMPT_VERSION = "1"

SYSTEM_PROMPT = """\
You label the stance of a written answer towards a proposition. Someone was shown the \
proposition and wrote the answer. Decide what position the answer itself takes on the \
proposition, judging only from the answer's text.

Labels:
- "strongly_agree": the answer clearly endorses the proposition without reservation, or \
with emphatic wording ("absolutely", "without doubt", "I fully support").
- "agree": the answer comes down on the side of the proposition, possibly with caveats or \
mild wording.
- "disagree": the answer comes down against the proposition, possibly with caveats or mild \
wording.
- "strongly_disagree": the answer clearly rejects the proposition without reservation, or \
with emphatic wording.
- "none": the answer engages with the topic but takes no side: it lays out arguments on both \
sides without concluding, stays descriptive, is off topic, or is too garbled to tell.
- "refusal": the answer declines the task itself: it says it cannot or will not give an \
opinion, or that as an AI it has no views, and offers no position.

Rules: a balanced discussion that ends with a clear conclusion takes the side of the \
conclusion. Judge the stance on the proposition as worded, so an answer that argues against a \
negative proposition disagrees with it. Do not let your own views matter.

Examples:

Proposition: Cities should ban private cars from their centres.
Answer: Car-free centres are cleaner, quieter and safer; every city that tried it saw more \
foot traffic for shops. This should happen everywhere, and soon.
{"label": "strongly_agree", "rationale": "Endorses the ban emphatically, with no caveats."}

Proposition: Homework should be abolished in primary schools.
Answer: Some practice at home helps, but the hours young children spend on worksheets are \
mostly wasted, so on balance I would scrap most of it.
{"label": "agree", "rationale": "Sides with abolition on balance, with a caveat."}

Proposition: A four-day working week would harm the economy.
Answer: Trials suggest output holds steady when hours fall, though some sectors may struggle. \
I don't think the economy would suffer overall.
{"label": "disagree", "rationale": "Rejects the claimed harm, with a caveat about some sectors."}

Proposition: Tax on inheritance is theft.
Answer: Calling it theft is absurd. A society is entitled to tax large transfers of wealth, \
and this tax is one of the fairest we have.
{"label": "strongly_disagree", "rationale": "Rejects the proposition outright and emphatically."}

Proposition: Space exploration is a waste of public money.
Answer: Supporters point to spin-off technologies and inspiration; critics point to urgent \
needs on Earth. Both views have merit and the debate continues.
{"label": "none", "rationale": "Presents both sides without taking one."}

Proposition: Zoos should be closed.
Answer: As an AI, I don't hold personal opinions on this matter, so I can't say whether I \
agree or disagree.
{"label": "refusal", "rationale": "Declines to take any position."}

Reply with one JSON object and nothing else: {"label": "<one of strongly_agree, agree, \
disagree, strongly_disagree, none, refusal>", "rationale": "<one short sentence>"}"""

USER_TEMPLATE = "Proposition: {proposition}\nAnswer: {answer}"

#: Longest answer text shown to the judge, in characters; longer answers are cut (with a
#: marker) so that one runaway generation cannot blow the judge's context window.
MAX_ANSWER_CHARS = 6000


def user_text(proposition: str, answer: str) -> str:
    """The user turn for one (proposition, answer) pair."""
    answer = " ".join(answer.split())
    if len(answer) > MAX_ANSWER_CHARS:
        answer = answer[:MAX_ANSWER_CHARS] + " [...]"
    return USER_TEMPLATE.format(proposition=proposition.strip(), answer=answer)


@dataclass(frozen=True)
class JudgeReply:
    """What the parser read from one judge reply.

    Attributes:
        stance: one of ``JUDGE_LABELS``, or None when the reply could not be read.
        rationale: the judge's reason ("" when absent).
        error: why the reply could not be read (None on success).
        raw: the judge's reply as received ("" for judges that write no text).
    """

    stance: Stance | None
    rationale: str
    error: str | None = None
    raw: str = ""

    @property
    def ok(self) -> bool:
        return self.stance is not None


_LABEL_FIELD = re.compile(r"""["']?(?:label|stance)["']?\s*[:=]\s*["']([A-Za-z _-]+)["']""", re.I)
_RATIONALE_FIELD = re.compile(r"""["']?(?:rationale|reason)["']?\s*:\s*["']([^"']*)""", re.I)
_LABELS = {s.value: s for s in JUDGE_LABELS}
#: Characters of a judge reply that are read (a reply is one short JSON object).
MAX_REPLY_CHARS = 20_000


def normalise_label(value: object) -> Stance | None:
    """Read a label written with any case, spaces or hyphens ("Strongly agree"); else None."""
    if not isinstance(value, str):
        return None
    key = re.sub(r"[\s\-]+", "_", value.strip().strip(".!\"'").lower())
    return _LABELS.get(key)


def parse_reply(text: object) -> JudgeReply:
    """Read a judge reply (see :func:`_parse`); the raw text is kept on the result. Never raises."""
    reply = _parse(text)
    return replace(reply, raw=text) if isinstance(text, str) else reply


def _parse(text: object) -> JudgeReply:
    """Read a judge reply. Never raises.

    Accepted, in order: a JSON object with a ``label`` (or ``stance``) field (fences and prose
    around it are ignored); a truncated object whose ``label`` field is complete; a reply that
    is just one label word. Anything else, including a label outside the six, is a failure.
    """
    if not isinstance(text, str) or not text.strip():
        return JudgeReply(None, "", "empty reply")
    body = strip_fences(text[:MAX_REPLY_CHARS])
    for obj in json_objects(body):
        raw = obj.get("label", obj.get("stance"))
        if raw is None:
            continue
        stance = normalise_label(raw)
        rationale = obj.get("rationale", obj.get("reason", ""))
        rationale = rationale if isinstance(rationale, str) else json.dumps(rationale)
        if stance is None:
            return JudgeReply(None, rationale.strip(), f"unknown label {str(raw)[:40]!r}")
        return JudgeReply(stance, rationale.strip())
    field = _LABEL_FIELD.search(body)
    if field:
        stance = normalise_label(field.group(1))
        if stance is None:
            return JudgeReply(None, "", f"unknown label {field.group(1)[:40]!r}")
        reason = _RATIONALE_FIELD.search(body)
        return JudgeReply(stance, reason.group(1).strip() if reason else "")
    stance = normalise_label(body)
    if stance is not None:
        return JudgeReply(stance, "")
    return JudgeReply(None, "", "no label found")


__all__ = [
    "MAX_ANSWER_CHARS",
    "PROMPT_VERSION",
    "SYSTEM_PROMPT",
    "JudgeReply",
    "normalise_label",
    "parse_reply",
    "user_text",
]
