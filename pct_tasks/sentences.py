"""The one sentence splitter: a fast regex splitter for LLM prose.

LLM answers are clean prose with markdown habits: paragraphs, bullet and numbered lists, bold
headings, abbreviations such as "e.g." and "U.S.". A regex pass handles these at hundreds of
thousands of sentences per second, where a parser-based splitter (spaCy) would dominate the
cost of reading answers. The offline judge reads an answer's opening sentences with it, and
the trope miner splits justifications into sentences with it
(``trope_analysis.split.SentenceSplitter`` adds its length and boilerplate filters).
"""

from __future__ import annotations

import re

# A boundary: terminal punctuation (plus closing quotes/brackets), whitespace, then something
# that can start a sentence.
_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_LIST_MARKER = re.compile(r"^\s*(?:[-*\u2022>#]+|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)])\s+")
_MARKUP = re.compile(r"\*\*|__|`")
_SPACES = re.compile(r"\s+")
_LAST_WORD = re.compile(r"(\S+)$")
_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs mr mrs ms dr prof st jr sr inc ltd co corp approx fig no u.s u.k u.n e.u "
    "a.m p.m dept est govt cf al".split()
)


def split_sentences(text: str, split_lines: bool = True) -> list[str]:
    r"""The sentences of ``text`` in order, list markers and markdown emphasis removed.

    ``split_lines``: line breaks end sentences too (list items, headings).

    Example:
        >>> split_sentences("Taxes fund schools. E.g. in the U.S. they do.\n- A list item")
        ['Taxes fund schools.', 'E.g. in the U.S. they do.', 'A list item']
    """
    if not text:
        return []
    blocks = _LINE_BREAK.split(text) if split_lines else [text]
    out: list[str] = []
    for block in blocks:
        block = _SPACES.sub(" ", _MARKUP.sub("", _LIST_MARKER.sub("", block))).strip()
        if block:
            out.extend(_split_block(block))
    return out


def _split_block(block: str) -> list[str]:
    pieces, start = [], 0
    for match in _BOUNDARY.finditer(block):
        head = block[start : match.start() + 1]
        word = _LAST_WORD.search(head)
        token = word.group(1).rstrip(".!?").lstrip("(\"'").lower() if word else ""
        # "e.g. Paris", "the U.S. Army", "J. Smith": a period that ends an abbreviation.
        if block[match.start()] == "." and (token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())):
            continue
        end = match.end()
        pieces.append(block[start:end].strip())
        start = end
    tail = block[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


__all__ = ["split_sentences"]
