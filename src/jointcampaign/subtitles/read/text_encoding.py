"""Turn the bytes of a subtitle file into text, whatever encoding its author's tool chose.

Order matters: a byte-order mark is the strongest evidence (UTF-32LE's mark starts with
UTF-16LE's, so UTF-32 is tested first); then strict UTF-8, which almost never decodes text
written in another encoding; only then a guess among the legacy code pages subtitle tools
still write, reported as a warning because a guess can be wrong.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jointcampaign.errors import Problem, UserInputError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Code pages subtitle editors write when not told to use UTF-8. Restricting the guess to these
# keeps a mostly-ASCII file from being "detected" as some exotic code page.
LEGACY_ENCODINGS: tuple[str, ...] = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp874",
    "koi8_r", "gb18030", "big5", "shift_jis", "euc_kr",
)  # fmt: skip

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SAVE_AS_UTF8 = (
    "save the file as UTF-8 in your subtitle editor (e.g. Subtitle Edit: File > Save as, Encoding UTF-8)"
)


@dataclass
class DecodedText:
    text: str  # line endings normalised to "\n", no BOM
    encoding: str  # Python codec name, e.g. "utf-8", "utf-16-le", "cp1252"
    warnings: list[Problem] = field(default_factory=list)


def display_name(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return f"windows-{name[2:]}" if re.fullmatch(r"cp12\d\d", name) else name.upper().replace("_", "-")


def decode_subtitle_bytes(data: bytes, source: Path | None = None) -> DecodedText:
    warnings: list[Problem] = []

    def warn(message: str, fix: str) -> None:
        warnings.append(Problem(file=source, message=message, fix=fix, severity="warning"))

    text, encoding = _decode(data, source, warn)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text, controls = _CONTROL_CHARS.subn("", text)
    if controls:
        warn(f"{controls} invisible control characters were removed", _SAVE_AS_UTF8)
    return DecodedText(text, encoding, warnings)


def _decode(data: bytes, source: Path | None, warn: Callable[[str, str], None]) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding, source), encoding
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        warn(f"no byte-order mark; read as {display_name(utf16)} from its byte pattern", _SAVE_AS_UTF8)
        return _strict(data, utf16, source), utf16
    stripped = data.rstrip(b"\x00\x1a")
    if b"\x00" in stripped:
        raise UserInputError.single(
            source,
            "this is not a text file (it contains NUL bytes), so it cannot be a subtitle file",
            "choose the subtitle file (.srt, .vtt, .ass or .ssa), not the video or an image",
        )
    if len(stripped) != len(data):
        warn("padding bytes (NUL or Ctrl-Z) at the end of the file were ignored", _SAVE_AS_UTF8)
    return _utf8_or_legacy(stripped, source, warn)


def _strict(data: bytes, encoding: str, source: Path | None) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UserInputError.single(
            source,
            f"the file starts with a {display_name(encoding)} byte-order mark, but byte {exc.start} is not"
            f" valid {display_name(encoding)}",
            _SAVE_AS_UTF8,
        ) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of mostly Latin letters has a zero in every other byte; nothing else does."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    pairs = len(sample) // 2
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    if zeros_odd > 0.4 * pairs and zeros_even < 0.05 * pairs:
        return "utf-16-le"
    if zeros_even > 0.4 * pairs and zeros_odd < 0.05 * pairs:
        return "utf-16-be"
    return None


def _utf8_or_legacy(data: bytes, source: Path | None, warn: Callable[[str, str], None]) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # imported here: only files that are not UTF-8 pay for it

    best = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise UserInputError.single(
            source,
            "the text encoding cannot be recognised (it is not UTF-8 nor a common legacy code page)",
            _SAVE_AS_UTF8,
        )
    encoding = codecs.lookup(best.encoding).name
    warn(
        f"the file is not UTF-8; read it as {display_name(encoding)} (a guess from its letters)",
        "if accented or non-Latin letters look wrong in the output, " + _SAVE_AS_UTF8,
    )
    return str(best), encoding
