"""Render co-branded cuts: one decode of the source feeds every cut of a pass.

Each cut is prepared first (layout, reframing, logos and every subtitle as premultiplied YUV
overlays, the end card as a YUV still), so a missing font fails before any encoding. Then one
decoder splits the source into one reframed yuv420p stream per distinct reframing (cuts of one
aspect for several partners share theirs), one thread per cut blends its overlays into just the
regions they cover and feeds its encoder, and the end card's frames follow. Files are written
beside their targets, probed and checked, and only then renamed into place, each cut on its own:
one cut that cannot be finished does not take the others with it (PartialRenderError).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from jointcampaign.fileio import scratch_beside
from jointcampaign.media.probe import MediaInfo, probe
from jointcampaign.render.checks import check_cut, check_decoded_frames, check_inside_safe_zones
from jointcampaign.render.frame.burn import SubtitleTrack, logo_overlays, poster_frame_index, subtitle_track
from jointcampaign.render.frame.draft import DRAFT_MARK, draft_overlay, mark_still
from jointcampaign.render.frame.endcard import end_card_image
from jointcampaign.render.frame.layout import CutLayout, cut_layout
from jointcampaign.render.geometry import Box
from jointcampaign.render.request import CutRequest, CutResult, EndCard, Focus, as_cue
from jointcampaign.render.video.decode import SourceDecoder
from jointcampaign.render.video.encode import AudioPlan, EncodeSettings, H264Writer
from jointcampaign.render.video.memory_budget import DEFAULT_BUDGET_MIB, encoder_threads, plan_passes
from jointcampaign.render.video.reframe import Reframe, reframe
from jointcampaign.render.video.yuv import (
    YuvFrame,
    YuvOverlay,
    frame_bytes,
    matrix_name,
    rgb_to_yuv420,
    yuv420_to_rgb,
)

__all__ = [
    "DRAFT_MARK", "CutRequest", "CutResult", "EndCard", "Focus", "PartialRenderError", "Progress", "render_cut",
    "render_cuts",
]

PROGRESS_EVERY_FRAMES = 15
POSTER_QUALITY = 88
Progress = Callable[[int, float], None]  # (index of the request, fraction done)


class PartialRenderError(Exception):
    """Some cuts were rendered and put in place; others could not be finished (probe, check, rename)."""

    def __init__(self, results: list[CutResult | None], errors: dict[int, str]):
        self.results = results  # per request, None where it failed
        self.errors = errors  # request index -> what went wrong
        first = min(errors)
        super().__init__(f"{len(errors)} of {len(results)} cut(s) failed; cut {first}: {errors[first]}")


@dataclass(frozen=True)
class _Prepared:
    index: int
    request: CutRequest
    layout: CutLayout
    frame: Reframe
    logos: list[YuvOverlay]
    subtitles: SubtitleTrack
    card: bytes | None  # one yuv420p frame
    card_frames: int
    poster_index: int
    placed: tuple[tuple[str, Box], ...]  # every text box and logo drawn, video and end card


@dataclass
class _Output:
    """What one cut's worker produced."""

    decoded: int = 0
    poster: bytes | None = None  # the poster frame as yuv420p; converted after the pass


def render_cut(request: CutRequest, progress: Callable[[float], None] | None = None) -> CutResult:
    """One cut; prefer `render_cuts` for several cuts of one source (they share a decode)."""
    forward = None if progress is None else (lambda _index, fraction: progress(fraction))
    return render_cuts([request], progress=forward)[0]


def render_cuts(
    requests: Sequence[CutRequest],
    *,
    progress: Progress | None = None,
    memory_budget_mib: float = DEFAULT_BUDGET_MIB,
    cores: int | None = None,
) -> list[CutResult]:
    """Render cuts of one source, in as few decodes as the memory budget allows; results in order.

    Cuts whose reframing is equal (same aspect, size and focus) read one decoded stream, so list
    them next to each other: passes are cut from the list in order. Raises PartialRenderError when
    some cuts were finished and others not; any other error means no cut was put in place.
    """
    if not requests:
        return []
    sources = {request.source for request in requests}
    if len(sources) > 1:
        raise ValueError(f"render_cuts takes cuts of one source, got {len(sources)}")
    info = probe(requests[0].source)
    prepared = [_prepare(index, request, info) for index, request in enumerate(requests)]
    cores = cores or os.cpu_count() or 1
    results: list[CutResult | None] = [None] * len(requests)
    errors: dict[int, Exception] = {}
    for group in plan_passes([item.layout.size for item in prepared], memory_budget_mib, cores):
        for outcome, item in zip(_render_pass([prepared[i] for i in group], info, cores, progress),
                                 (prepared[i] for i in group), strict=True):  # fmt: skip
            if isinstance(outcome, CutResult):
                results[item.index] = outcome
            else:
                errors[item.index] = outcome
    if len(errors) == len(requests):
        raise errors[0]  # nothing was made: the error itself, as for a single cut
    if errors:
        raise PartialRenderError(results, {i: str(e) or type(e).__name__ for i, e in errors.items()})
    return [result for result in results if result is not None]


