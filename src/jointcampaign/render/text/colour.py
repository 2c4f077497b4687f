"""Brand colours: parsing "#RRGGBB" and choosing a readable text colour on top of them."""

from __future__ import annotations

import re

from jointcampaign.errors import UserInputError

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
NEAR_BLACK: RGB = (20, 20, 20)


def parse_hex_colour(value: str, *, field: str | None = None) -> RGB:
    found = re.fullmatch(r"#?([0-9a-fA-F]{6})", value.strip())
    if found is None:
        raise UserInputError.single(
            None,
            f"colour {value!r} is not a hex colour of the form #RRGGBB",
            'write it as "#" plus six hex digits, e.g. "#6F4E37" (quoted in YAML)',
            field=field,
        )
    digits = found[1]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else float(((value + 0.055) / 1.055) ** 2.4)

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: RGB, second: RGB) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(background: RGB) -> RGB:
    """White on dark and mid brand colours; near-black only where white would be hard to read."""
    if contrast_ratio(WHITE, background) >= 3.0:
        return WHITE
    return (
        WHITE if contrast_ratio(WHITE, background) >= contrast_ratio(NEAR_BLACK, background) else NEAR_BLACK
    )
