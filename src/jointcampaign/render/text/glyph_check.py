"""Fail at validate time, not in a finished video: text that no installed font can draw.

The validator passes every text a language's cuts will show (subtitles, the end card's offer)
and gets one problem per language naming the characters and the package that draws them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from jointcampaign.errors import Problem
from jointcampaign.render.text.fonts import (
    SHAPING_PACKAGE,
    describe_chars,
    package_for,
    shaping_available,
    undrawable_chars,
)
from jointcampaign.render.text.scripts import needs_shaping

MAX_LISTED = 12


def undrawable_report(
    texts_by_language: Mapping[str, Iterable[str]],
    *,
    file: Path | None = None,
    search_dirs: Sequence[Path] | None = None,
) -> list[Problem]:
    """One Problem per language whose texts hold characters that would render as boxes ("tofu")."""
    problems = []
    for language, texts in texts_by_language.items():
        joined = "\n".join(texts)
        missing = undrawable_chars(joined, language=language, search_dirs=search_dirs)
        if missing:
            listed = sorted(missing)[:MAX_LISTED]
            more = f" and {len(missing) - len(listed)} more" if len(missing) > len(listed) else ""
            problems.append(
                Problem(
                    file=file,
                    field=f"languages.{language}",
                    message=f"no installed font can draw {describe_chars(listed)}{more} in the {language} text",
                    fix=f"install fonts with: sudo apt-get install {package_for(missing)}, "
                    "or remove these characters from the text (a review/<lang>.po correction works too)",
                )
            )
        if needs_shaping(joined) and not shaping_available():
            problems.append(
                Problem(
                    file=file,
                    field=f"languages.{language}",
                    message=f"the {language} text needs shaping (joined or reordered letters), "
                    "which Pillow cannot do here",
                    fix=f"install the FriBiDi library Pillow loads: sudo apt-get install {SHAPING_PACKAGE}",
                )
            )
    return problems
