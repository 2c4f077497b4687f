"""Plain text from cue text: formatting tags out, entities decoded, line whitespace trimmed."""

from __future__ import annotations

import html
import re

# SRT has no escaping, so only the tags players actually honour are markup; anything else in
# angle brackets ("2<3", "<invalid>") is kept as the author typed it.
_SRT_TAG = re.compile(r"</?(?:b|i|u|s|font|span)\b[^>]*>|<br\s*/?>", re.IGNORECASE)
# WebVTT escapes "<" in text, so every "<...>" is a tag: spans, voices, classes, karaoke times.
_VTT_TAG = re.compile(r"<[^>\n]*>")
# ASS override blocks such as {\an8} or {\i1}, which many SRT files carry.
_ASS_OVERRIDE = re.compile(r"\{\\[^}]*\}")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LINE_EDGE_SPACE = " \t"


def decode_entities(text: str) -> str:
    # Only complete references ("&amp;"), so "AT&T" or "R&D" survive untouched.
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)


def srt_plain_text(lines: list[str]) -> str:
    text = "\n".join(lines)
    text = _ASS_OVERRIDE.sub("", text)
    text = _SRT_TAG.sub(lambda match: "\n" if match.group(0).lower().startswith("<br") else "", text)
    text = text.replace("\\N", "\n").replace("\\h", "\u00a0")
    return _tidy_lines(decode_entities(text))


def vtt_plain_text(lines: list[str]) -> str:
    text = _VTT_TAG.sub("", "\n".join(lines))
    return _tidy_lines(decode_entities(text))


def _tidy_lines(text: str) -> str:
    # A line that held only a tag ("{\an8}") disappears instead of leaving an empty line.
    # Edge spaces go, but hard spaces (U+00A0, from "\h" or "&nbsp;") stay: authors put them there.
    kept = (line.strip(_LINE_EDGE_SPACE) for line in text.split("\n"))
    return "\n".join(line for line in kept if line.strip())
