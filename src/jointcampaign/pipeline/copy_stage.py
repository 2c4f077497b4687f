"""Translate the campaign's copy pieces (Markdown) while keeping their structure.

The copy is parsed with markdown-it-py. Only the text of each block's inline content goes to the
translator; everything else (heading marks, list markers and numbering, blockquote marks, blank
lines, code blocks, code spans, link targets, emphasis markers, hard line breaks) is kept byte for
byte. The translated text is spliced back into the original source lines using the line ranges
markdown-it gives each block, so a line with nothing to translate comes out unchanged.

Each source line of an inline block is one segment. A line of plain text goes to the translator as
it is written (so a phrase-trained model sees exactly the sentence it knows); a line with inline
markup goes as one segment with the markup replaced by numbered placeholders, `⟦1⟧text⟦/1⟧` around
emphasised or linked words and `⟦2⟧` for things that stand alone (code spans, images). When the
translation loses or mangles a placeholder, the line's text runs are translated one by one and the
markup stays where it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token

from jointcampaign.fileio import write_text_atomic
from jointcampaign.translate.protocol import Translator
from jointcampaign.translate.status import UNCHECKED, StringStatus, TranslatedString, worst

OPEN, CLOSE = "⟦", "⟧"
_PLACEHOLDER = re.compile(r"⟦\s*(/?)\s*(\d+)\s*⟧")
_ATX_CLOSING = re.compile(r"[ \t]*(?:#+)?[ \t]*")


@dataclass(frozen=True)
class CopyResult:
    piece: str
    path: Path
    notes: tuple[str, ...]
    strings: tuple[TranslatedString, ...] = ()


@dataclass(frozen=True)
class MarkdownTranslation:
    text: str
    notes: list[str]
    strings: list[TranslatedString]  # one per translated line, in order


@dataclass
class _Run:
    """A stretch of one inline's source: translatable text, or markup kept as written."""

    raw: str
    text: bool
    tokens: list[Token] = field(default_factory=list)


@dataclass
class _Unit:
    """The runs of one source line of an inline block (one translation segment)."""

    runs: list[_Run]
    placeholders: dict[str, str] = field(default_factory=dict)  # placeholder -> raw markup
    order: list[str] = field(default_factory=list)  # placeholders in source order
    pairs: dict[str, str] = field(default_factory=dict)  # opening -> closing placeholder
    segment: str = ""

    @property
    def plain(self) -> bool:
        return all(run.text for run in self.runs)

    @property
    def source(self) -> str:
        return "".join(run.raw for run in self.runs)


@dataclass
class _Block:
    """One inline block: where its text sits in the source lines, and its units."""

    lines: list[int]
    columns: list[tuple[int, int]]
    units: list[_Unit | str]  # a str is a line break, kept as written


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # text_join would fold escapes and entities into the text and lose their source form.
    return MarkdownIt("commonmark").disable("text_join")


def markdown_segments(text: str) -> list[str]:
    """The segments `translate_markdown` sends to the translator for `text`, in order."""
    blocks, _ = _blocks(_lines(text))
    return [unit.segment for block in blocks for unit in block.units if isinstance(unit, _Unit)]


def translate_markdown(text: str, translator: Translator, source: str, target: str) -> tuple[str, list[str]]:
    translated = translate_markdown_strings(text, translator, source, target)
    return translated.text, translated.notes


