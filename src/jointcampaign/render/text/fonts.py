"""Pick an installed font for each script a text uses, and find characters a font cannot draw.

Fonts are the Noto families from Debian (`fonts-noto-core`, `fonts-noto-cjk`), found by file name
in the standard font folders. Validation calls `missing_glyphs` so a campaign fails early with
the package to install, instead of rendering boxes ("tofu") into a finished video.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont, features

from jointcampaign.errors import ToolMissingError
from jointcampaign.render.text.cmap import FontFileError, covered_codepoints, face_count
from jointcampaign.render.text.scripts import SCRIPTS, needs_no_glyph, script_of, scripts_in

Weight = Literal["regular", "bold"]

CJK_PACKAGE = "fonts-noto-cjk"
CORE_PACKAGE = "fonts-noto-core"
EXTRA_PACKAGE = "fonts-noto-extra"
SHAPING_PACKAGE = "libfribidi0"

# File name stems per script, best first; "{w}" becomes Regular or Bold.
_CANDIDATES: dict[str, list[str]] = {
    "Latin": ["NotoSans-{w}.ttf"],
    "Greek": ["NotoSans-{w}.ttf"],
    "Cyrillic": ["NotoSans-{w}.ttf"],
    "Arabic": ["NotoSansArabic-{w}.ttf", "NotoNaskhArabic-{w}.ttf", "NotoKufiArabic-{w}.ttf"],
    "Hebrew": ["NotoSansHebrew-{w}.ttf"],
    "Devanagari": ["NotoSansDevanagari-{w}.ttf", "NotoSerifDevanagari-{w}.ttf"],
    "Thai": ["NotoSansThai-{w}.ttf", "NotoLoopedThai-{w}.ttf", "NotoSerifThai-{w}.ttf"],
    "CJK": ["NotoSansCJK-{w}.ttc", "NotoSansCJKsc-{w}.otf", "NotoSerifCJK-{w}.ttc"],
}
# Used for spaces, digits and punctuation when the surrounding script's font lacks them.
_COMMON_FALLBACKS = ["NotoSans-{w}.ttf", "NotoSansSymbols-{w}.ttf", "NotoSansSymbols2-Regular.ttf"]

# CJK collections hold one face per region; the glyph shapes differ, so pick by language.
_CJK_FACE_BY_LANGUAGE = {
    "ja": "JP",
    "ko": "KR",
    "zh-hant": "TC",
    "zh-tw": "TC",
    "zh-hk": "HK",
    "zh-mo": "HK",
}
_DEFAULT_CJK_FACE = "SC"


@dataclass(frozen=True)
class FontChoice:
    """One face of one font file (`index` selects the face inside a .ttc collection)."""

    path: Path
    index: int = 0

    def covers(self, char: str) -> bool:
        return ord(char) in covered_codepoints(self.path, self.index)

    def load(self, size_px: int, *, shaped: bool = True) -> ImageFont.FreeTypeFont:
        """The face at `size_px`; `shaped` uses raqm (HarfBuzz + FriBiDi) when Pillow can load it."""
        layout = ImageFont.Layout.RAQM if shaped and shaping_available() else ImageFont.Layout.BASIC
        return _load_font(self.path, self.index, size_px, layout)


@lru_cache(maxsize=1)
def shaping_available() -> bool:
    """Pillow's wheels bundle raqm and HarfBuzz but load FriBiDi from the system (Debian libfribidi0)."""
    return bool(features.check_feature("raqm"))


@lru_cache(maxsize=256)
def _load_font(path: Path, index: int, size_px: int, layout: ImageFont.Layout) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size_px, index=index, layout_engine=layout)


def default_font_dirs() -> tuple[Path, ...]:
    home = Path.home()
    return (
        home / ".local" / "share" / "fonts",
        home / ".fonts",
        Path("/usr/local/share/fonts"),
        Path("/usr/share/fonts"),
    )


def font_for_text(
    text: str,
    *,
    language: str | None = None,
    weight: Weight = "regular",
    search_dirs: Sequence[Path] | None = None,
) -> FontChoice:
    """The font for the main script of `text` (the one with most characters).

    When one candidate covers every character (a CJK font also draws Latin), that font wins,
    so mixed text renders in one face. Raises ToolMissingError naming the Debian package when no
    installed font draws the main script.
    """
    dirs = tuple(search_dirs) if search_dirs is not None else default_font_dirs()
    scripts = scripts_in(text) or ["Latin"]
    main = font_for_script(scripts[0], language=language, weight=weight, search_dirs=dirs)
    if len(scripts) > 1 and not missing_glyphs(text, main):
        return main
    for other in scripts[1:]:
        try:
            choice = font_for_script(other, language=language, weight=weight, search_dirs=dirs)
        except ToolMissingError:
            continue
        if not missing_glyphs(text, choice):
            return choice
    return main


def font_for_script(
    script: str,
    *,
    language: str | None = None,
    weight: Weight = "regular",
    search_dirs: Sequence[Path] | None = None,
) -> FontChoice:
    dirs = tuple(search_dirs) if search_dirs is not None else default_font_dirs()
    stems = _CANDIDATES.get(script, [f"NotoSans{script}-{{w}}.ttf", f"NotoSerif{script}-{{w}}.ttf"])
    for path in _existing(_weighted(stems, weight), dirs):
        if script == "CJK":
            index = _cjk_face_index(path, language)
            if index is not None:
                return FontChoice(path, index)
        else:
            return FontChoice(path, 0)
    package = CJK_PACKAGE if script == "CJK" else CORE_PACKAGE
    raise ToolMissingError(
        f"no installed font can draw {script} text (looked for {', '.join(stems[:2]).format(w='Regular')} "
        f"in {', '.join(str(d) for d in dirs)}). Install it with: sudo apt-get install {package}"
    )


