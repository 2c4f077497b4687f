"""Generate the demo campaign's media: a short café-and-flowers scene with audio, and two logos.

Everything is drawn here (PIL + numpy) and encoded with the ffmpeg binary that imageio-ffmpeg
ships, so the demo needs no downloads and no large files in git. Tests call the same functions
with tiny sizes to make fixtures.

    python -m jointcampaign.demo.media [--force]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from jointcampaign.fileio import atomic_path
from jointcampaign.render.text.colour import RGB, parse_hex_colour
from jointcampaign.render.text.fonts import font_for_text
from jointcampaign.render.video.encode import EncodeSettings, H264Writer

DEMO_VIDEO = Path("campaigns/demo-cafe-florist/video/main.mp4")
DEMO_LOGOS: dict[str, tuple[str, str]] = {
    "corner-cafe": ("Corner Café", "#6F4E37"),
    "rosas-flowers": ("Rosa's Flowers", "#C2185B"),
}
AUDIO_RATE = 48_000
SUPERSAMPLE = 3  # shapes are drawn larger and scaled down, which anti-aliases their edges

Frame = npt.NDArray[np.uint8]
_Painter = Callable[[ImageDraw.ImageDraw, int, int], None]


@dataclass(frozen=True)
class DemoMedia:
    video: Path
    logos: dict[str, Path]
    created: tuple[Path, ...]


def ensure_demo_media(repo_root: Path, force: bool = False) -> DemoMedia:
    """Create the demo video and partner logos under `repo_root` unless they already exist."""
    created: list[Path] = []
    video = repo_root / DEMO_VIDEO
    if force or not video.is_file():
        make_demo_video(video)
        created.append(video)
    logos: dict[str, Path] = {}
    for partner, (name, colour) in DEMO_LOGOS.items():
        logo = repo_root / "assets" / "partners" / partner / "logo.png"
        if force or not logo.is_file():
            make_logo(logo, name, colour)
            created.append(logo)
        logos[partner] = logo
    return DemoMedia(video=video, logos=logos, created=tuple(created))


def make_demo_video(
    out: Path, *, width: int = 1920, height: int = 1080, fps: int = 30, seconds: float = 10.0
) -> Path:
    """An H.264/AAC MP4 of a warm café-and-flower scene with soft tones; written atomically."""
    if width % 2 or height % 2:
        raise ValueError(f"width and height must be even for H.264 4:2:0, got {width}x{height}")
    frames = round(seconds * fps)
    scene = _Scene(width, height)
    with atomic_path(out) as partial, tempfile.TemporaryDirectory(dir=out.parent, prefix=".demo-") as scratch:
        audio = Path(scratch) / "tones.wav"
        _write_wav(audio, soft_tones(frames / fps))
        settings = EncodeSettings(preset="veryfast", crf=23, audio_bitrate="128k")
        with H264Writer(partial, (width, height), Fraction(fps), settings, audio_from=audio) as writer:
            for index in range(frames):
                writer.write(np.asarray(scene.frame(index / fps)))
    return out


def make_logo(out: Path, text: str, colour: str, *, size: tuple[int, int] = (512, 256)) -> Path:
    """A transparent PNG: a round badge with the initial, and the name as a wordmark beside it."""
    rgb = parse_hex_colour(colour)
    width, height = size
    big = Image.new("RGBA", (width * SUPERSAMPLE, height * SUPERSAMPLE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    unit = height * SUPERSAMPLE
    badge = round(unit * 0.78)
    top = (unit - badge) // 2
    draw.ellipse((top, top, top + badge, top + badge), fill=(*rgb, 255))
    initial = text.strip()[:1].upper() or "?"
    initial_font = font_for_text(initial, weight="bold").load(round(badge * 0.62))
    draw.text(
        (top + badge / 2, top + badge / 2), initial, font=initial_font, fill=(255, 255, 255, 255), anchor="mm"
    )
    words_left = top * 2 + badge
    _draw_wordmark(draw, text, rgb, (words_left, top, width * SUPERSAMPLE - top, top + badge))
    logo = big.resize(size, Image.Resampling.LANCZOS)
    with atomic_path(out) as partial:
        logo.save(partial, format="PNG")
    return out


def soft_tones(seconds: float, rate: int = AUDIO_RATE) -> npt.NDArray[np.float32]:
    """A slow pentatonic arpeggio over a quiet pad: pleasant, and unmistakably present in tests."""
    samples = round(seconds * rate)
    t = np.arange(samples, dtype=np.float64) / rate
    signal = 0.05 * (np.sin(2 * np.pi * 130.81 * t) + np.sin(2 * np.pi * 196.0 * t))
    notes = [261.63, 293.66, 329.63, 392.0, 440.0, 392.0, 329.63, 293.66]
    step = 0.5
    for index in range(math.ceil(seconds / step)):
        start = index * step
        local = t - start
        active = local >= 0
        envelope = np.where(active, np.exp(-3.0 * np.clip(local, 0, None)) * np.clip(local * 200, 0, 1), 0.0)
        frequency = notes[index % len(notes)]
        tone = np.sin(2 * np.pi * frequency * t) + 0.25 * np.sin(4 * np.pi * frequency * t)
        signal += 0.18 * envelope * tone
    fade = np.clip(np.minimum(t, seconds - t) / 0.3, 0, 1)
    return (signal * fade).astype(np.float32)


class _Scene:
    """A table by a window at sunrise: a coffee cup slides in, a flower sways, petals drift."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.unit = height / 1080
        self.background = Image.fromarray(self._background())
        self.cup = _sprite(round(360 * self.unit), round(300 * self.unit), _draw_cup)
        self.vase = _sprite(round(170 * self.unit), round(230 * self.unit), _draw_vase)
        self.blossom = _sprite(round(230 * self.unit), round(230 * self.unit), _draw_blossom)
        self.petal = _sprite(max(4, round(34 * self.unit)), max(2, round(20 * self.unit)), _draw_petal)

    def frame(self, t: float) -> Image.Image:
        image = self.background.copy()
        draw = ImageDraw.Draw(image)
        u, w, h = self.unit, self.width, self.height
        table_y = round(h * 0.72)
        # The cup eases in from the left during the first three seconds, then rests.
        progress = min(t / 3.0, 1.0)
        eased = 1 - (1 - progress) ** 3
        cup_x = round(-self.cup.width + eased * (w * 0.30 + self.cup.width))
        cup_y = table_y - round(self.cup.height * 0.82)
        image.paste(self.cup, (cup_x, cup_y), self.cup)
        for strand in range(3):
            steam_x = cup_x + round(self.cup.width * (0.32 + 0.14 * strand))
            self._steam(draw, steam_x, cup_y + round(self.cup.height * 0.16), t + strand * 0.7)
        vase_x = round(w * 0.68)
        vase_y = table_y - round(self.vase.height * 0.86)
        sway = math.sin(t * 1.3) * 6
        head_x = vase_x + self.vase.width // 2 + round(math.sin(math.radians(sway)) * 330 * u)
        head_y = vase_y - round(300 * u)
        draw.line(
            [(vase_x + self.vase.width // 2, vase_y + round(20 * u)), (head_x, head_y)],
            fill=(76, 140, 74),
            width=max(2, round(12 * u)),
        )
        head = self.blossom.rotate(t * 12, resample=Image.Resampling.BICUBIC)
        image.paste(head, (head_x - head.width // 2, head_y - head.height // 2), head)
        image.paste(self.vase, (vase_x, vase_y), self.vase)
        for seed in range(6):
            self._drifting_petal(image, t, seed)
        return image

    def _background(self) -> Frame:
        h, w = self.height, self.width
        y = np.linspace(0.0, 1.0, h)[:, None, None]
        x = np.linspace(0.0, 1.0, w)[None, :, None]
        sky = _mix((255, 196, 150), (255, 240, 222), np.clip(y / 0.72, 0, 1))
        glow = np.exp(-(((x - 0.78) / 0.22) ** 2 + ((y - 0.22) / 0.22) ** 2))
        sky = sky + glow * (np.array([255, 250, 230]) - sky) * 0.8
        wood = _mix((150, 102, 70), (110, 72, 48), np.clip((y - 0.72) / 0.28, 0, 1))
        grain = 5 * np.sin(y * 260 + np.sin(x * 7) * 4)
        image = np.where(y < 0.72, sky, wood + grain)
        return np.clip(image, 0, 255).astype(np.uint8)

    def _steam(self, draw: ImageDraw.ImageDraw, x: int, top: int, t: float) -> None:
        u = self.unit
        points = []
        for step in range(12):
            rise = step / 11
            y = top - rise * 170 * u
            wobble = math.sin(rise * 6 + t * 3) * 14 * u * rise
            points.append((x + wobble, y))
        draw.line(points, fill=(255, 248, 238), width=max(1, round(5 * u)), joint="curve")

    def _drifting_petal(self, image: Image.Image, t: float, seed: int) -> None:
        rng = np.random.default_rng(seed)
        start_x, speed, phase = rng.uniform(0.45, 0.98), rng.uniform(0.06, 0.11), rng.uniform(0, 1)
        fall = (phase + t * speed) % 1.0
        x = round((start_x + 0.03 * math.sin(t * 2 + seed)) * self.width)
        y = round((fall * 0.75 - 0.05) * self.height)
        petal = self.petal.rotate((t * 60 + seed * 50) % 360, expand=True, resample=Image.Resampling.BICUBIC)
        image.paste(petal, (x, y), petal)


def _sprite(width: int, height: int, painter: _Painter) -> Image.Image:
    big = Image.new("RGBA", (width * SUPERSAMPLE, height * SUPERSAMPLE), (0, 0, 0, 0))
    painter(ImageDraw.Draw(big), big.width, big.height)
    return big.resize((width, height), Image.Resampling.LANCZOS)


def _draw_cup(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    draw.ellipse(
        (0, h * 0.78, w, h), fill=(250, 250, 248, 255), outline=(215, 205, 195, 255), width=max(1, w // 90)
    )
    draw.ellipse(
        (w * 0.64, h * 0.38, w * 0.90, h * 0.70), outline=(255, 255, 255, 255), width=max(2, w // 24)
    )
    body = (w * 0.18, h * 0.25, w * 0.74, h * 0.88)
    draw.rounded_rectangle(body, radius=w * 0.12, fill=(255, 255, 255, 255))
    draw.rectangle((body[0], h * 0.48, body[2], h * 0.60), fill=(111, 78, 55, 255))
    draw.ellipse((w * 0.20, h * 0.20, w * 0.72, h * 0.32), fill=(92, 58, 36, 255))


def _draw_vase(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    draw.rounded_rectangle((w * 0.12, h * 0.18, w * 0.88, h), radius=w * 0.3, fill=(194, 24, 91, 255))
    draw.rectangle((w * 0.32, 0, w * 0.68, h * 0.3), fill=(194, 24, 91, 255))
    draw.ellipse((w * 0.28, h * 0.45, w * 0.72, h * 0.62), fill=(236, 64, 122, 255))


def _draw_blossom(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    cx, cy = w / 2, h / 2
    for petal in range(8):
        angle = math.tau * petal / 8
        px, py = cx + math.cos(angle) * w * 0.26, cy + math.sin(angle) * h * 0.26
        draw.ellipse((px - w * 0.2, py - h * 0.2, px + w * 0.2, py + h * 0.2), fill=(240, 98, 146, 255))
    draw.ellipse((cx - w * 0.16, cy - h * 0.16, cx + w * 0.16, cy + h * 0.16), fill=(255, 202, 40, 255))


def _draw_petal(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    draw.ellipse((0, 0, w - 1, h - 1), fill=(244, 143, 177, 230))


def _draw_wordmark(draw: ImageDraw.ImageDraw, text: str, rgb: RGB, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    lines = _balanced_lines(text.split())
    size = bottom - top
    font = font_for_text(text, weight="bold")
    while size > 8:
        loaded = font.load(size)
        widths = [loaded.getlength(line) for line in lines]
        line_height = size * 1.15
        if max(widths) <= right - left and line_height * len(lines) <= bottom - top:
            break
        size = round(size * 0.92)
    loaded = font.load(size)
    block = size * 1.15 * len(lines)
    y = top + ((bottom - top) - block) / 2
    for line in lines:
        draw.text((left, y + size * 0.95), line, font=loaded, fill=(*rgb, 255), anchor="ls")
        y += size * 1.15


def _balanced_lines(words: Sequence[str]) -> list[str]:
    if len(words) < 2:
        return [" ".join(words)]
    best = min(
        range(1, len(words)), key=lambda cut: abs(len(" ".join(words[:cut])) - len(" ".join(words[cut:])))
    )
    return [" ".join(words[:best]), " ".join(words[best:])]


def _mix(first: RGB, second: RGB, amount: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.array(first, dtype=np.float64) * (1 - amount) + np.array(second, dtype=np.float64) * amount


def _write_wav(path: Path, signal: npt.NDArray[np.float32], rate: int = AUDIO_RATE) -> None:
    pcm = (np.clip(signal, -1, 1) * 32767).astype("<i2")
    stereo = np.repeat(pcm[:, None], 2, axis=1)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(stereo.tobytes())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create the demo campaign's video and partner logos.")
    parser.add_argument("--force", action="store_true", help="recreate files that already exist")
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="repository root (default: current folder)"
    )
    args = parser.parse_args(argv)
    media = ensure_demo_media(args.root, force=args.force)
    for path in (media.video, *media.logos.values()):
        state = "created" if path in media.created else "exists "
        print(f"{state} {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