def translate_markdown_strings(
    text: str, translator: Translator, source: str, target: str, where: str = "copy"
) -> MarkdownTranslation:
    """The translated Markdown, its notes, and each translated line with its status."""
    lines = _lines(text)
    blocks, notes = _blocks(lines)
    units = [unit for block in blocks for unit in block.units if isinstance(unit, _Unit)]
    outputs: dict[int, str] = {}
    verdicts: dict[int, StringStatus] = {}
    if units:
        batch = translator.translate_batch([unit.segment for unit in units], source, target)
        notes += batch.notes
        retry: list[_Unit] = []
        statuses = batch.statuses if len(batch.statuses) == len(units) else [UNCHECKED] * len(units)
        for unit, translated, verdict in zip(units, batch.texts, statuses, strict=True):
            rebuilt = _rebuild(unit, translated)
            if rebuilt is None:
                retry.append(unit)
            else:
                outputs[id(unit)] = rebuilt
                verdicts[id(unit)] = verdict
        if retry:
            more = _translate_runs(retry, translator, source, target, outputs, verdicts)
            notes += [note for note in more if note not in notes]
    for block in blocks:
        pieces = [outputs[id(unit)] if isinstance(unit, _Unit) else unit for unit in block.units]
        new_lines = "".join(pieces).split("\n")
        for number, (start, end), new in zip(block.lines, block.columns, new_lines, strict=True):
            line = lines[number]
            if line[start:end] != new:
                lines[number] = line[:start] + new + line[end:]
    strings = [
        TranslatedString(where, unit.source.replace("\n", " "), outputs[id(unit)], verdicts[id(unit)])
        for unit in units
    ]
    return MarkdownTranslation("\n".join(lines) + "\n", notes, strings)


def translate_copy_piece(
    source_file: Path, piece: str, translator: Translator, source: str, target: str, out_dir: Path
) -> CopyResult:
    text = source_file.read_text(encoding="utf-8-sig")
    translated = translate_markdown_strings(text, translator, source, target, where=f"copy:{piece}")
    destination = out_dir / f"{piece}.md"
    write_text_atomic(destination, translated.text)
    return CopyResult(piece=piece, path=destination, notes=tuple(translated.notes), strings=tuple(translated.strings))


# -- parsing -----------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """The lines as markdown-it counts them (only CR, LF and CRLF end a line)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def _blocks(lines: list[str]) -> tuple[list[_Block], list[str]]:
    tokens = _parser().parse("\n".join(lines) + "\n")
    blocks: list[_Block] = []
    notes: list[str] = []
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.map or not token.content.strip():
            continue
        opener = tokens[index - 1] if index else None
        atx = opener is not None and opener.type == "heading_open" and opener.markup.startswith("#")
        block = _block(lines, token, atx)
        if block is None:
            notes.append(f"copy line {token.map[0] + 1}: Markdown too unusual to translate safely; kept as is")
        else:
            blocks.append(block)
    return blocks, notes


def _block(lines: list[str], inline: Token, atx: bool) -> _Block | None:
    assert inline.map is not None
    content_lines = inline.content.split("\n")
    first = inline.map[0]
    numbers = list(range(first, first + len(content_lines)))
    if numbers[-1] >= len(lines):
        return None
    columns = []
    for number, content in zip(numbers, content_lines, strict=True):
        found = _locate(lines[number], content.strip(), atx)
        if found is None:
            return None
        columns.append(found)
    raw = "\n".join(lines[n][s:e] for n, (s, e) in zip(numbers, columns, strict=True))
    runs = _runs(raw, inline.children or [])
    if runs is None:
        return None
    return _Block(numbers, columns, _units(runs))


def _locate(line: str, content: str, atx: bool) -> tuple[int, int] | None:
    """Columns of `content` (an inline's text on this line) within the source line."""
    if atx:
        start = line.find(content)
        while start >= 0:
            before = line[:start].rstrip(" \t")
            if before.endswith("#") and _ATX_CLOSING.fullmatch(line, start + len(content)):
                return start, start + len(content)
            start = line.find(content, start + 1)
        return None
    stripped = line.rstrip()
    if stripped.endswith(content):
        return len(stripped) - len(content), len(stripped)
    start = line.rfind(content)
    return (start, start + len(content)) if start >= 0 else None


