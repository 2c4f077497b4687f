"""Benchmark: the project's renderer against moviepy 2 compositing the same 16:9 cut, same run.

Why this exists: the card pinned moviepy, and the renderer went its own way (one decode, frames
kept in yuv420p, overlays blended only where they draw). This measures whether that was worth it.
Both sides make one 16:9 cut of a generated clip with audio: two partner logos and burned
subtitles, libx264 at the same preset, CRF and thread count, AAC audio. moviepy composites RGB
frames in Python (VideoFileClip + ImageClip logos + one TextClip per cue + CompositeVideoClip).
The fastest of --repeat runs counts on each side (other work on the machine only adds time).

moviepy is not a project dependency; install it to run this: pip install moviepy==2.2.1
Run: .venv/bin/python bench/moviepy_render.py [--height 720] [--seconds 10] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from jointcampaign.demo.media import make_demo_video, make_logo
from jointcampaign.render.cut import CutRequest, render_cut
from jointcampaign.render.frame.layout import cut_layout
from jointcampaign.render.text.fonts import font_for_text

LINES = ["Good morning from Maple Street!", "Fresh coffee at Corner Café.", "Show your receipt and save 10%."]
PRESET, CRF = "veryfast", 21


def cues_for(seconds: float) -> list[tuple[float, float, str]]:
    cues: list[tuple[float, float, str]] = []
    start = 0.5
    while start + 1.9 <= seconds:
        cues.append((start, start + 1.9, LINES[len(cues) % len(LINES)]))
        start += 2.2
    return cues


def moviepy_cut(source: Path, logos: list[Path], cues: list[tuple[float, float, str]], out: Path,
                height: int, threads: int) -> None:  # fmt: skip
    """The same cut the way moviepy's documentation composes one."""
    from moviepy import CompositeVideoClip, ImageClip, TextClip, VideoFileClip

    layout = cut_layout("16:9", height, logo_count=2)
    font = str(font_for_text(LINES[0]).path)
    video = VideoFileClip(str(source)).resized(height=layout.height)
    lead, other = layout.logo_boxes
    layers = [
        video,
        ImageClip(str(logos[0])).resized(height=lead.height).with_position((lead.x, lead.y)),
        ImageClip(str(logos[1])).resized(height=other.height).with_position((other.x, other.y)),
    ]
    for start, end, text in cues:
        # An explicit margin: moviepy 2.2.1's TextClip cuts off descenders without one.
        caption = TextClip(font=font, text=text, font_size=round(layout.font_px), color="white",
                           bg_color="#6F4E37", margin=(12, 8))  # fmt: skip
        layers.append(
            caption.with_start(start).with_end(end).with_position(("center", layout.height * 0.8))
        )
    composite = CompositeVideoClip(layers, size=(layout.width, layout.height)).with_duration(video.duration)
    composite.write_videofile(str(out), codec="libx264", preset=PRESET, ffmpeg_params=["-crf", str(CRF)],
                              audio_codec="aac", threads=threads, logger=None)  # fmt: skip
    video.close()


def fastest(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    try:
        import moviepy  # noqa: F401
    except ImportError:
        print("moviepy is not installed (it is not a project dependency): pip install moviepy==2.2.1")
        return 0
    print(f"load average before: {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="jointcampaign-bench-") as scratch:
        folder = Path(scratch)
        width = round(args.height * 16 / 9 / 2) * 2
        source = make_demo_video(folder / "source.mp4", width=width, height=args.height, seconds=args.seconds)
        logos = [make_logo(folder / "cafe.png", "Corner Café", "#6F4E37"),
                 make_logo(folder / "rosa.png", "Rosa's Flowers", "#C2185B")]  # fmt: skip
        cues = cues_for(args.seconds)
        request = CutRequest(source=source, cues=cues, language="en", aspect="16:9", height=args.height,
                             out=folder / "ours.mp4", logos=logos, brand_colour="#6F4E37", end_card=None,
                             preset=PRESET, crf=CRF, threads=args.threads)  # fmt: skip
        ours = fastest(args.repeat, lambda: render_cut(request))
        theirs = fastest(
            args.repeat,
            lambda: moviepy_cut(source, logos, cues, folder / "moviepy.mp4", args.height, args.threads),
        )
    print(f"one 16:9 cut, {args.seconds:g} s {width}x{args.height}, {len(cues)} cues, two logos, "
          f"fastest of {args.repeat}")  # fmt: skip
    print(f"{'':10} {'seconds':>8} {'x realtime':>11}")
    for name, seconds in (("ours", ours), ("moviepy", theirs)):
        print(f"{name:10} {seconds:8.2f} {args.seconds / seconds:11.2f}")
    print(f"ratio moviepy/ours: {theirs / ours:.2f} (above 1: the project's renderer is faster)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
