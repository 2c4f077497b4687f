"""Every partner's cut of one language and aspect is made from the same decoded frames."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from jointcampaign.demo.media import make_demo_video, make_logo
from jointcampaign.media import probe
from jointcampaign.render.cut import CutRequest, EndCard, PartialRenderError, render_cuts
from jointcampaign.render.frame.layout import Box, cut_layout
from jointcampaign.render.video.decode import SourceDecoder
from jointcampaign.render.video.reframe import reframe
from jointcampaign.render.video.yuv import frame_bytes
from tests.helpers.video import frame_at, region_difference

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, SECONDS = 320, 180, 2.0


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("shared-media")
    return {
        "source": make_demo_video(folder / "source.mp4", width=WIDTH, height=HEIGHT, fps=30, seconds=SECONDS),
        "cafe": make_logo(folder / "cafe.png", "Corner Café", "#6F4E37", size=(256, 128)),
        "rosa": make_logo(folder / "rosa.png", "Rosa's Flowers", "#C2185B", size=(256, 128)),
    }


def partner_cut(media: dict[str, Path], out: Path, lead: str, aspect: str = "16:9") -> CutRequest:
    other = "rosa" if lead == "cafe" else "cafe"
    return CutRequest(source=media["source"], cues=[(0.2, 1.8, "Hola")], language="es", out=out, aspect=aspect,
                      height=HEIGHT, logos=[media[lead], media[other]], brand_colour="#6F4E37",
                      end_card=EndCard(seconds=0.5, offer="10%", code="CAFE10"), preset="ultrafast")  # fmt: skip


def test_equal_reframings_are_decoded_as_one_stream(media: dict[str, Path]) -> None:
    info = probe(media["source"])
    wide = reframe((info.width, info.height), cut_layout("16:9", HEIGHT).size)
    tall = reframe((info.width, info.height), cut_layout("9:16", HEIGHT).size)
    plan = [wide, wide, tall]
    frames: dict[int, list[bytes]] = {cut: [] for cut in range(len(plan))}
    with SourceDecoder(media["source"], info, plan) as decoder:
        assert decoder.stream_count == 2 and decoder.graph.count("scale=") == 2

        def read(cut: int) -> None:  # one thread per cut, as the renderer reads
            buffer = bytearray(frame_bytes(plan[cut].size))
            while decoder.read_into(cut, buffer):
                frames[cut].append(bytes(buffer))
                time.sleep(0.002 * cut)  # readers at different speeds

        threads = [threading.Thread(target=read, args=(cut,)) for cut in range(len(plan))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        decoder.finish()
    expected = round(SECONDS * 30)
    assert [len(got) for got in frames.values()] == [expected] * 3
    assert frames[0] == frames[1], "both cuts of the shared stream got every frame, in order"
    assert frames[0][0] != frames[0][-1]


def test_partners_cuts_share_frames_but_keep_their_own_overlays(media: dict[str, Path], tmp_path: Path) -> None:
    requests = [partner_cut(media, tmp_path / f"{lead}-{aspect.replace(':', 'x')}.mp4", lead, aspect)
                for aspect in ("16:9", "9:16") for lead in ("cafe", "rosa")]  # fmt: skip
    results = render_cuts(requests)
    assert [r.path for r in results] == [r.out for r in requests]
    layout = cut_layout("16:9", HEIGHT)
    lead_box = layout.logo_boxes[0]
    cafe, rosa = frame_at(results[0].path, 1.0), frame_at(results[1].path, 1.0)
    # The leading partner's logo differs; the picture away from every overlay is the same.
    assert region_difference(cafe, rosa, lead_box) > 5
    middle = Box(WIDTH // 4, HEIGHT // 3, WIDTH // 2, HEIGHT // 5)
    assert region_difference(cafe, rosa, middle) < 1
    for result, request in zip(results, requests, strict=True):
        assert (result.info.width, result.info.height) == cut_layout(request.aspect, HEIGHT).size
        assert abs(result.info.duration_s - (SECONDS + 0.5)) <= 1 / 30


def test_a_cut_that_cannot_be_put_in_place_leaves_the_others(media: dict[str, Path], tmp_path: Path) -> None:
    blocked = tmp_path / "rosa.mp4"
    (blocked / "in-the-way").mkdir(parents=True)
    requests = [partner_cut(media, tmp_path / "cafe.mp4", "cafe"), partner_cut(media, blocked, "rosa")]
    with pytest.raises(PartialRenderError) as raised:
        render_cuts(requests)
    assert set(raised.value.errors) == {1}
    done = raised.value.results[0]
    assert done is not None and done.path.is_file() and probe(done.path).width == WIDTH
    assert raised.value.results[1] is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cafe.jpg", "cafe.mp4", "rosa.jpg", "rosa.mp4"]
