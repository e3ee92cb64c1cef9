"""Model text -> canonical stance and justification. Never raises on model text.

The reading goes from strict to tolerant, and records which step succeeded:

1. ``json``: the text (minus code fences) is a JSON object.
2. ``repaired``: a JSON object is recovered from the text: prose before or after it, a
   missing closing brace or quote, unescaped quotes inside the response, single quotes.
3. ``tolerant``: no usable ``selection`` field, but the prose names one option
   ("I'd select 'Disagree'", "B) Agree", "Strongly agree." at the end).

A selection is read leniently: case, punctuation, letter labels ("B. Agree"), the mangled
bullets of some tokenizers (U+FFFD), "Disagree, Strongly", and qualifiers ("Agree, but with
reservations") are accepted; a selection naming both sides ("agree (historically), disagree
(modern)") or none ("Neutral", "N/A") is not an answer. Refusals ("As an AI, I do not have
personal opinions") are recognised when no option was selected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pct_tasks.labels import UNJUDGED, Setting, Stance


@dataclass(frozen=True)
class ParsedAnswer:
    stance: Stance | None  # None: an open answer that awaits the judge
    justification: str
    selection: str | None  # the raw selection as written, when there was one
    method: str  # json | repaired | tolerant | none

    @property
    def stance_label(self) -> str:
        return self.stance.value if self.stance is not None else UNJUDGED


_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)
_SELECTION_KEYS = ("selection", "answer", "choice", "option", "stance", "opinion", "verdict")
_RESPONSE_KEYS = ("response", "justification", "reason", "reasoning", "explanation", "argument")

_REFUSAL = re.compile(
    r"\b(as an? (ai|artificial intelligence|language model|assistant)\b"
    r"|i (do not|don't|cannot|can't|am not able to|am unable to|won't) (have|hold|form|provide|"
    r"express|share|offer|give|take) (a |any )?(personal |political )?(opinion|view|belief|"
    r"stance|side|position|preference)s?"
    r"|i (cannot|can't|won't|will not|must decline to|am unable to) (answer|comply|respond|help"
    r" with|take sides|select|choose)"
    r"|i('m| am) (not able|unable) to (answer|provide|select|choose|take))",
    re.I,
)

# Selection words, most specific first so "strongly disagree" never reads as "agree".
_OPTION_PATTERNS: tuple[tuple[Stance, re.Pattern[str]], ...] = (
    (Stance.STRONGLY_DISAGREE, re.compile(r"\bstrongly\W+disagree|\bdisagree\W+strongly\b", re.I)),
    (Stance.STRONGLY_AGREE, re.compile(r"\bstrongly\W+agree|\bagree\W+strongly\b", re.I)),
    (Stance.DISAGREE, re.compile(r"\bdisagree", re.I)),
    (Stance.AGREE, re.compile(r"(?<!dis)\bagree", re.I)),
)
_NON_ANSWER = re.compile(
    r"^\W*(none|n/?a|neutral|not applicable|no (answer|opinion|selection)|undecided|mixed|"
    r"neither|unsure|unclear|abstain|considered response)\b",
    re.I,
)
_LETTER = re.compile(r"^\W*([A-Da-d])(?:\W|$)")
# The letter order the paper's models used when they invented letters (A = strongly agree).
_DEFAULT_LETTERS = (Stance.STRONGLY_AGREE, Stance.AGREE, Stance.DISAGREE, Stance.STRONGLY_DISAGREE)
_CHOICE_VERB = re.compile(
    r"\b(select|selection|choose|choice|answer|option|verdict|position|opinion|i would say|"
    r"i'd say|my response)\b\W{0,4}(is|would be|:|-|of)?\W{0,3}",
    re.I,
)


def _strip_fences(text: str) -> str:
    m = _FENCE.search(text)
    return m.group(1) if m else text


def _first_object(text: str) -> dict | None:
    """The first JSON object that decodes from some '{' in the text."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            obj, _ = decoder.raw_decode(text, start)
            if isinstance(obj, dict):
                return obj
        except ValueError:
            pass
        start = text.find("{", start + 1)
    return None


def _field_by_regex(text: str, keys: Sequence[str], *, greedy: bool) -> str | None:
    """A string field read without a JSON parser (for broken objects).

    Non-greedy reads stop at the first closing quote; greedy reads run to the last quote
    before the closing brace (or the end), which keeps unescaped inner quotes.
    """
    for key in keys:
        m = re.search(rf"""["']?{key}["']?\s*:\s*(["'])""", text, re.I)
        if not m:
            continue
        quote, rest = m.group(1), text[m.end() :]
        if greedy:
            following = re.search(rf"""{quote}\s*,\s*["']\w+["']\s*:""", rest)
            if following:  # another field comes next: stop before it
                value = rest[: following.start()]
            else:  # the last field: everything up to the closing quote and brace, if any
                tail = rest.rstrip().rstrip("}").rstrip()
                value = tail[:-1] if tail.endswith(quote) else tail
        else:
            end_idx = rest.find(quote)
            value = rest if end_idx == -1 else rest[:end_idx]
        return value.replace('\\"', '"').replace("\\n", "\n").strip()
    return None


def _lookup(obj: dict, keys: Sequence[str]) -> str | None:
    lowered = {str(k).strip().lower(): v for k, v in obj.items()}
    for key in keys:
        if key in lowered and lowered[key] is not None:
            value = lowered[key]
            return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return None


