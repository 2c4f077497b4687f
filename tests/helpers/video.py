"""Helpers for render tests: read frames back, compare regions, decode QR codes, derive sources."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import numpy.typing as npt

from jointcampaign.media import probe
from jointcampaign.render.frame.layout import Box

PHRASES = Path(__file__).resolve().parents[2] / "src/jointcampaign/translate/demo_phrases"


def ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *args], check=True)


def frame_at(video: Path, t: float) -> npt.NDArray[np.int16]:
    raw = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-ss", f"{t:.3f}", "-i", str(video),
            "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
        ],
        capture_output=True,
        check=True,
    ).stdout  # fmt: skip
    info = probe(video)
    return np.frombuffer(raw, dtype=np.uint8).reshape(info.height, info.width, 3).astype(np.int16)


def region_difference(first: npt.NDArray[np.int16], second: npt.NDArray[np.int16], box: Box) -> float:
    window = np.s_[box.y : box.bottom, box.x : box.right]
    return float(np.mean(np.abs(first[window] - second[window])))


def decode_qr(rgb: npt.NDArray[np.generic]) -> list[str]:
    """Every QR code a real scanner (zxing-cpp) reads in the picture."""
    import zxingcpp

    return [found.text for found in zxingcpp.read_barcodes(np.ascontiguousarray(rgb.astype(np.uint8)))]


def demo_translation(english: str, language: str) -> str:
    """What the demo translation model was trained to say for `english` (its phrase table)."""
    table = PHRASES / f"en-{language.split('-')[0]}.tsv"
    for line in table.read_text(encoding="utf-8").splitlines():
        source, _, target = line.partition("\t")
        if source == english:
            return target
    raise KeyError(f"{english!r} is not in {table.name}")


def with_frame_rate(source: Path, out: Path, rate: str) -> Path:
    ffmpeg("-i", str(source), "-vf", f"fps={rate}", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "copy",
           str(out))  # fmt: skip
    return out


def portrait(source: Path, out: Path) -> Path:
    ffmpeg("-i", str(source), "-vf", "crop=ih*9/16:ih,scale=180:320", "-c:v", "libx264", "-preset", "ultrafast",
           "-c:a", "copy", str(out))  # fmt: skip
    return out


def without_audio(source: Path, out: Path) -> Path:
    ffmpeg("-i", str(source), "-an", "-c", "copy", str(out))
    return out
