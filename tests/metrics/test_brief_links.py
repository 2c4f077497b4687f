"""The brief's tracked links go through the portal's counting redirect like the end cards' QR codes:
a partner opens its brief in the portal (headless Chromium), clicks the links, lands on the partner's
page, and `kpis show --json` counts those clicks under placement "brief"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route

from jointcampaign.bundle.bag import BagInfo, build_bundle, read_payload_manifest
from jointcampaign.metrics.links import link_id
from jointcampaign.pipeline.bundle_stage import stage_payload
from jointcampaign.pipeline.measure import load_for_measuring, publish_plan
from jointcampaign.pipeline.output_paths import OutputLayout
from jointcampaign.pipeline.results import RunOutcome
from tests.conftest import DEMO_CAMPAIGN
from tests.helpers.browser import chromium, cli, portal_server

pytestmark = pytest.mark.slow

SLUG = "demo-cafe-florist"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140 Safari/537.36"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def kpis_json(db: Path, partner: str) -> dict[str, object]:
    env = {**os.environ, "JOINTCAMPAIGN_PORTAL_DB": str(db), "NO_COLOR": "1"}
    shown = subprocess.run(
        [sys.executable, "-m", "jointcampaign.cli", "kpis", "show", str(DEMO_CAMPAIGN), "--json", "--partner", partner],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    data: dict[str, object] = json.loads(shown.stdout)
    return data


def test_clicks_on_the_briefs_links_count_under_placement_brief(tmp_path: Path, browser: Browser) -> None:
    out, db = tmp_path / "out", tmp_path / "portal.sqlite3"
    loaded = load_for_measuring(DEMO_CAMPAIGN)
    publish_plan(loaded, out / SLUG)
    with portal_server(out, db, tmp_path / "server.log") as base:
        layout = OutputLayout(out, SLUG)
        for partner in loaded.campaign.partner_ids:
            payload = stage_payload(loaded, layout, partner, loaded.campaign.languages_for(partner), RunOutcome(),
                                    [], loaded.campaign.measurement.start, portal_url=base)  # fmt: skip
            info = BagInfo.from_manifest(read_payload_manifest(payload), 1_795_132_800)
            build_bundle(payload, layout.bag_dir(partner), layout.zip_file(partner), info)

        link = cli("token", "create", "rosas-flowers", "--campaign", SLUG, "--db", str(db), "--out", str(out),
                   "--base-url", base).stdout.strip()  # fmt: skip
        context = browser.new_context(user_agent=DESKTOP)
        landed: list[str] = []

        def partner_site(route: Route) -> None:  # no internet here: the partners' sites answer locally
            landed.append(route.request.url)
            route.fulfill(status=200, content_type="text/html", body="<h1>partner page</h1>")

        context.route("https://*.example/**", partner_site)
        page = context.new_page()
        page.goto(link)
        page.goto(f"{base}/campaigns/{SLUG}/files/brief.html")
        hrefs: list[str] = page.eval_on_selector_all("a.tracked", "links => links.map(a => a.href)")
        for_florists = f"{base}/r/{link_id(SLUG, 'rosas-flowers', 'en', 'text', 'brief')}"
        for_cafe = f"{base}/r/{link_id(SLUG, 'corner-cafe', 'en', 'text', 'brief')}"
        # the partner table shows both partners' links; the café's click KPI shows the link that counts for it
        assert sorted(set(hrefs)) == sorted({for_florists, for_cafe}) and hrefs.count(for_florists) == 2, hrefs

        for _ in range(3):  # the florist's customers' link, clicked three times: it opens the café's page
            page.goto(f"{base}/campaigns/{SLUG}/files/brief.html")
            page.click(f'a.tracked[href="{for_florists}"] >> nth=0')
            page.wait_for_url("https://cornercafe.example/**")
        page.goto(f"{base}/campaigns/{SLUG}/files/brief.html")
        page.click(f'a.tracked[href="{for_cafe}"]')
        page.wait_for_url("https://rosasflowers.example/**")
        context.close()

    assert len(landed) == 4 and all("utm_content=en-brief" in url for url in landed), landed
    assert landed[0].startswith("https://cornercafe.example/maple?utm_source=rosas-flowers&utm_medium=referral")
    cafe = kpis_json(db, "corner-cafe")
    clicks = next(k for k in cafe["kpis"] if k["measured_by"] == "link_clicks")  # type: ignore[attr-defined]
    assert (clicks["value"], clicks["by_placement"], clicks["by_language"]) == (3, {"brief": 3}, {"en": 3})
    sent = {(r["sender"], r["receiver"]): r["clicks"] for r in cafe["referrals"]}  # type: ignore[attr-defined]
    assert sent == {("corner-cafe", "rosas-flowers"): 1, ("rosas-flowers", "corner-cafe"): 3}
