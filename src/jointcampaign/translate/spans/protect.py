"""Protected spans: the parts of a segment that must come out of translation unchanged.

Brand names, do-not-translate terms, offer codes, prices, percentages, URLs, emails, @handles,
#hashtags, emoji and `{placeholders}` must appear in the output exactly; a glossary term with a
fixed translation must appear as that translation. Code-like tokens (`CAFE10`, `BLOOM-2026`),
times of day and phone numbers are found by pattern too, so text outside any campaign keeps them;
a time may be written the target's way (`6 pm` as `18:00`), a phone number with other spacing. This module finds such spans and rewrites
text around them; `verify` checks an engine's output against them.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

SpanKind = Literal[
    "term", "code", "fixed", "url", "email", "handle", "hashtag", "placeholder", "price", "percent", "emoji",
    "time", "phone",
]

# Masked retries send `⟦1⟧` where a span was: brackets engines rarely produce, so a token in the
# output is never confused with text. Engines that drop them leave the span missing, which the
# verifier catches.
MASK_OPEN, MASK_CLOSE = "⟦", "⟧"
_MASK_TOKEN = re.compile(r"⟦\s*(\d+)\s*⟧")

_CURRENCY_SYMBOLS = "$€£¥₹₫₩₽₺₱฿"
_CURRENCY_CODES = "USD|EUR|GBP|VND|INR|CNY|RMB|JPY|AED|SAR|EGP|MXN|CAD|AUD|CHF"
_NUMBER = r"\d+(?:[.,٫٬]\d+)*"
_CURRENCY = rf"(?<![A-Za-z])(?:[A-Z]{{0,2}}[{_CURRENCY_SYMBOLS}]|(?:{_CURRENCY_CODES})(?![A-Za-z]))"
_TIME = (
    r"(?<![\w:.,])(?:(?:1[0-2]|0?[1-9])(?::[0-5]\d)?\s?(?:[ap]m\b|[ap]\.\s?m\.)|(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:]))"
)
# Seven or more digits in groups, optionally +country and (area): `+1 555-0134`, `(030) 1234 567`.
_PHONE = r"(?<![\w+.,/-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}(?![\w.,/-]?\d)"
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_EMOJI_BASE = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u231a\u231b\u23e9-\u23fa\u2934\u2935\u3030\u303d"
    "\u3297\u3299"
)
_EMOJI_ATOM = rf"[{_EMOJI_BASE}]\ufe0f?[\U0001f3fb-\U0001f3ff]?[\U000e0020-\U000e007f]*"
# Kinds found by pattern, in priority order: on an exact tie in position and length, earlier wins.
_PATTERNS: tuple[tuple[SpanKind, re.Pattern[str]], ...] = (
    ("url", re.compile(r"(?:https?://|www\.)[^\s<>\"'«»“”]+")),
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    ("placeholder", re.compile(r"\{\{[^{}\n]+\}\}|\{[A-Za-z0-9_.:!-]*\}")),
    ("handle", re.compile(r"(?<![\w@.])@[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*")),
    ("hashtag", re.compile(r"(?<![\w#&/])#(?=\w*[^\W\d_])\w+")),
    (
        "price",
        re.compile(rf"{_CURRENCY}\s?{_NUMBER}|(?<![\w.,]){_NUMBER}\s?{_CURRENCY}(?!\w)"),
    ),
    ("percent", re.compile(rf"(?<![\w.,]){_NUMBER}\s?[%٪％]")),
    # Capitals with at least one digit, 4+ characters: offer codes, SKUs (`CAFE10`, `BLOOM-2026`).
    # Not \w on the outside: `码CAFE10可` must still match, as CJK text has no spaces.
    ("code", re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Z0-9-]{4,})(?=[A-Z0-9-]*\d)[A-Z]{2}[A-Z0-9]*(?:-[A-Z0-9]+)*"
                        r"(?![A-Za-z0-9_-])")),
    ("time", re.compile(_TIME, re.IGNORECASE)),
    ("phone", re.compile(_PHONE)),
    (
        "emoji",
        re.compile(
            rf"[\U0001f1e6-\U0001f1ff]{{2}}|[0-9#*]\ufe0f?\u20e3|{_EMOJI_ATOM}(?:\u200d{_EMOJI_ATOM})*"
        ),
    ),
)
_WORDS: frozenset[SpanKind] = frozenset({"term", "code", "fixed"})
_URL_TRAILING = ".,;:!?)]}'\"»”’…"
_SEPARATORS = re.compile(r"[\s.,٫٬'’\u00a0\u202f]")
_PERCENT_SIGNS = str.maketrans({"٪": "%", "％": "%"})


@dataclass(frozen=True)
class ProtectionRules:
    """What to protect in one language pair.

    `terms` (brand names, do-not-translate terms) and `codes` (offer codes) are matched exactly,
    case and all; `fixed` maps a source term (matched ignoring case) to the translation the
    output must contain.
    """

    terms: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    fixed: tuple[tuple[str, str], ...] = ()

    @classmethod
    def build(
        cls, terms: Iterable[str] = (), codes: Iterable[str] = (), fixed: Iterable[tuple[str, str]] = ()
    ) -> ProtectionRules:
        """Blank entries dropped, duplicates removed, order fixed (so equal rules hash equally)."""
        codes_set = {code.strip() for code in codes if code.strip()}
        terms_set = {term.strip() for term in terms if term.strip()} - codes_set
        fixed_map = {source.strip(): target.strip() for source, target in fixed if source.strip() and target}
        return cls(tuple(sorted(terms_set)), tuple(sorted(codes_set)), tuple(sorted(fixed_map.items())))

    def digest(self) -> str:
        """Identifies the rules in the translation memory: other rules may give other output."""
        encoded = json.dumps([self.terms, self.codes, self.fixed], ensure_ascii=False)
        return hashlib.sha256(encoded.encode()).hexdigest()[:16]

    def without_fixed(self) -> ProtectionRules:
        return ProtectionRules(self.terms, self.codes, ())


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    kind: SpanKind
    replacement: str  # what the output must contain: the text itself, or the fixed translation

    @property
    def key(self) -> str:
        return span_key(self.kind, self.replacement)


def span_key(kind: SpanKind, text: str) -> str:
    """Equal keys mean the same protected value.

    Prices and percentages compare by currency and digits only, so a translation may write
    `10 %`, `١٠٪` or `5 $` the way its language does; every other kind compares exactly.
    """
    if kind in ("price", "percent"):
        plain = "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)
        plain = _SEPARATORS.sub("", plain.translate(_PERCENT_SIGNS))
        # The currency before the digits, whichever side it was written on: `$5` == `5 $`.
        return "".join(c for c in plain if not c.isdigit()) + "".join(c for c in plain if c.isdigit())
    if kind == "fixed":
        return text.casefold()
    if kind == "phone":
        return "".join(c for c in text if c.isdigit() or c == "+")
    if kind == "time":
        return "time:" + "/".join(time_forms(text))
    return text


def time_forms(text: str) -> tuple[str, ...]:
    """The ways a time may be written in a translation: its hour in 12 and 24 hour form, and its minutes.

    `6 pm` → ("6", "18", "00"); `17:30` → ("5", "17", "30"). A translation keeps the time when it
    holds the hour in either form (and the minutes, when they are not :00).
    """
    digits = [int(part) for part in re.findall(r"\d+", text)]
    hour, minutes = digits[0], digits[1] if len(digits) > 1 else 0
    lowered = text.casefold().replace(".", "").replace(" ", "")
    if lowered.endswith("pm") and hour != 12:
        hour += 12
    elif lowered.endswith("am") and hour == 12:
        hour = 0
    twelve = hour % 12 or 12
    return str(twelve), str(hour), f"{minutes:02d}"


def find_spans(text: str, rules: ProtectionRules) -> list[Span]:
    """Non-overlapping protected spans in order: leftmost first, then longest, then by kind."""
    candidates: list[tuple[int, int, int, SpanKind, str]] = []
    for priority, (kind, pattern) in enumerate(_compiled(rules)):
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == "url":
                end = start + len(match.group().rstrip(_URL_TRAILING))
            if kind in _WORDS and not _stands_alone(text, start, end):
                continue
            if kind == "phone" and (sum(c.isdigit() for c in match.group()) < 7 or _DATE.fullmatch(match.group())):
                continue
            if end > start:
                candidates.append((start, -(end - start), priority, kind, text[start:end]))
    fixed = {source.casefold(): target for source, target in rules.fixed}
    spans: list[Span] = []
    taken_until = 0
    for start, negative_length, _, kind, matched in sorted(candidates):
        if start < taken_until:
            continue
        replacement = fixed[matched.casefold()] if kind == "fixed" else matched
        spans.append(Span(start, start - negative_length, matched, kind, replacement))
        taken_until = start - negative_length
    return spans


def output_spans(text: str, rules: ProtectionRules) -> list[Span]:
    """Protected-looking spans in an engine's output (fixed terms are searched for separately)."""
    return find_spans(text, rules.without_fixed())


