"""Tell subtitle formats apart by their content: file extensions lie (an SSA file named .txt)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEAD_CHARS = 4096
_WEBVTT = re.compile(r"\s*WEBVTT")
_SSA = re.compile(r"^\s*\[(?:Script Info|V4\+? Styles|Events)\]\s*$", re.IGNORECASE | re.MULTILINE)
_ASS_MARK = re.compile(r"^\s*(?:\[V4\+ Styles\]|ScriptType:\s*v4\.00\+)", re.IGNORECASE | re.MULTILINE)
_TTML = re.compile(r"<(?:[\w-]+:)?tt[\s>]|^\s*<\?xml", re.IGNORECASE)
_SAMI = re.compile(r"<SAMI[\s>]", re.IGNORECASE)
_SRT_OR_VTT_TIMING = re.compile(r"^[^\n]*-->", re.MULTILINE)
_SBV_TIMING = re.compile(r"^\s*\d+:\d{2}:\d{2}\.\d{3},\d+:\d{2}:\d{2}\.\d{3}\s*$", re.MULTILINE)
_MICRODVD = re.compile(r"^\s*\{\d+\}\{\d*\}", re.MULTILINE)


@dataclass(frozen=True)
class Format:
    code: str
    name: str
    readable: bool


SRT = Format("srt", "SubRip (SRT)", readable=True)
VTT = Format("vtt", "WebVTT", readable=True)
ASS = Format("ass", "Advanced SubStation Alpha (ASS)", readable=True)
SSA = Format("ssa", "SubStation Alpha (SSA)", readable=True)
TTML = Format("ttml", "TTML / DFXP (XML)", readable=False)
SAMI = Format("sami", "SAMI (.smi)", readable=False)
SBV = Format("sbv", "YouTube SBV", readable=False)
MICRODVD = Format("microdvd", "MicroDVD (.sub)", readable=False)


def sniff_format(text: str) -> Format | None:
    """The format `text` is written in, or None when it holds no subtitles we can recognise."""
    head = text[:_HEAD_CHARS]
    if _WEBVTT.match(text):
        return VTT
    if _SSA.search(text):
        return ASS if _ASS_MARK.search(text) else SSA
    if _SAMI.search(head):
        return SAMI
    if _TTML.search(head):
        return TTML
    if _SRT_OR_VTT_TIMING.search(text):
        return SRT
    if _SBV_TIMING.search(text):
        return SBV
    if _MICRODVD.search(head):
        return MICRODVD
    return None
