"""What the pipeline asks the renderer for, and what it gets back: plain, immutable values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from jointcampaign.media.probe import MediaInfo
from jointcampaign.render.geometry import Box

Fit = Literal["crop", "pad"]
DEFAULT_END_CARD_S = 3.0


class CueLike(Protocol):
    """Anything with start/end in seconds and the text to show (the subtitles module's Cue fits)."""

    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...

    @property
    def text(self) -> str: ...


CueInput = CueLike | tuple[float, float, str]


@dataclass(frozen=True)
class Focus:
    """Where the subject is, as fractions of the source frame, and how to reframe around it.

    `crop` fills the frame with a window centred on (x, y) as far as the source allows; it turns
    into `pad` by itself when the window would keep too little of the source's height (a portrait
    source in a landscape cut). `pad` shows the whole source over a blurred copy of itself.
    """

    x: float = 0.5
    y: float = 0.5
    fit: Fit = "crop"

    def __post_init__(self) -> None:
        if not (0.0 <= self.x <= 1.0 and 0.0 <= self.y <= 1.0):
            raise ValueError(f"focus ({self.x}, {self.y}) must lie within 0..1 on both axes")


@dataclass(frozen=True)
class EndCard:
    """The closing seconds of a cut: the offer for this audience, its code, a QR code, both logos."""

    seconds: float = DEFAULT_END_CARD_S
    offer: str | None = None  # already in the cut's language
    code: str | None = None
    link: str | None = None  # encoded in the QR code
    background: str = "#222222"  # the bundle partner's primary colour
    accent: str = "#FFFFFF"  # the code's plate


@dataclass(frozen=True)
class CutRequest:
    source: Path
    cues: Sequence[CueInput]
    language: str
    out: Path
    aspect: str = "16:9"
    height: int = 1080
    logos: Sequence[Path] = ()  # leading partner first; every logo is shown for the whole cut
    brand_colour: str = "#000000"  # subtitle box
    text_colour: str | None = None  # None: white or near-black, whichever reads on the box
    focus: Focus = field(default_factory=Focus)
    end_card: EndCard | None = None
    preset: str = "veryfast"
    crf: int = 21
    threads: int | None = None  # for this cut's encoder; None lets the renderer share the cores
    font_dirs: Sequence[Path] | None = None
    draft_mark: str | None = None  # burned into every frame when the cut's translation is not reviewed
    platforms: tuple[str, ...] = ()  # apps whose interface every text box and logo keeps clear of

    @property
    def poster(self) -> Path:
        return self.out.with_suffix(".jpg")


@dataclass(frozen=True)
class CutResult:
    path: Path
    info: MediaInfo
    poster_path: Path
    fitting: tuple[str, ...] = ()  # subtitles that needed smaller type or a broken word to fit
    placed: tuple[tuple[str, Box], ...] = ()  # every text box and logo drawn, for reports and tests


def as_cue(cue: CueInput) -> tuple[float, float, str]:
    if isinstance(cue, tuple):
        start, end, text = cue
        return float(start), float(end), str(text)
    return float(cue.start), float(cue.end), str(cue.text)