def _runs(raw: str, children: Sequence[Token]) -> list[_Run] | None:
    """Cut the inline's source into text and markup runs, following markdown-it's tokens exactly."""
    runs: list[_Run] = []
    cursor = 0
    autolink = False

    def add(length: int, text: bool, token: Token | None = None) -> None:
        nonlocal cursor
        piece = raw[cursor : cursor + length]
        cursor += length
        if text and runs and runs[-1].text:
            runs[-1].raw += piece
        else:
            runs.append(_Run(piece, text))
        if token is not None:
            runs[-1].tokens.append(token)

    for token in children:
        if autolink:
            if token.type == "link_close":
                autolink = False
            continue
        kind = token.type
        if kind == "text" or (kind == "text_special" and token.info != "entity"):
            written = token.content if kind == "text" else token.markup
            if not raw.startswith(written, cursor):
                written = written.rstrip()
                if not raw.startswith(written, cursor):
                    return None
            add(len(written), True)
        elif kind in ("softbreak", "hardbreak"):
            stop = cursor
            while stop < len(raw) and raw[stop] in " \t\\":
                stop += 1
            if not raw.startswith("\n", stop):
                return None
            add(stop + 1 - cursor, False, token)
        elif kind == "link_open" and token.markup in ("autolink", "linkify"):
            stop = raw.find(">", cursor) + 1 if token.markup == "autolink" else -1
            if stop <= cursor:
                return None
            add(stop - cursor, False, token)
            autolink = True
        elif kind == "link_close":
            end = _link_tail(raw, cursor)
            if end is None:
                return None
            add(end - cursor, False, token)
        elif kind == "image":
            label_end = _label_end(raw, cursor + 1) if raw.startswith("![", cursor) else None
            end = _link_tail(raw, label_end) if label_end is not None else None
            if end is None:
                return None
            add(end - cursor, False, token)
        elif kind == "code_inline":
            end = _code_end(raw, cursor, token.markup)
            if end is None:
                return None
            add(end - cursor, False, token)
        elif kind == "html_inline":
            if not raw.startswith(token.content, cursor):
                return None
            add(len(token.content), False, token)
        elif kind == "link_open":
            if not raw.startswith("[", cursor):
                return None
            add(1, False, token)
        elif token.markup and raw.startswith(token.markup, cursor):
            add(len(token.markup), False, token)
        else:
            return None
    return runs if cursor == len(raw) else None


def _code_end(raw: str, start: int, ticks: str) -> int | None:
    if not raw.startswith(ticks, start):
        return None
    position = start + len(ticks)
    while True:
        found = raw.find(ticks, position)
        if found < 0:
            return None
        after = found + len(ticks)
        if after >= len(raw) or raw[after] != "`":
            return after
        while after < len(raw) and raw[after] == "`":
            after += 1
        position = after


def _label_end(raw: str, start: int) -> int | None:
    """Position of the `]` closing the label that opens with `[` at `start`."""
    if not raw.startswith("[", start):
        return None
    depth, position = 0, start
    while position < len(raw):
        char = raw[position]
        if char == "\\":
            position += 2
            continue
        if char == "`":
            ticks = re.match(r"`+", raw[position:])
            assert ticks is not None
            end = _code_end(raw, position, ticks.group())
            position = end if end is not None else position + len(ticks.group())
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return None


def _link_tail(raw: str, start: int) -> int | None:
    """End of a link's closing part that starts with `]` at `start`: `](url "title")`, `][ref]`, `]`."""
    if not raw.startswith("]", start):
        return None
    position = start + 1
    if raw.startswith("(", position):
        end = _inline_destination(raw, position + 1)
        if end is not None:
            return end
    if raw.startswith("[", position):
        label_end = _label_end(raw, position)
        if label_end is not None:
            return label_end + 1
    return position


def _inline_destination(raw: str, position: int) -> int | None:
    def skip(at: int) -> int:
        while at < len(raw) and raw[at] in " \t\n":
            at += 1
        return at

    position = skip(position)
    if position < len(raw) and raw[position] != ")":
        destination = parseLinkDestination(raw, position, len(raw))
        if not destination.ok:
            return None
        after = skip(destination.pos)
        if after > destination.pos:
            title = parseLinkTitle(raw, after, len(raw))
            if title.ok:
                after = skip(title.pos)
        position = after
    return position + 1 if raw.startswith(")", position) else None


# -- segments ----------------------------------------------------------------------------------


def _units(runs: list[_Run]) -> list[_Unit | str]:
    """Group runs into one unit per line; line breaks stay outside the units, as written."""
    units: list[_Unit | str] = []
    current: list[_Run] = []
    for run in runs:
        if run.tokens and all(token.type in ("softbreak", "hardbreak") for token in run.tokens):
            if current:
                units.append(_prepare(_Unit(current)))
                current = []
            units.append(run.raw)
        else:
            current.append(run)
    if current:
        units.append(_prepare(_Unit(current)))
    return units


