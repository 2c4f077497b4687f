"""Which way a language is written, from CLDR's data as ICU ships it — never a hand-kept list.

A tag without a script (`ar`, `ur`, `ckb`) gets its likely script from CLDR's likely-subtags
table (`ur` → Arab), and ICU's script properties say whether that script runs right to left.
So `pa-Arab` is right to left while `pa` (Gurmukhi) is not, and a tag nobody listed still works.
"""

from __future__ import annotations

from functools import cache

import icu


@cache
def is_right_to_left(language: str) -> bool:
    """True for languages written right to left (ar, fa, he, ur, ps, yi, dv, ckb, pa-Arab…)."""
    tag = language.strip().replace("-", "_")
    if not tag:
        return False
    script = icu.Locale.addLikelySubtags(icu.Locale(tag)).getScript()
    if not script:
        return False
    return any(icu.Script(code).isRightToLeft() for code in icu.Script.getCode(script))