def mask(text: str, spans: Sequence[Span]) -> str:
    """`text` with span number i (from 1) replaced by `⟦i⟧`."""
    pieces, position = [], 0
    for number, span in enumerate(spans, start=1):
        pieces += [text[position : span.start], f"{MASK_OPEN}{number}{MASK_CLOSE}"]
        position = span.end
    return "".join([*pieces, text[position:]])


def unmask(text: str, spans: Sequence[Span]) -> str:
    """Put each span's required output back where its token is; tokens for no span are dropped."""
    pieces: list[str] = []
    position = 0
    for match in _MASK_TOKEN.finditer(text):
        number = int(match.group(1))
        pieces += [
            text[position : match.start()],
            spans[number - 1].replacement if 1 <= number <= len(spans) else "",
        ]
        position = match.end()
    return join_glued([*pieces, text[position:]])


def can_mask(text: str) -> bool:
    return MASK_OPEN not in text and MASK_CLOSE not in text


def fragments(text: str, spans: Sequence[Span]) -> list[str | Span]:
    """The text cut at its spans: plain pieces and spans alternating, in order, nothing lost."""
    pieces: list[str | Span] = []
    position = 0
    for span in spans:
        if span.start > position:
            pieces.append(text[position : span.start])
        pieces.append(span)
        position = span.end
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def needs_translation(piece: str) -> bool:
    """Pieces with no letter (spaces, punctuation, digits) stay as they are."""
    return any(char.isalpha() for char in piece)


