"""The overlay-free region of each platform's player, per cut aspect, from safe_zones.yaml.

Platforms publish where their buttons and captions sit on their own screen (a 9:16 phone for
Reels, TikTok, Shorts and Stories; the 16:9 player for YouTube). A cut of another aspect is shown
fitted inside that screen and centred, so only the part of each band that overlaps the cut's
picture covers it: the data holds one published fact per platform, and every aspect follows.

The side rails (TikTok's like/comment/share column) sit on the right in a left-to-right app and
on the left when the app runs in a right-to-left language. A right-to-left cut is likely watched
in such an app, but not surely, so its cut keeps clear of the rail on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

from jointcampaign.render.geometry import Box, Insets

_DATA = "safe_zones.yaml"


@dataclass(frozen=True)
class PlatformZone:
    name: str
    screen: tuple[int, int]  # the aspect of the screen the app plays in, e.g. (9, 16)
    insets: Insets  # fractions of that screen covered by the app's own interface
    source: str  # where the figures are published


@cache
def platform_zones() -> dict[str, PlatformZone]:
    """Every known platform, in the data file's order."""
    raw = yaml.safe_load(files("jointcampaign.render").joinpath(_DATA).read_text(encoding="utf-8"))
    zones = {}
    for name, entry in raw.items():
        wide, tall = (int(part) for part in str(entry["screen"]).split(":"))
        sides = entry["insets"]
        insets = Insets(float(sides["top"]), float(sides["right"]), float(sides["bottom"]), float(sides["left"]))
        if not all(0.0 <= side < 0.5 for side in (insets.top, insets.right, insets.bottom, insets.left)):
            raise ValueError(f"{_DATA}: {name}: every inset must lie in [0, 0.5)")
        zones[str(name)] = PlatformZone(str(name), (wide, tall), insets, str(entry["source"]))
    return zones


def known_platforms() -> tuple[str, ...]:
    return tuple(platform_zones())


def frame_insets(platform: str, frame_aspect: tuple[int, int], *, mirrored: bool = False) -> Insets:
    """The share of a cut's own frame, per side, that `platform`'s interface covers."""
    zone = platform_zones().get(platform)
    if zone is None:
        raise ValueError(f"no safe zone is known for platform {platform!r}; known: {', '.join(platform_zones())}")
    screen_w, screen_h = float(zone.screen[0]), float(zone.screen[1])
    frame_w, frame_h = float(frame_aspect[0]), float(frame_aspect[1])
    scale = min(screen_w / frame_w, screen_h / frame_h)  # the app fits the picture inside its screen
    shown_w, shown_h = frame_w * scale, frame_h * scale
    x0, y0 = (screen_w - shown_w) / 2, (screen_h - shown_h) / 2
    bands = zone.insets
    if mirrored:  # a right-to-left app puts the side rail on the left
        side = max(bands.left, bands.right)
        bands = Insets(bands.top, side, bands.bottom, side)

    def covered(band_end: float, picture_start: float, picture_size: float) -> float:
        """How much of the picture (as a fraction) lies under a band reaching `band_end` from the edge."""
        return min(1.0, max(0.0, (band_end - picture_start) / picture_size))

    return Insets(
        top=covered(bands.top * screen_h, y0, shown_h),
        right=covered(bands.right * screen_w, x0, shown_w),
        bottom=covered(bands.bottom * screen_h, y0, shown_h),
        left=covered(bands.left * screen_w, x0, shown_w),
    )


def platform_safe_box(
    platform: str, size: tuple[int, int], frame_aspect: tuple[int, int], *, mirrored: bool = False
) -> Box:
    """The region of a cut of `size` pixels that `platform` leaves uncovered."""
    return frame_insets(platform, frame_aspect, mirrored=mirrored).box_in(*size)


def clear_of_platforms(
    base: Insets, platforms: tuple[str, ...], frame_aspect: tuple[int, int], *, mirrored: bool = False
) -> Insets:
    """`base` margins widened so that nothing under any of `platforms`' interface is used."""
    insets = base
    for platform in platforms:
        insets = insets.union(frame_insets(platform, frame_aspect, mirrored=mirrored))
    return insets
