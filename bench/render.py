"""Benchmark: the renderer against plain ffmpeg doing the same job, measured in the same run.

On a generated 20 s 1080p30 clip with audio, two partner logos and subtitles:
  (a) one 16:9 cut with burned subtitles and both logos: `render_cut` vs one ffmpeg run with
      `subtitles` (libass) + two `overlay` filters and libx264 at the same preset and CRF;
  (b) all four aspects (16:9, 9:16, 1:1, 4:5) of one language: `render_cuts`, which decodes the
      source once, vs four separate ffmpeg runs that crop, scale, burn and encode;
  (b') the issue's shape, 2 languages × 3 aspects (16:9, 9:16, 1:1): one `render_cuts` per language
      (as the pipeline runs one task per partner and language) vs six separate ffmpeg runs;
  (d) partners × languages × aspects, 2 × 2 × 2 (16:9, 9:16): one `render_cuts` per language making
      both partners' cuts (as the pipeline runs one task per language; partners' cuts of one aspect
      share the decoded frames) vs eight separate ffmpeg+libass runs, one per output;
  (c) peak resident memory of Python plus every ffmpeg process it runs, sampled during (a) and (b).
Each side's CPU time (Python plus every ffmpeg it waited for) is printed too: on a machine shared
with other work the wall-clock ratio moves with their load, the CPU-time ratio much less. Case (d)
also prints its floor: the same eight libx264 encodes with the renderer's own encoder commands, fed
already-reframed frames from files (4 side by side per language, as the renderer runs them) — no
decode, scaling or overlays at all, so no renderer built on these encodes can be faster.
Neither side renders an end card here, so both make exactly the same frames; the end card's own
cost is printed separately. With --repeat N each side runs N times, alternating, and the fastest
run counts (other work on the machine only ever adds time). --cases picks some of a, b, b2, d.
Run: .venv/bin/python bench/render.py   (or: bench/render.py --cases d --height 720 --seconds 10)
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from jointcampaign.demo.media import make_demo_video, make_logo
from jointcampaign.media.probe import probe
from jointcampaign.render.cut import CutRequest, EndCard, render_cut, render_cuts
from jointcampaign.render.frame.layout import cut_layout
from jointcampaign.render.text.fonts import font_for_text
from jointcampaign.render.video.decode import decoder_graph
from jointcampaign.render.video.encode import AudioPlan, EncodeSettings, H264Writer, ffmpeg_exe
from jointcampaign.render.video.memory_budget import encoder_threads
from jointcampaign.render.video.reframe import reframe
from jointcampaign.render.video.yuv import matrix_name

LINES = [
    "Good morning from Maple Street!",
    "Fresh coffee at Corner Café.",
    "Fresh flowers at Rosa's Flowers.",
    "Show your receipt and save 10%.",
]
ASPECTS = ["16:9", "9:16", "1:1", "4:5"]
ISSUE_ASPECTS = ["16:9", "9:16", "1:1"]
ISSUE_LANGUAGES = ["en", "es"]
PARTNER_ASPECTS = ["16:9", "9:16"]
PARTNER_COLOURS = ["#6F4E37", "#C2185B"]  # each partner's subtitle box
CASES = ("a", "b", "b2", "d")
PRESET, CRF = "veryfast", 21
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def cues_for(seconds: float) -> list[tuple[float, float, str]]:
    cues: list[tuple[float, float, str]] = []
    start = 0.5
    while start + 1.9 <= seconds:
        cues.append((start, start + 1.9, LINES[len(cues) % len(LINES)]))
        start += 2.2
    return cues


def write_srt(path: Path, cues: list[tuple[float, float, str]]) -> None:
    def stamp(seconds: float) -> str:
        ms = round(seconds * 1000)
        return f"{ms // 3_600_000:02}:{ms // 60_000 % 60:02}:{ms // 1000 % 60:02},{ms % 1000:03}"

    blocks = [
        f"{i}\n{stamp(start)} --> {stamp(end)}\n{text}\n" for i, (start, end, text) in enumerate(cues, 1)
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")


def plain_ffmpeg(source: Path, srt: Path, logos: list[Path], out: Path, aspect: str, height: int,
                 threads: int) -> None:  # fmt: skip
    """The same cut with ffmpeg filters only: crop and scale, libass subtitles, two scaled overlays."""
    layout = cut_layout(aspect, height, logo_count=2)
    window = reframe((round(height * 16 / 9 / 2) * 2, height), layout.size).window
    lead, other = layout.logo_boxes
    font_dir = font_for_text("Hello").path.parent
    style = f"FontName=Noto Sans,Bold=1,FontSize={round(layout.font_px * 0.55)},BorderStyle=3,Outline=6"
    graph = (
        f"[0:v]crop={window.width}:{window.height}:{window.x}:{window.y},scale={layout.width}:{layout.height},"
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


def tree_rss_kib(root: int) -> int:
    """Resident memory of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            rss[int(entry.name)] = int((entry / "statm").read_text().split()[1]) * PAGE_KIB
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
        children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


