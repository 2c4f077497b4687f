"""Split text into sentences with rules alone: no model to download, same answer on every machine.

Translation models are trained and run on single sentences, so every engine splits with this
function before translating and joins the results afterwards. Line breaks always end a sentence
(copy is authored line by line: headings, list items, subtitle cues).
"""

from __future__ import annotations

import re

# These end a sentence even with no space after them (CJK, Devanagari, Arabic and Urdu text
# often runs straight on into the next sentence).
_ALWAYS_END = frozenset("。！？｡।॥؟۔")
_CLOSERS = "\"'”’»)]}」』）】›"
_OPENERS = "\"'“‘«([{「『（【‹¿¡"
_TERMINATOR_RUN = re.compile(r"[.!?…。！？｡।॥؟۔]+[" + re.escape(_CLOSERS) + r"]*")
_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")

# Abbreviations that are followed by a capitalised word without ending the sentence
# ("Mr. Smith", "e.g. Paris"). Abbreviations that often do end one ("etc.", "a.m.") are not here:
# they stay intact anyway when a lowercase word follows.
_TITLE_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "mx", "dr", "prof", "sr", "sra", "srta", "jr", "st", "mt", "dra",
        "e.g", "i.e", "cf", "vs", "approx", "fig", "z.b", "p.ej",
    }
)  # fmt: skip


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, trimmed, in order; empty pieces are dropped.

    >>> split_sentences("Two shops. One street! Open 8 am to 6 pm, e.g. on Mr. Lee's day.")
    ['Two shops.', 'One street!', "Open 8 am to 6 pm, e.g. on Mr. Lee's day."]
    """
    sentences: list[str] = []
    for line in _LINE_BREAK.split(text):
        sentences.extend(_split_line(line))
    return sentences


def _split_line(line: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _TERMINATOR_RUN.finditer(line):
        if _ends_sentence(line, match):
            pieces.append(line[start : match.end()])
            start = match.end()
    pieces.append(line[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _ends_sentence(line: str, match: re.Match[str]) -> bool:
    terminators = match.group().rstrip(_CLOSERS)
    if any(char in _ALWAYS_END for char in terminators):
        return True
    after = line[match.end() :]
    if after and not after[0].isspace():
        return False  # "10.5", "example.com", "Yahoo!Mail"
    following = after.lstrip()
    if not following:
        return True
    if following[0].islower():
        return False  # "8 a.m. to 6 p.m.", "Wait… what?"; uncased scripts never take this branch
    if terminators == ".":
        word = _word_before(line, match.start())
        if word.lower() in _TITLE_ABBREVIATIONS:
            return False
        if len(word) == 1 and word.isalpha() and word.isupper():
            return False  # an initial, as in "J. Smith"
    return True


def _word_before(line: str, end: int) -> str:
    start = end
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    return line[start:end].lstrip(_OPENERS)
