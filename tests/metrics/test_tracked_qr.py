"""A scanned end card reaches the partner: the QR code rendered into a real cut, read by a real
scanner (zxing-cpp), opens the portal's /r/<id>, which counts the scan and redirects to the page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from jointcampaign.demo.media import make_demo_video, make_logo
from jointcampaign.metrics.links import link_id
from jointcampaign.pipeline.measure import load_for_measuring, publish_plan, tracked_links
from jointcampaign.pipeline.offers import end_card_for
from jointcampaign.portal.app import create_app
from jointcampaign.render.cut import CutRequest, render_cut
from tests.conftest import DEMO_CAMPAIGN
from tests.helpers.video import decode_qr, frame_at

pytestmark = pytest.mark.slow

PORTAL = "https://portal.example.org"
HEIGHT, SECONDS = 360, 2.0


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def test_the_end_card_qr_code_is_a_counted_redirect_to_the_partner(tmp_path: Path) -> None:
    pytest.importorskip("zxingcpp")
    loaded = load_for_measuring(DEMO_CAMPAIGN)
    card = end_card_for(loaded, "corner-cafe", "es", "16:9", None, seconds=2.0, portal_url=PORTAL)
    source = make_demo_video(tmp_path / "source.mp4", width=640, height=HEIGHT, fps=30, seconds=SECONDS)
    logos = [make_logo(tmp_path / "a.png", "Corner Café", "#6F4E37", size=(256, 128)),
             make_logo(tmp_path / "b.png", "Rosa's Flowers", "#C2185B", size=(256, 128))]  # fmt: skip
    cut = render_cut(CutRequest(source=source, cues=[Cue(0.2, 1.5, "Hola")], language="es", out=tmp_path / "es.mp4",
                                height=HEIGHT, logos=logos, brand_colour="#6F4E37", end_card=card,
                                preset="ultrafast", crf=20))  # fmt: skip
    scanned = decode_qr(frame_at(cut.path, SECONDS + 1.0))
    ident = link_id(loaded.slug, "corner-cafe", "es", "16:9", "end-card")
    assert scanned == [f"{PORTAL}/r/{ident}"]

    out = tmp_path / "out"
    publish_plan(loaded, out / loaded.slug)
    client = TestClient(create_app(out, tmp_path / "portal.sqlite3"), follow_redirects=False)
    phone = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148"}
    answer = client.get(urlsplit(scanned[0]).path, headers=phone)
    expected = next(link for link in tracked_links(loaded) if link.id == ident)
    assert answer.status_code == 302 and answer.headers["location"] == expected.url
    assert expected.url.startswith("https://rosasflowers.example/maple?utm_source=corner-cafe")
    clicks = client.app.state.portal.metrics.clicks(loaded.slug)  # type: ignore[attr-defined]
    assert [(c.link_id, c.ua_class) for c in clicks] == [(ident, "mobile")]