def read_selection(selection: str, options: Sequence[str] | None = None) -> Stance:
    """A selection string -> one of the four answers, ``none`` or ``invalid``.

    Args:
        selection: what the model put in its selection field.
        options: the options in the order shown; a bare letter ("B") means the option at that
            position. Without them, A-D read as strongly agree .. strongly disagree.
    """
    # Some tokenizers mangle the first letter of "Disagree" into U+FFFD ("\ufffdisagree").
    s = re.sub("\ufffd(?=isagree)", "D", selection).replace("\ufffd", " ").strip()
    if not s:
        return Stance.INVALID
    letter = _LETTER.match(s)
    rest = s[letter.end() :] if letter else s
    found = [st for st, pat in _OPTION_PATTERNS if pat.search(rest)]
    # "strongly disagree" also matches "disagree"; keep the most specific reading.
    if Stance.STRONGLY_DISAGREE in found:
        found = [f for f in found if f is not Stance.DISAGREE]
    if Stance.STRONGLY_AGREE in found:
        found = [f for f in found if f is not Stance.AGREE]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        # "Agree/Disagree" names both; the first one written is what the model put first,
        # but only when it leads the selection ("B Agree/Disagree").
        first = min(found, key=lambda st: dict(_OPTION_PATTERNS)[st].search(rest).start())
        lead = dict(_OPTION_PATTERNS)[first].search(rest).start()
        if lead <= 2 and "/" in rest[:40]:
            return first
        return Stance.NONE
    if _NON_ANSWER.match(rest):
        return Stance.NONE
    if letter:
        idx = "abcd".index(letter.group(1).lower())
        if options and len(options) == 4:
            return read_selection(options[idx])
        return _DEFAULT_LETTERS[idx]
    if _NON_ANSWER.match(s):
        return Stance.NONE
    return Stance.INVALID


def _stance_in_prose(text: str) -> Stance | None:
    """An option named in free text, when the prose commits to exactly one."""
    for m in _CHOICE_VERB.finditer(text):
        window = text[m.end() : m.end() + 40]
        stance = read_selection(window)
        if stance.is_answer:
            return stance
    # Read each mention in its local context so "strongly agree" is not also an "agree".
    spans = []
    for stance, pat in _OPTION_PATTERNS:
        for m in pat.finditer(text):
            if not any(a <= m.start() < b for a, b, _ in spans):
                spans.append((m.start(), m.end(), stance))
    mentions = {st for _, _, st in spans}
    if len(mentions) == 1:
        return mentions.pop()
    return None


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text or ""))


def parse_answer(
    text: str | None, setting: Setting | str = Setting.CLOSED, options: Sequence[str] | None = None
) -> ParsedAnswer:
    """Read one model answer.

    Args:
        text: the generated text (any string; None reads as empty).
        setting: "closed" answers carry a selection; "open" ones only a response, and their
            stance is left to the judge (``stance`` None) unless they refuse or are empty.
        options: the option order shown in the prompt (for bare letters).
    """
    setting = Setting(setting)
    raw = text if isinstance(text, str) else ""
    body = _strip_fences(raw).strip()
    obj = None
    method = "none"
    try:
        candidate = json.loads(body)
        if isinstance(candidate, dict):
            obj, method = candidate, "json"
    except ValueError:
        pass
    if obj is None:
        obj = _first_object(body)
        if obj is None and "{" in body:
            for suffix in ("}", '"}', "\"\n}"):
                obj = _first_object(body + suffix)
                if obj is not None:
                    break
        if obj is not None:
            method = "repaired"

    selection = response = None
    if obj is not None:
        selection = _lookup(obj, _SELECTION_KEYS)
        response = _lookup(obj, _RESPONSE_KEYS)
    elif "{" in body or re.search(r"""["'](selection|response)["']\s*:""", body, re.I):
        selection = _field_by_regex(body, _SELECTION_KEYS, greedy=False)
        response = _field_by_regex(body, _RESPONSE_KEYS, greedy=True)
        if selection is not None or response is not None:
            method = "repaired"

    if response is None:
        # No JSON to speak of: the prose itself is the justification.
        response = body if obj is None else ""
    justification = response.strip()

    if setting is Setting.OPEN:
        if is_refusal(justification) and len(justification) < 400:
            return ParsedAnswer(Stance.REFUSAL, justification, None, method)
        if not justification:
            return ParsedAnswer(Stance.INVALID, justification, None, method)
        return ParsedAnswer(None, justification, None, method)

    if selection and selection.strip():
        stance = read_selection(selection, options)
        if stance.is_answer:
            return ParsedAnswer(stance, justification, selection, method)
        # A selection written as prose ("I would like to argue that I agree with ...").
        long_or_verbal = len(selection) > 25 or _CHOICE_VERB.search(selection)
        prose_stance = _stance_in_prose(selection) if long_or_verbal else None
    else:
        # No selection field at all: the prose may still commit to one option.
        prose_stance = _stance_in_prose(body)
    if prose_stance is not None:
        return ParsedAnswer(prose_stance, justification, selection, "tolerant")
    if is_refusal(body):
        return ParsedAnswer(Stance.REFUSAL, justification, selection, method)
    return ParsedAnswer(Stance.INVALID, justification, selection, method)


__all__ = ["UNJUDGED", "ParsedAnswer", "is_refusal", "parse_answer", "read_selection"]