def _prepare(index: int, request: CutRequest, info: MediaInfo) -> _Prepared:
    layout = cut_layout(request.aspect, request.height, logo_count=len(request.logos),
                        language=request.language, platforms=request.platforms)  # fmt: skip
    matrix = matrix_name(info.color_space)
    cues = [as_cue(cue) for cue in request.cues]
    card, card_frames = None, 0
    placed: list[tuple[str, Box]] = []
    if request.end_card is not None and request.end_card.seconds > 0:
        image = end_card_image(request.end_card, layout, request.logos, language=request.language,
                               font_dirs=request.font_dirs, placed=placed)  # fmt: skip
        card = rgb_to_yuv420(image, matrix)
        card_frames = max(1, round(request.end_card.seconds * float(info.frame_rate)))
    logos = logo_overlays(request.logos, layout, matrix, placed)
    if request.draft_mark:
        mark = draft_overlay(request.draft_mark, layout, matrix, request.font_dirs, placed)
        logos.append(mark)  # drawn on every frame, like the logos
        card = mark_still(card, layout.size, mark) if card is not None else None
    subtitles = subtitle_track(
        cues,
        layout,
        language=request.language,
        box_colour=request.brand_colour,
        text_colour=request.text_colour,
        matrix=matrix,
        font_dirs=request.font_dirs,
    )
    return _Prepared(
        index=index,
        request=request,
        layout=layout,
        frame=reframe((info.width, info.height), layout.size, request.focus),
        logos=logos,
        subtitles=subtitles,
        card=card,
        card_frames=card_frames,
        poster_index=poster_frame_index(cues, info.fps, _expected_frames(info)),
        placed=(*placed, *subtitles.boxes),
    )


def _render_pass(
    items: Sequence[_Prepared], info: MediaInfo, cores: int, progress: Progress | None
) -> list[CutResult | Exception]:
    rate = info.frame_rate
    expected = _expected_frames(info)
    outputs = [_Output() for _ in items]
    matrix = matrix_name(info.color_space)
    with ExitStack() as files:
        videos = [files.enter_context(scratch_beside(item.request.out)) for item in items]
        posters = [files.enter_context(scratch_beside(item.request.poster)) for item in items]
        with ExitStack() as processes:
            decoder = processes.enter_context(
                SourceDecoder(items[0].request.source, info, [i.frame for i in items])
            )
            writers = [
                processes.enter_context(H264Writer(
                    video, item.layout.size, rate, _settings(item.request, cores, len(items)),
                    audio=_audio(item, info), pixel_format="yuv420p", matrix=matrix,
                ))
                for video, item in zip(videos, items, strict=True)
            ]  # fmt: skip
            _run_workers(float(rate), items, decoder, writers, outputs, expected, matrix, progress)
            decoder.finish()
        for item, output in zip(items, outputs, strict=True):
            check_decoded_frames(item.request.source, output.decoded, expected)  # the decode is shared
        # Side by side: each cut's finish is mostly waiting for ffprobe or JPEG encoding (no GIL).
        with ThreadPoolExecutor(max_workers=len(items), thread_name_prefix="finish-cut") as pool:
            finishing = [pool.submit(_finish, item, output, video, poster, info, matrix)
                         for item, output, video, poster in zip(items, outputs, videos, posters, strict=True)]  # fmt: skip
        results: list[CutResult | Exception] = []
        for future in finishing:
            error = future.exception()  # this cut only; the others are still finished and put in place
            results.append(future.result() if error is None else _as_exception(error))
    for item in items:
        if progress is not None:
            progress(item.index, 1.0)
    return results