class PeakTreeRss:
    """Samples this process tree every 50 ms: getrusage only knows the largest single child, but a
    render runs a decoder and several encoders at once, and their sum is what has to fit."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakTreeRss:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, tree_rss_kib(os.getpid()))
            self._stop.wait(0.05)


def all_plain(plain_cut: Callable[[str], None]) -> None:
    for aspect in ASPECTS:
        plain_cut(aspect)


def cpu_seconds() -> float:
    """User + system time of this process and of every child process it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Timing:
    wall_s: float
    cpu_s: float


def timed(work: Callable[[], object]) -> Timing:
    cpu, started = cpu_seconds(), time.perf_counter()
    work()
    return Timing(time.perf_counter() - started, cpu_seconds() - cpu)


def fastest(timings: list[Timing]) -> Timing:
    return Timing(min(t.wall_s for t in timings), min(t.cpu_s for t in timings))


def best_of(repeat: int, ours: Callable[[], object], plain: Callable[[], object],
            *others: Callable[[], object]) -> list[Timing]:  # fmt: skip
    """Each side `repeat` times, alternating; the fastest wall and CPU time of each, in order."""
    works = [ours, plain, *others]
    times: list[list[Timing]] = [[] for _ in works]
    for _ in range(repeat):
        for runs, work in zip(times, works, strict=True):
            runs.append(timed(work))
    return [fastest(runs) for runs in times]


def side_by_side(label: str, ours: Timing, plain_label: str, plain: Timing) -> str:
    return (f"{label} {ours.wall_s:6.2f} s | {plain_label} {plain.wall_s:6.2f} s | ratio {ours.wall_s / plain.wall_s:.2f}"
            f"   (CPU {ours.cpu_s:6.2f} s vs {plain.cpu_s:6.2f} s, ratio {ours.cpu_s / plain.cpu_s:.2f})")  # fmt: skip


def reframed_frames(source: Path, aspect: str, height: int, out: Path) -> tuple[int, int]:
    """The source decoded and reframed for `aspect` as the renderer's decoder does it, into a raw file."""
    info = probe(source)
    frame = reframe((info.width, info.height), cut_layout(aspect, height, logo_count=2).size)
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
        "-filter_complex", decoder_graph(info, [frame]), "-map", "[out0]",
        "-f", "rawvideo", "-pix_fmt", "yuv420p", str(out),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    return frame.size


