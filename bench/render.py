"""Benchmark: one co-branded 16:9 cut with render_cut versus plain ffmpeg filters, same machine, same run.

Generates a 1080p30 clip (20 s by default), then times
  * render_cut: moviepy decode + numpy burn-in of subtitles and two logos + libx264, and
  * ffmpeg alone: `subtitles` (libass) + two `overlay` filters + libx264, same preset and CRF,
and prints both times, their ratio, and peak memory. Run: .venv/bin/python bench/render.py
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from jointcampaign.demo.media import make_demo_video, make_logo
from jointcampaign.render.cut import CutRequest, render_cut
from jointcampaign.render.encode import ffmpeg_exe
from jointcampaign.render.fonts import font_for_text
from jointcampaign.render.layout import cut_layout

LINES = [
    "Good morning from Maple Street!",
    "Fresh coffee at Corner Café.",
    "Fresh flowers at Rosa's Flowers.",
    "Show your receipt and save 10%.",
]
PRESET, CRF = "veryfast", 21


def cues_for(seconds: float) -> list[tuple[float, float, str]]:
    cues: list[tuple[float, float, str]] = []
    start = 0.5
    while start + 1.9 <= seconds:
        cues.append((start, start + 1.9, LINES[len(cues) % len(LINES)]))
        start += 2.2
    return cues


def write_srt(path: Path, cues: list[tuple[float, float, str]]) -> None:
    def stamp(seconds: float) -> str:
        millis = round(seconds * 1000)
        return (
            f"{millis // 3_600_000:02}:{millis // 60_000 % 60:02}:{millis // 1000 % 60:02},{millis % 1000:03}"
        )

    blocks = [
        f"{index}\n{stamp(start)} --> {stamp(end)}\n{text}\n"
        for index, (start, end, text) in enumerate(cues, 1)
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")


def plain_ffmpeg(source: Path, srt: Path, logos: list[Path], out: Path, height: int, threads: int) -> None:
    """The same deliverable with ffmpeg filters only: libass subtitles, then two scaled overlays."""
    layout = cut_layout("16:9", height, logo_count=2)
    lead, other = layout.logo_boxes
    font_dir = font_for_text("Hello").path.parent
    style = f"FontName=Noto Sans,Bold=1,FontSize={round(layout.font_px * 0.55)},BorderStyle=3,Outline=6"
    graph = (
        f"[0:v]scale={layout.width}:{layout.height},"
        f"subtitles=filename='{srt}':fontsdir='{font_dir}':force_style='{style}'[subbed];"
        f"[1:v]scale=-1:{lead.height}[lead];[2:v]scale=-1:{other.height}[other];"
        f"[subbed][lead]overlay={lead.x}:{lead.y}[one];"
        f"[one][other]overlay=W-w-{layout.width - other.right}:{other.y},format=yuv420p[v]"
    )
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
        "-i", str(source), "-i", str(logos[0]), "-i", str(logos[1]),
        "-filter_complex", graph, "-map", "[v]", "-map", "0:a",
        "-c:v", "libx264", "-preset", PRESET, "-crf", str(CRF), "-threads", str(threads),
        "-c:a", "copy", "-movflags", "+faststart", str(out),
    ]  # fmt: skip
    subprocess.run(command, check=True)


def peak_rss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jointcampaign-bench-") as scratch:
        folder = Path(scratch)
        width = round(args.height * 16 / 9 / 2) * 2
        started = time.perf_counter()
        source = make_demo_video(folder / "source.mp4", width=width, height=args.height, seconds=args.seconds)
        made_in = time.perf_counter() - started
        print(f"source: {args.seconds:g} s {width}x{args.height} 30 fps, made in {made_in:.1f} s")
        logos = [
            make_logo(folder / "rosa.png", "Rosa's Flowers", "#C2185B"),
            make_logo(folder / "cafe.png", "Corner Café", "#6F4E37"),
        ]
        cues = cues_for(args.seconds)
        srt = folder / "subs.srt"
        write_srt(srt, cues)

        request = CutRequest(
            source=source, cues=cues, language="en", out=folder / "ours.mp4", height=args.height,
            logos=logos, brand_colour="#C2185B", preset=PRESET, crf=CRF, threads=args.threads,
        )  # fmt: skip
        started = time.perf_counter()
        render_cut(request)
        ours = time.perf_counter() - started
        ours_children = peak_rss_mib(resource.RUSAGE_CHILDREN)

        started = time.perf_counter()
        plain_ffmpeg(source, srt, logos, folder / "plain.mp4", args.height, args.threads)
        plain = time.perf_counter() - started

        print(f"render_cut            {ours:6.2f} s  ({args.seconds / ours:4.2f}x real time)")
        print(f"ffmpeg filters only   {plain:6.2f} s  ({args.seconds / plain:4.2f}x real time)")
        print(f"ratio render_cut / ffmpeg = {ours / plain:.2f}")
        whole_run_children = peak_rss_mib(resource.RUSAGE_CHILDREN)
        print(
            f"peak RSS: python {peak_rss_mib(resource.RUSAGE_SELF):.0f} MiB; largest ffmpeg child during "
            f"render_cut {ours_children:.0f} MiB, over the whole run {whole_run_children:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