def _as_exception(error: BaseException) -> Exception:
    if isinstance(error, Exception):
        return error
    raise error  # KeyboardInterrupt and the like end the render, as they did before


def _finish(item: _Prepared, output: _Output, video: Path, poster: Path, info: MediaInfo,
            matrix: str) -> CutResult:  # fmt: skip
    """Probe and check one encoded cut, write its poster, then rename both into place."""
    frame_s = 1 / float(info.frame_rate)
    rendered = probe(video)
    check_cut(
        rendered,
        expected_s=info.picture_duration_s + item.card_frames * frame_s,
        frame_s=frame_s,
        size=item.layout.size,
        wants_audio=info.has_audio,
        target=item.request.out,
    )
    check_inside_safe_zones(item.request.out, item.request.aspect, item.layout.size, item.layout.platforms,
                            item.placed, mirrored=item.layout.mirrored)  # fmt: skip
    assert output.poster is not None
    picture = yuv420_to_rgb(YuvFrame.over(bytearray(output.poster), item.layout.size), matrix)
    Image.fromarray(picture).save(poster, format="JPEG", quality=POSTER_QUALITY)
    os.replace(poster, item.request.poster)
    os.replace(video, item.request.out)
    return CutResult(path=item.request.out, info=rendered, poster_path=item.request.poster,
                     fitting=tuple(item.subtitles.fitting), placed=item.placed)  # fmt: skip


def _run_workers(
    fps: float,
    items: Sequence[_Prepared],
    decoder: SourceDecoder,
    writers: Sequence[H264Writer],
    outputs: Sequence[_Output],
    expected: int,
    matrix: str,
    progress: Progress | None,
) -> None:
    """One thread per cut; the first failure stops every process so no thread waits forever."""
    failures: list[BaseException] = []
    lock = threading.Lock()

    def work(stream: int) -> None:
        try:
            _burn(
                stream,
                fps,
                items[stream],
                decoder,
                writers[stream],
                outputs[stream],
                expected,
                matrix,
                progress,
            )
        except BaseException as exc:
            with lock:
                failures.append(exc)
            decoder.abort()
            for writer in writers:
                writer.abort()

    threads = [threading.Thread(target=work, args=(stream,), daemon=True) for stream in range(len(items))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def _burn(
    stream: int,
    fps: float,
    item: _Prepared,
    decoder: SourceDecoder,
    writer: H264Writer,
    output: _Output,
    expected: int,
    matrix: str,
    progress: Progress | None,
) -> None:
    size = item.layout.size
    buffer = bytearray(frame_bytes(size))
    frame = YuvFrame.over(buffer, size)
    total = expected + item.card_frames
    index = 0
    while decoder.read_into(stream, buffer):
        for logo in item.logos:
            logo.blend_into(frame)
        subtitle = item.subtitles.at(index / fps)
        if subtitle is not None:
            subtitle.blend_into(frame)
        writer.write_raw(buffer)
        if index == item.poster_index:
            # A copy now, RGB later: converting here would need ~70 MB per 1080p cut, in every thread at once.
            output.poster = bytes(buffer)
        if progress is not None and index % PROGRESS_EVERY_FRAMES == 0:
            progress(item.index, min(index / total, 0.99))
        index += 1
    output.decoded = index
    if output.poster is None and index:
        output.poster = bytes(buffer)
    if item.card is not None:
        card = memoryview(item.card)
        for _ in range(item.card_frames):
            writer.write_raw(card)
    writer.close_input()


def _settings(request: CutRequest, cores: int, encoders: int) -> EncodeSettings:
    threads = encoder_threads(request.threads or cores, encoders)
    return EncodeSettings(preset=request.preset, crf=request.crf, threads=threads)


def _audio(item: _Prepared, info: MediaInfo) -> AudioPlan | None:
    if not info.has_audio:
        return None
    if not item.card_frames:
        return AudioPlan(item.request.source, info.audio_codec)
    keep = info.picture_duration_s
    return AudioPlan(item.request.source, info.audio_codec, keep_s=keep,
                     total_s=keep + item.card_frames / float(info.frame_rate))  # fmt: skip


def _expected_frames(info: MediaInfo) -> int:
    return max(1, round(info.picture_duration_s * float(info.frame_rate)))