def encodes_alone(source: Path, raw: dict[str, tuple[Path, tuple[int, int]]], outputs: list[list[tuple[str, Path]]],
                  threads: int) -> None:  # fmt: skip
    """Each group of (aspect, output) encoded side by side from raw frames, with the renderer's commands."""
    info = probe(source)
    encoders = encoder_threads(threads, max(len(group) for group in outputs))
    for group in outputs:
        running: list[tuple[Path, subprocess.Popen[bytes]]] = []
        for aspect, out in group:
            frames, size = raw[aspect]
            writer = H264Writer(out, size, info.frame_rate, EncodeSettings(PRESET, CRF, encoders),
                                audio=AudioPlan(source, info.audio_codec), pixel_format="yuv420p",
                                matrix=matrix_name(info.color_space))  # fmt: skip
            with frames.open("rb") as feed:
                running.append((out, subprocess.Popen(writer.command, stdin=feed)))
        for out, process in running:
            if process.wait() != 0:
                raise RuntimeError(f"encoding {out.name} from raw frames failed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated: a, b, b2, d (default: all)")
    args = parser.parse_args()
    cases = set(args.cases.split(","))
    if not cases <= set(CASES):
        parser.error(f"--cases takes some of {', '.join(CASES)}")
    print(f"load average before: {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="jointcampaign-bench-") as scratch:
        folder = Path(scratch)
        width = round(args.height * 16 / 9 / 2) * 2
        source = make_demo_video(folder / "source.mp4", width=width, height=args.height, seconds=args.seconds)
        print(f"source: {args.seconds:g} s {width}x{args.height} 30 fps with AAC audio")
        logos = [make_logo(folder / "cafe.png", "Corner Café", "#6F4E37"),
                 make_logo(folder / "rosa.png", "Rosa's Flowers", "#C2185B")]  # fmt: skip
        cues = cues_for(args.seconds)
        srt = folder / "subs.srt"
        write_srt(srt, cues)

        def request(aspect: str, card: EndCard | None = None, language: str = "en", partner: int = 0) -> CutRequest:
            ordered = logos if partner == 0 else logos[::-1]  # the bundle's partner leads
            return CutRequest(source=source, cues=cues, language=language, aspect=aspect, height=args.height,
                              out=folder / f"ours-{partner}-{language}-{aspect.replace(':', 'x')}.mp4", logos=ordered,
                              brand_colour=PARTNER_COLOURS[partner], end_card=card, preset=PRESET, crf=CRF,
                              threads=args.threads)  # fmt: skip

        def plain_cut(aspect: str, language: str = "en", partner: int = 0) -> None:
            ordered = logos if partner == 0 else logos[::-1]
            plain_ffmpeg(source, srt, ordered, folder / f"plain-{partner}-{language}-{aspect.replace(':', 'x')}.mp4",
                         aspect, args.height, args.threads)  # fmt: skip

        def ours_per_language_all_partners() -> None:
            for language in ISSUE_LANGUAGES:
                render_cuts([request(aspect, language=language, partner=partner)
                             for aspect in PARTNER_ASPECTS for partner in (0, 1)], cores=args.threads)  # fmt: skip

        def plain_eight() -> None:
            for language in ISSUE_LANGUAGES:
                for aspect in PARTNER_ASPECTS:
                    for partner in (0, 1):
                        plain_cut(aspect, language, partner)

        def ours_per_language() -> None:
            for language in ISSUE_LANGUAGES:
                render_cuts([request(a, language=language) for a in ISSUE_ASPECTS], cores=args.threads)

        def plain_six() -> None:
            for language in ISSUE_LANGUAGES:
                for aspect in ISSUE_ASPECTS:
                    plain_cut(aspect, language)

        none = Timing(0.0, 0.0)
        single_rss, multi_rss = PeakTreeRss(), PeakTreeRss()
        ours_a, plain_a = none, none
        if "a" in cases:
            with single_rss:
                ours_a, plain_a = best_of(
                    args.repeat, lambda: render_cut(request("16:9")), lambda: plain_cut("16:9")
                )
        ours_b, plain_b = none, none
        if "b" in cases:
            with multi_rss:
                ours_b, plain_b = best_of(
                    args.repeat,
                    lambda: render_cuts([request(aspect) for aspect in ASPECTS], cores=args.threads),
                    lambda: all_plain(plain_cut),
                )
        ours_b2, plain_b2 = best_of(args.repeat, ours_per_language, plain_six) if "b2" in cases else (none, none)
        ours_d, plain_d, floor_d = none, none, none
        if "d" in cases:
            raw = {}  # made before timing: the floor has no decode in it
            for aspect in PARTNER_ASPECTS:
                frames = folder / f"frames-{aspect.replace(':', 'x')}.yuv"
                raw[aspect] = (frames, reframed_frames(source, aspect, args.height, frames))
            groups = [[(aspect, folder / f"alone-{partner}-{language}-{aspect.replace(':', 'x')}.mp4")
                       for aspect in PARTNER_ASPECTS for partner in (0, 1)] for language in ISSUE_LANGUAGES]  # fmt: skip
            ours_d, plain_d, floor_d = best_of(args.repeat, ours_per_language_all_partners, plain_eight,
                                               lambda: encodes_alone(source, raw, groups, args.threads))  # fmt: skip
            for path, _ in raw.values():
                path.unlink()
        with_card = 0.0
        if "a" in cases:
            card = EndCard(offer="Show this at Rosa's Flowers: 10% off with code CAFE10.", code="CAFE10",
                           link="https://rosasflowers.example/maple?utm_source=corner-cafe", background="#6F4E37")  # fmt: skip
            started = time.perf_counter()
            render_cut(request("16:9", card))
            with_card = time.perf_counter() - started

    if "a" in cases:
        print(side_by_side("(a) one 16:9 cut    render_cut", ours_a, "ffmpeg subtitles+overlay", plain_a))
    if "b" in cases:
        print(side_by_side("(b) four aspects    render_cuts (one decode)", ours_b, "4 ffmpeg runs", plain_b))
    if "b2" in cases:
        print(side_by_side("(b') 2 langs × 3 aspects  render_cuts per language", ours_b2, "6 ffmpeg runs", plain_b2))
    if "d" in cases:
        print(side_by_side("(d) 2 partners × 2 langs × 2 aspects  render_cuts per language (partners share frames)",
                           ours_d, "8 ffmpeg+libass runs", plain_d))  # fmt: skip
        print(side_by_side("    floor: the same 8 libx264 encodes alone, from reframed raw frames", floor_d,
                           "8 ffmpeg+libass runs", plain_d))  # fmt: skip
    if "a" in cases and "b" in cases:
        print(f"(c) peak RSS, Python + all ffmpeg processes at once: one cut {single_rss.peak_kib / 1024:.0f} MiB,"
              f" four aspects {multi_rss.peak_kib / 1024:.0f} MiB")  # fmt: skip
    if "a" in cases:
        print(f"    16:9 cut with a 3 s end card: {with_card:.2f} s")
    print(f"load average after: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