def _prepare(unit: _Unit) -> _Unit:
    if unit.plain:
        unit.segment = unit.source
        return unit
    openers: list[tuple[str, list[Token]]] = []
    pieces: list[str] = []
    number = 0
    for run in unit.runs:
        if run.text:
            pieces.append(run.raw.replace("\n", " "))
            continue
        nestings = {token.nesting for token in run.tokens}
        if nestings == {-1} and openers and _closes(openers[-1][1], run.tokens):
            name = openers.pop()[0]
            closing = f"{OPEN}/{name[1:-1]}{CLOSE}"
            unit.pairs[name] = closing
            placeholder = closing
        else:
            number += 1
            placeholder = f"{OPEN}{number}{CLOSE}"
            if nestings == {1}:
                openers.append((placeholder, run.tokens))
        unit.placeholders[placeholder] = run.raw
        unit.order.append(placeholder)
        pieces.append(placeholder)
    unit.segment = "".join(pieces)
    return unit


def _closes(opening: Sequence[Token], closing: Sequence[Token]) -> bool:
    return [token.tag for token in opening] == [token.tag for token in reversed(closing)]


def _rebuild(unit: _Unit, translated: str) -> str | None:
    """The line's new source from a translation, or None when its placeholders did not survive."""
    translated = translated.replace("\n", " ")
    if unit.plain:
        return translated
    found = [f"{OPEN}{slash}{number}{CLOSE}" for slash, number in _PLACEHOLDER.findall(translated)]
    if sorted(found) != sorted(unit.order):
        return None
    moved = found != unit.order
    if moved and (len(unit.pairs) * 2 != len(unit.order) or not _well_nested(found, unit.pairs)):
        return None
    translated = _PLACEHOLDER.sub(lambda m: f"{OPEN}{m.group(1)}{m.group(2)}{CLOSE}", translated)
    for opening, closing in unit.pairs.items():
        # Emphasis must hug its words: move spaces from inside a pair to outside it.
        translated = re.sub(rf"(\s*)({re.escape(opening)})(\s+)", _hug_opening, translated)
        translated = re.sub(rf"(\s+)({re.escape(closing)})(\s*)", _hug_closing, translated)
    for placeholder, raw in unit.placeholders.items():
        translated = translated.replace(placeholder, raw)
    return translated


def _hug_opening(match: re.Match[str]) -> str:
    return (match.group(1) or match.group(3)) + match.group(2)


def _hug_closing(match: re.Match[str]) -> str:
    return match.group(2) + (match.group(3) or match.group(1))


def _well_nested(found: list[str], pairs: dict[str, str]) -> bool:
    closers = {closing: opening for opening, closing in pairs.items()}
    stack: list[str] = []
    for placeholder in found:
        if placeholder in pairs:
            stack.append(placeholder)
        elif not stack or stack.pop() != closers[placeholder]:
            return False
    return not stack


def _translate_runs(
    units: list[_Unit],
    translator: Translator,
    source: str,
    target: str,
    outputs: dict[int, str],
    verdicts: dict[int, StringStatus],
) -> list[str]:
    """Fallback: each text run of each unit on its own, the markup left where it was."""
    texts = [run.raw for unit in units for run in unit.runs if run.text and run.raw.strip()]
    batch = translator.translate_batch(texts, source, target) if texts else None
    translated = iter(batch.texts if batch else [])
    judged = batch.statuses if batch and len(batch.statuses) == len(texts) else [UNCHECKED] * len(texts)
    statuses = iter(judged)
    for unit in units:
        pieces = []
        own: list[StringStatus] = []
        for run in unit.runs:
            if run.text and run.raw.strip():
                leading = run.raw[: len(run.raw) - len(run.raw.lstrip())]
                trailing = run.raw[len(run.raw.rstrip()) :]
                new = next(translated).replace("\n", " ").strip()
                own.append(next(statuses))
                pieces.append(leading + new + trailing)
            else:
                pieces.append(run.raw)
        outputs[id(unit)] = "".join(pieces)
        verdicts[id(unit)] = worst(own)
    return list(batch.notes) if batch else []