@lru_cache(maxsize=64)
def _compiled(rules: ProtectionRules) -> tuple[tuple[SpanKind, re.Pattern[str]], ...]:
    compiled: list[tuple[SpanKind, re.Pattern[str]]] = []
    if rules.codes:
        compiled.append(("code", _alternation(rules.codes)))
    if rules.terms:
        compiled.append(("term", _alternation(rules.terms)))
    compiled += _PATTERNS
    if rules.fixed:
        compiled.append(("fixed", _alternation([source for source, _ in rules.fixed], re.IGNORECASE)))
    return tuple(compiled)


def _alternation(words: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return re.compile("|".join(map(re.escape, ordered)), flags)


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Not part of a longer word: `Maple Streets` holds no `Maple Street`, but `在Corner Café的` does."""
    return not (start > 0 and glued(text[start - 1], text[start])) and not (
        end < len(text) and glued(text[end - 1], text[end])
    )


def glued(left: str, right: str) -> bool:
    """Two characters that would read as one word: letters or digits of the same script, touching."""
    return left.isalnum() and right.isalnum() and _script(left) == _script(right)


def join_glued(pieces: Iterable[str]) -> str:
    """Join pieces, with a space wherever two would otherwise run together into one word."""
    joined = ""
    for piece in pieces:
        if joined and piece and glued(joined[-1], piece[0]):
            joined += " "
        joined += piece
    return joined


def _script(char: str) -> str:
    first = unicodedata.name(char, "?").split(" ")[0]
    return "LATIN" if first == "DIGIT" else first
