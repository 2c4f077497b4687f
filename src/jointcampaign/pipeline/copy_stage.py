"""Translate the campaign's copy pieces (Markdown) while keeping their structure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jointcampaign.fileio import write_text_atomic
from jointcampaign.translate.protocol import Translator

# Markdown markers that frame a line's text and must survive translation untouched.
_PREFIX = re.compile(r"^(\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s+)?)(.*?)(\s*)$")


@dataclass(frozen=True)
class CopyResult:
    piece: str
    path: Path
    notes: tuple[str, ...]


def split_markdown(text: str) -> list[tuple[str, str, str]]:
    """Each line as (prefix, translatable text, suffix); blank lines have empty text."""
    parts = []
    for line in text.splitlines():
        match = _PREFIX.match(line)
        assert match is not None  # the pattern matches every string
        parts.append((match.group(1), match.group(2), match.group(3)))
    return parts


def translate_markdown(text: str, translator: Translator, source: str, target: str) -> tuple[str, list[str]]:
    parts = split_markdown(text)
    segments = [body for _, body, _ in parts if body]
    batch = translator.translate_batch(segments, source, target) if segments else None
    translated = iter(batch.texts if batch else [])
    lines = [prefix + (next(translated) if body else "") + suffix for prefix, body, suffix in parts]
    return "\n".join(lines) + "\n", list(batch.notes if batch else [])


def translate_copy_piece(
    source_file: Path, piece: str, translator: Translator, source: str, target: str, out_dir: Path
) -> CopyResult:
    text = source_file.read_text(encoding="utf-8-sig")
    translated, notes = translate_markdown(text, translator, source, target)
    destination = out_dir / f"{piece}.md"
    write_text_atomic(destination, translated)
    return CopyResult(piece=piece, path=destination, notes=tuple(notes))