def fallback_font_for_char(
    char: str, *, weight: Weight = "regular", search_dirs: Sequence[Path] | None = None
) -> FontChoice | None:
    """Any installed Noto face that draws `char`: common fallbacks first, then every Noto file."""
    dirs = tuple(search_dirs) if search_dirs is not None else default_font_dirs()
    return _fallback_font(char, weight, dirs)


@lru_cache(maxsize=1024)
def _fallback_font(char: str, weight: Weight, dirs: tuple[Path, ...]) -> FontChoice | None:
    for path in _existing(_weighted(_COMMON_FALLBACKS, weight), dirs):
        choice = FontChoice(path, 0)
        if choice.covers(char):
            return choice
    for path in sorted(_font_index(dirs).values()):
        if not path.name.startswith("Noto") or "Emoji" in path.name:
            continue  # colour emoji fonts are bitmap strikes Pillow can only draw at one size
        for index in range(_safe_face_count(path)):
            choice = FontChoice(path, index)
            try:
                if choice.covers(char):
                    return choice
            except (FontFileError, OSError):
                break
    return None


def undrawable_chars(
    text: str, *, language: str | None = None, search_dirs: Sequence[Path] | None = None
) -> set[str]:
    """Characters no installed font can draw, for validation before any rendering.

    Unlike `missing_glyphs(text, font)`, mixed text is fine here: an Arabic subtitle quoting
    "Corner Café" draws the Latin words with a Latin font, exactly as the renderer does.
    """
    undrawable = set()
    for char in set(unicodedata.normalize("NFC", text)):
        if needs_no_glyph(char):
            continue
        font: FontChoice | None = None
        script = script_of(char)
        if script in SCRIPTS:
            try:
                font = font_for_script(script, language=language, search_dirs=search_dirs)
            except ToolMissingError:
                font = None
        if font is None or not font.covers(char):
            font = fallback_font_for_char(char, search_dirs=search_dirs)
        if font is None:
            undrawable.add(char)
    return undrawable


def missing_glyphs(text: str, font: FontChoice) -> set[str]:
    """Characters of `text` that `font` has no glyph for (control/format characters excepted)."""
    covered = covered_codepoints(font.path, font.index)
    normalized = unicodedata.normalize("NFC", text)
    return {char for char in normalized if ord(char) not in covered and not needs_no_glyph(char)}


def package_for(chars: Iterable[str]) -> str:
    """The Debian package most likely to provide fonts for these characters."""
    scripts = {script_of(char) for char in chars}
    if "CJK" in scripts:
        return CJK_PACKAGE
    if scripts & set(SCRIPTS):
        return CORE_PACKAGE
    return EXTRA_PACKAGE


def describe_chars(chars: Iterable[str]) -> str:
    return ", ".join(f"'{char}' (U+{ord(char):04X})" for char in sorted(chars))


def _weighted(stems: Sequence[str], weight: Weight) -> list[str]:
    primary = "Bold" if weight == "bold" else "Regular"
    names = [stem.format(w=primary) for stem in stems]
    if weight == "bold":  # a regular face beats no face at all
        names += [stem.format(w="Regular") for stem in stems]
    return names


def _existing(names: Sequence[str], dirs: tuple[Path, ...]) -> list[Path]:
    index = _font_index(dirs)
    return [index[name] for name in names if name in index]


@lru_cache(maxsize=8)
def _font_index(dirs: tuple[Path, ...]) -> dict[str, Path]:
    """File name → path for every font under `dirs`; earlier folders win, so user fonts override."""
    found: dict[str, Path] = {}
    for root in dirs:
        if not root.is_dir():
            continue
        for folder, _, files in sorted(os.walk(root)):
            for name in sorted(files):
                if name.lower().endswith((".ttf", ".otf", ".ttc")):
                    found.setdefault(name, Path(folder) / name)
    return found


def _cjk_face_index(path: Path, language: str | None) -> int | None:
    region = _cjk_region(language)
    if path.suffix.lower() != ".ttc":
        return 0
    families = _face_families(path)
    for wanted in (region, _DEFAULT_CJK_FACE):
        for index, family in enumerate(families):
            if family.endswith(f"CJK {wanted}") and "Mono" not in family:
                return index
    return 0 if families else None


def _cjk_region(language: str | None) -> str:
    tag = (language or "").lower().replace("_", "-")
    for prefix, region in _CJK_FACE_BY_LANGUAGE.items():
        if tag == prefix or tag.startswith(prefix + "-"):
            return region
    return _DEFAULT_CJK_FACE


@lru_cache(maxsize=16)
def _face_families(path: Path) -> tuple[str, ...]:
    names: list[str] = []
    for index in range(_safe_face_count(path)):
        family, _style = ImageFont.truetype(str(path), 12, index=index).getname()
        names.append(family or "")
    return tuple(names)


def _safe_face_count(path: Path) -> int:
    try:
        return face_count(path)
    except OSError:
        return 0
