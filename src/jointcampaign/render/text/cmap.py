"""Which characters a font file can draw, read from its OpenType `cmap` table.

Pillow does not expose a font's character map and fontTools is not a dependency, so this reads
the two subtable formats every modern font carries (4 for the BMP, 12 for everything) directly.
Works for .ttf, .otf and each face of a .ttc collection.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from pathlib import Path

# (platform, encoding) pairs that hold Unicode, best first: full-repertoire tables before BMP ones.
_UNICODE_ENCODINGS = [(3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0)]


class FontFileError(ValueError):
    """The file is not an OpenType/TrueType font this reader understands."""


@lru_cache(maxsize=512)
def covered_codepoints(path: Path, index: int = 0) -> frozenset[int]:
    """Every code point the face maps to a real glyph (glyph 0, .notdef, counts as missing)."""
    data = path.read_bytes()
    tables = _table_directory(data, _face_offset(data, index))
    if b"cmap" not in tables:
        raise FontFileError(f"{path} has no cmap table")
    cmap_start = tables[b"cmap"]
    subtable = _best_unicode_subtable(data, cmap_start)
    if subtable is None:
        raise FontFileError(f"{path} has no Unicode character map")
    fmt = _u16(data, subtable)
    if fmt == 12:
        return _format12(data, subtable)
    if fmt == 4:
        return _format4(data, subtable)
    raise FontFileError(f"{path} uses cmap format {fmt}, which is not supported")


def face_count(path: Path) -> int:
    with path.open("rb") as handle:
        head = handle.read(12)
    if head[:4] == b"ttcf":
        return int(struct.unpack_from(">I", head, 8)[0])
    return 1


def _face_offset(data: bytes, index: int) -> int:
    if data[:4] != b"ttcf":
        if index != 0:
            raise FontFileError(f"face index {index} requested from a single-face font")
        return 0
    count = _u32(data, 8)
    if not 0 <= index < count:
        raise FontFileError(f"face index {index} is out of range (collection has {count} faces)")
    return _u32(data, 12 + 4 * index)


def _table_directory(data: bytes, offset: int) -> dict[bytes, int]:
    if len(data) < offset + 12:
        raise FontFileError("file is too short to be a font")
    count = _u16(data, offset + 4)
    tables: dict[bytes, int] = {}
    for record in range(count):
        at = offset + 12 + 16 * record
        tables[data[at : at + 4]] = _u32(data, at + 8)
    return tables


def _best_unicode_subtable(data: bytes, cmap_start: int) -> int | None:
    count = _u16(data, cmap_start + 2)
    found: dict[tuple[int, int], int] = {}
    for record in range(count):
        at = cmap_start + 4 + 8 * record
        platform, encoding = _u16(data, at), _u16(data, at + 2)
        subtable = cmap_start + _u32(data, at + 4)
        if _u16(data, subtable) in (4, 12):
            found.setdefault((platform, encoding), subtable)
    # A format 12 table anywhere beats a BMP-only format 4 table.
    ranked = sorted(
        (key for key in found if key in _UNICODE_ENCODINGS),
        key=lambda key: (_u16(data, found[key]) != 12, _UNICODE_ENCODINGS.index(key)),
    )
    return found[ranked[0]] if ranked else None


def _format4(data: bytes, at: int) -> frozenset[int]:
    segments = _u16(data, at + 6) // 2
    ends_at = at + 14
    starts_at = ends_at + 2 * segments + 2  # skip reservedPad
    deltas_at = starts_at + 2 * segments
    range_offsets_at = deltas_at + 2 * segments
    covered: set[int] = set()
    for seg in range(segments):
        end = _u16(data, ends_at + 2 * seg)
        start = _u16(data, starts_at + 2 * seg)
        delta = struct.unpack_from(">h", data, deltas_at + 2 * seg)[0]
        range_offset_pos = range_offsets_at + 2 * seg
        range_offset = _u16(data, range_offset_pos)
        for code in range(start, end + 1):
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                glyph = _u16(data, range_offset_pos + range_offset + 2 * (code - start))
                if glyph:
                    glyph = (glyph + delta) & 0xFFFF
            if glyph:
                covered.add(code)
    covered.discard(0xFFFF)
    return frozenset(covered)


def _format12(data: bytes, at: int) -> frozenset[int]:
    groups = _u32(data, at + 12)
    covered: set[int] = set()
    for group in range(groups):
        start, end, first_glyph = struct.unpack_from(">III", data, at + 16 + 12 * group)
        covered.update(range(start + 1 if first_glyph == 0 else start, end + 1))
    return frozenset(covered)


def _u16(data: bytes, at: int) -> int:
    return int(struct.unpack_from(">H", data, at)[0])


def _u32(data: bytes, at: int) -> int:
    return int(struct.unpack_from(">I", data, at)[0])
