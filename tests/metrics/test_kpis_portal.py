"""Measuring the partnership end to end: real clicks through the running portal's /r/<id>, a messy
till export through the real CLI, and the numbers read back in `kpis show --json`, the brief and
the portal page in Debian's headless Chromium, each partner seeing only its own and shared KPIs.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from jointcampaign.bundle.bag import BagInfo, build_bundle, read_payload_manifest
from jointcampaign.metrics.links import link_id
from jointcampaign.pipeline.bundle_stage import stage_payload
from jointcampaign.pipeline.measure import kpi_report, load_for_measuring, publish_plan, tracked_links
from jointcampaign.pipeline.output_paths import OutputLayout
from jointcampaign.pipeline.results import RunOutcome
from tests.conftest import DEMO_CAMPAIGN
from tests.helpers.browser import chromium, cli, portal_server

pytestmark = pytest.mark.slow

SLUG = "demo-cafe-florist"
PHONE = "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140 Mobile Safari/537.36"
BOT = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
RESULTS_TABLE = """
(() => {
  const heading = [...document.querySelectorAll('h2')].find(h => h.textContent.trim() === 'Results so far');
  let node = heading && heading.nextElementSibling;
  while (node && node.tagName !== 'TABLE') node = node.nextElementSibling;
  return node ? node.innerText : '';
})()
"""
IMAGES_LOADED = "(sel) => [...document.querySelectorAll(sel)].map(img => img.complete && img.naturalWidth > 0)"


def request(base: str, path: str, method: str = "GET", agent: str = PHONE) -> tuple[int, str | None]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request(method, path, headers={"User-Agent": agent})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def run_cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINTCAMPAIGN_PORTAL_DB": str(db), "COLUMNS": "160", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "jointcampaign.cli", *args], capture_output=True, text=True,
                          env=env, timeout=120)  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("kpis")
    out = root / "out"
    publish_plan(load_for_measuring(DEMO_CAMPAIGN), out / SLUG)  # what a run leaves for the portal
    return {"root": root, "out": out, "db": root / "portal.sqlite3"}


@pytest.fixture(scope="module")
def server(site: dict[str, Path]) -> Iterator[tuple[str, Path]]:
    log = site["root"] / "server.log"
    with portal_server(site["out"], site["db"], log) as base:
        yield base, log


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def till_export(folder: Path, today: dt.date) -> Path:
    day = [today - dt.timedelta(days=n) for n in range(5)]
    text = (
        "\ufeffDatum;Bon;Promo Code;Total\n"
        f"{day[4].isoformat()} 09:15;A-1;CAFE10;12,50\n"
        f"{day[3].strftime('%d.%m.%Y')};A-2; cafe10 ;8,00\n"
        ";;;\n"
        f"{day[3].strftime('%d.%m.%Y')};A-3;;4,20\n"  # a sale without a code
        f"{day[2].strftime('%b %d, %Y')};A-4;CAFE10;9,90\n"
        f"{day[2].strftime('%b %d, %Y')};A-4;CAFE10;9,90\n"  # exported twice: one redemption
        f"{day[1].isoformat()}T17:40:00Z;B-1;BLOOM10;5,00\n"
        f"{day[0].strftime('%d %b %Y')};B-2;bloom10;3,50\n"
    )
    path = folder / "till.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_clicks_and_redemptions_reach_each_partner_and_only_theirs(
    site: dict[str, Path], server: tuple[str, Path], browser: Browser
) -> None:
    base, server_log = server
    db, out = site["db"], site["out"]
    today = dt.date.today()
    loaded = load_for_measuring(DEMO_CAMPAIGN)
    links = {(link.referrer, link.language, link.cut, link.placement): link for link in tracked_links(loaded)}

    # --- clicks through the running portal: scans of end cards, taps on links in posts -----------------
    clicks = [
        ("corner-cafe", "es", "16:9", "end-card"), ("corner-cafe", "es", "16:9", "end-card"),
        ("corner-cafe", "vi", "text", "post"),
        ("rosas-flowers", "ar", "text", "post"), ("rosas-flowers", "ar", "text", "post"),
        ("rosas-flowers", "hi", "16:9", "end-card"), ("rosas-flowers", "hi", "16:9", "end-card"),
    ]  # fmt: skip
    for key in clicks:
        link = links[key]
        assert link.id == link_id(SLUG, *key)
        status, location = request(base, f"/r/{link.id}")
        assert status == 302 and location == link.url, (key, status, location)
        assert location == location.lower() and "utm_source=" + key[0] in location
    ar_post = links[("rosas-flowers", "ar", "text", "post")].id
    assert request(base, f"/r/{ar_post}", agent=BOT)[0] == 302  # a link preview: sent on, not counted
    assert request(base, f"/r/{ar_post}", method="HEAD")[0] == 302  # a probe: not counted
    # unknown ids and open-redirect attempts go nowhere
    for path in ["/r/aaaaaaaaaaaa", "/r/https:%2F%2Fevil.example", "/r/%2F%2Fevil.example", "/r//evil.example",
                 "/r/..%2F..%2Fevil", f"/r/{ar_post}x", f"/r/{ar_post.upper()}"]:  # fmt: skip
        status, location = request(base, path)
        assert status == 404 and location is None, (path, status, location)
    status, location = request(base, f"/r/{ar_post}?next=https://evil.example")  # a phone: counted
    assert status == 302 and location == links[("rosas-flowers", "ar", "text", "post")].url

    # --- a messy till export, imported twice, and a malformed one refused -------------------------------
    export = till_export(site["root"], today)
    imported = run_cli("kpis", "import", str(DEMO_CAMPAIGN), str(export), "--map", "Datum=date", "--map", "Bon=receipt", db=db)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "Imported 5 redemption(s)" in imported.stdout and "1 sale(s) without a code" in imported.stdout
    again = run_cli("kpis", "import", str(DEMO_CAMPAIGN), str(export), "--map", "Datum=date", "--map", "Bon=receipt", db=db)
    assert again.returncode == 0 and "Imported 0 redemption(s)" in again.stdout and "6 already counted" in again.stdout
    broken = site["root"] / "broken.csv"
    broken.write_text(f"Date,Code\n{today.isoformat()},CAFE10\n{today.isoformat()},CAFE99\nnot a day,BLOOM10\n")
    refused = run_cli("kpis", "import", str(DEMO_CAMPAIGN), str(broken), db=db)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "broken.csv:3" in refused.stderr and "CAFE99" in refused.stderr and "broken.csv:4" in refused.stderr

    # --- the numbers, as scripts read them ------------------------------------------------------------
    shown = run_cli("kpis", "show", str(DEMO_CAMPAIGN), "--json", db=db)
    assert shown.returncode == 0, shown.stderr
    every = {k["index"]: k for k in json.loads(shown.stdout)["kpis"]}
    assert (every[0]["value"], every[1]["value"], every[2]["value"]) == (3, 2, 5)
    cafe = json.loads(run_cli("kpis", "show", str(DEMO_CAMPAIGN), "--json", "--partner", "corner-cafe", db=db).stdout)
    assert [(k["index"], k["value"], k["target"]) for k in cafe["kpis"]] == [(1, 2, 60), (2, 5, 300)]
    assert cafe["kpis"][1]["by_language"] == {"ar": 3, "hi": 2}
    assert cafe["kpis"][1]["by_placement"] == {"end-card": 2, "post": 3}
    sent = {(r["sender"], r["receiver"]): (r["clicks"], r["redemptions"]) for r in cafe["referrals"]}
    assert sent == {("corner-cafe", "rosas-flowers"): (3, 3), ("rosas-flowers", "corner-cafe"): (5, 2)}
    assert {b["partner"]: b["received_share_percent"] for b in cafe["balance"]} == {"corner-cafe": 40.0, "rosas-flowers": 60.0}

    # --- the bundles a run stages with those numbers: brief and plots ------------------------------------
    report = kpi_report(loaded, db, today)
    layout = OutputLayout(out, SLUG)
    for partner in loaded.campaign.partner_ids:
        payload = stage_payload(loaded, layout, partner, loaded.campaign.languages_for(partner), RunOutcome(), [],
                                today, kpis=report)  # fmt: skip
        info = BagInfo.from_manifest(read_payload_manifest(payload), 1_795_132_800)
        build_bundle(payload, layout.bag_dir(partner), layout.zip_file(partner), info)
    assert sorted(p.name for p in (layout.bag_dir("corner-cafe") / "data" / "kpis").iterdir()) == [
        "by-language.svg", "by-placement.svg", "kpi-2.svg", "kpi-3.svg"]  # fmt: skip

    # --- each partner in a real browser --------------------------------------------------------------
    expected = {
        "corner-cafe": ({"1": "2", "2": "5"}, "Café customers redeeming CAFE10"),
        "rosas-flowers": ({"0": "3"}, "Flower customers redeeming BLOOM10"),
    }
    for partner, (values, foreign_metric) in expected.items():
        link = cli("token", "create", partner, "--campaign", SLUG, "--db", str(db), "--out", str(out),
                   "--base-url", base).stdout.strip()  # fmt: skip
        context = browser.new_context(viewport={"width": 1280, "height": 1600})
        page = context.new_page()
        page.goto(link)
        assert page.evaluate("location.pathname") == f"/campaigns/{SLUG}"
        rows = page.eval_on_selector_all(
            "#results table.kpis tbody tr", "rows => rows.map(r => [r.dataset.kpi, r.querySelector('.value').innerText])"
        )
        assert dict(rows) == values, (partner, rows)
        results = page.inner_text("#results")
        assert foreign_metric not in results
        loaded_plots = page.evaluate(IMAGES_LOADED, "#results img")
        assert loaded_plots and all(loaded_plots), (partner, loaded_plots)
        foreign_index = next(i for i in ("0", "1", "2") if i not in values)
        assert page.request.get(f"{base}/campaigns/{SLUG}/kpis/kpi-{int(foreign_index) + 1}.svg").status == 404

        page.goto(f"{base}/campaigns/{SLUG}/files/brief.html")
        brief_results = page.evaluate(RESULTS_TABLE)
        assert foreign_metric not in brief_results
        for index, value in values.items():
            metric = loaded.campaign.kpis[int(index)].metric
            row = next(line for line in brief_results.splitlines() if line.startswith(metric))
            assert row.split("\t")[2] == value, (partner, row)
        brief_plots = page.evaluate(IMAGES_LOADED, "figure img")
        assert brief_plots and all(brief_plots), (partner, brief_plots)
        context.close()

    # the redirect never wrote who clicked: no address next to /r/ in the access log
    redirect_lines = [line for line in server_log.read_text().splitlines() if "/r/" in line]
    assert redirect_lines and not any("127.0.0.1" in line for line in redirect_lines)
