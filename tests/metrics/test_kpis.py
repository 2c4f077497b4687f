"""Measuring the partnership: POS exports in, KPI states, links, plots. Real files and SQLite, no mocks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from jointcampaign.cli.app import app
from jointcampaign.errors import UserInputError
from jointcampaign.metrics.links import is_link_id, is_web_target, link_id
from jointcampaign.metrics.plan import read_plan
from jointcampaign.metrics.plots import report_plots
from jointcampaign.metrics.pos_csv import read_redemptions
from jointcampaign.metrics.store import MetricsStore
from jointcampaign.metrics.summary import summarize
from jointcampaign.metrics.useragent import ua_class
from jointcampaign.pipeline.measure import (
    kpi_blockers,
    kpi_report,
    load_for_measuring,
    measure_plan,
    publish_plan,
    refresh_summary,
    tracked_links,
)
from jointcampaign.pipeline.offers import end_card_for
from jointcampaign.portal.redirects import LinkRegistry
from tests.conftest import DEMO_CAMPAIGN

CODES = ["CAFE10", "BLOOM10"]
MESSY = (
    "\ufeffSale Date;Receipt No;Promo Code;Total\n"
    "2026-11-26 10:02;R-1;CAFE10;12,50\n"
    "27/11/2026;R-2; cafe10 ;8\n"
    ";;;\n"
    "\n"
    "28.11.2026;R-3;;5\n"  # a sale without a code: not a redemption
    "Nov 29, 2026;R-4;BLOOM10;3\n"
    "2026-11-29T18:00:00Z;R-4;BLOOM10;3\n"  # the same receipt listed twice: one redemption
    "1 Dec 2026;R-5;bloom10;4\n"
)


def write(tmp_path: Path, text: str, name: str = "till.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_messy_export_reads_codes_dates_and_skips_sales_without_a_code(tmp_path: Path) -> None:
    parsed = read_redemptions(write(tmp_path, MESSY), CODES)
    rows = [(r.code, r.day.isoformat(), r.line) for r in parsed.redemptions]
    assert rows == [
        ("CAFE10", "2026-11-26", 2),
        ("CAFE10", "2026-11-27", 3),
        ("BLOOM10", "2026-11-29", 7),
        ("BLOOM10", "2026-11-29", 8),
        ("BLOOM10", "2026-12-01", 9),
    ]
    assert parsed.without_code == 1
    # the receipt listed twice has one fingerprint
    assert parsed.redemptions[2].fingerprint == parsed.redemptions[3].fingerprint
    assert len({r.fingerprint for r in parsed.redemptions}) == 4


def test_every_bad_line_is_reported_and_nothing_is_returned(tmp_path: Path) -> None:
    text = "Date,Code\n2026-12-01,NOPE\n03/04/2026,CAFE10\nyesterday,CAFE10\n2026-12-02\n2026-12-02,CAFE10\n"
    with pytest.raises(UserInputError) as caught:
        read_redemptions(write(tmp_path, text), CODES)
    found = [(p.line, p.field, p.message) for p in caught.value.problems]
    assert [line for line, _, _ in found] == [2, 3, 4, 5]
    assert "unknown offer code 'NOPE'" in found[0][2] and found[0][1] == "code"
    assert "day/month or month/day" in found[1][2]
    assert "'yesterday' is not a date" in found[2][2]
    assert all(p.file == tmp_path / "till.csv" and p.fix for p in caught.value.problems)
    # told the order, the ambiguous date reads
    ok = read_redemptions(write(tmp_path, "Date,Code\n03/04/2026,CAFE10\n", "ok.csv"), CODES, date_order="dmy")
    assert ok.redemptions[0].day == dt.date(2026, 4, 3)


def test_unknown_headers_need_a_map(tmp_path: Path) -> None:
    text = "Tag,Gutschein\n2026-12-01,CAFE10\n"
    with pytest.raises(UserInputError, match="no column for the code"):
        read_redemptions(write(tmp_path, text), CODES)
    parsed = read_redemptions(write(tmp_path, text), CODES, {"Gutschein": "code", "Tag": "date"})
    assert [r.code for r in parsed.redemptions] == ["CAFE10"]
    with pytest.raises(UserInputError, match="'colour' is not a field"):
        read_redemptions(write(tmp_path, text), CODES, {"Gutschein": "colour"})


def test_import_is_all_or_nothing_and_a_reimport_counts_nothing(tmp_path: Path) -> None:
    db = tmp_path / "portal.sqlite3"
    runner = CliRunner()
    good = write(tmp_path, MESSY)
    first = runner.invoke(app, ["kpis", "import", str(DEMO_CAMPAIGN), str(good), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "Imported 4 redemption(s)" in first.output
    again = runner.invoke(app, ["kpis", "import", str(DEMO_CAMPAIGN), str(good), "--db", str(db)])
    assert again.exit_code == 0 and "Imported 0 redemption(s)" in again.output
    bad = write(tmp_path, "Date,Code\n2026-12-03,CAFE10\n2026-12-03,WHAT\n", "bad.csv")
    refused = runner.invoke(app, ["kpis", "import", str(DEMO_CAMPAIGN), str(bad), "--db", str(db)])
    assert refused.exit_code == 2 and "bad.csv:3" in refused.output and "Traceback" not in refused.output
    assert len(MetricsStore(db).redemptions(DEMO_CAMPAIGN.name)) == 4  # the good row of bad.csv was not kept


def test_links_are_stable_lowercase_and_only_web_targets(tmp_path: Path) -> None:
    loaded = load_for_measuring(DEMO_CAMPAIGN)
    links = tracked_links(loaded)
    assert links == tracked_links(loaded)  # the same campaign prints the same QR codes
    assert len({link.id for link in links}) == len(links) and all(is_link_id(link.id) for link in links)
    # one per partner × language × cut × placement: café es, vi, zh-Hans; florist es, ar, hi; 16:9 + post;
    # and one per partner for its brief, in the source language
    assert len(links) == 6 * 2 + 2
    assert [(link.referrer, link.language, link.cut) for link in links if link.placement == "brief"] == [
        ("corner-cafe", "en", "text"), ("rosas-flowers", "en", "text")]  # fmt: skip
    zh = next(link for link in links if link.language == "zh-Hans" and link.placement == "end-card")
    assert zh.url == zh.url.lower().replace("https://rosasflowers.example/maple", "https://rosasflowers.example/maple")
    query = parse_qs(urlsplit(zh.url).query)
    assert query == {"utm_source": ["corner-cafe"], "utm_medium": ["referral"],
                     "utm_campaign": ["demo-cafe-florist"], "utm_content": ["zh-hans-16x9"]}  # fmt: skip
    assert not any(is_web_target(url) for url in ("javascript:alert(1)", "//evil.example", "/r/x", "https:\\\\evil"))


def test_end_card_opens_the_portal_redirect_when_one_is_configured(tmp_path: Path) -> None:
    loaded = load_for_measuring(DEMO_CAMPAIGN)
    card = end_card_for(loaded, "corner-cafe", "es", "16:9", None, portal_url="https://portal.example.org")
    ident = link_id("demo-cafe-florist", "corner-cafe", "es", "16:9", "end-card")
    assert card.link == f"https://portal.example.org/r/{ident}"
    publish_plan(loaded, tmp_path / "demo-cafe-florist")
    target = LinkRegistry(tmp_path).resolve(ident)
    assert target is not None and target.campaign == "demo-cafe-florist"
    assert (target.link.referrer, target.link.destination, target.link.language) == ("corner-cafe", "rosas-flowers", "es")
    assert LinkRegistry(tmp_path).resolve("https://evil.example") is None
    assert read_plan(tmp_path / "demo-cafe-florist") == measure_plan(loaded)


def test_states_pace_balance_and_owner_blockers(tmp_path: Path) -> None:
    loaded = load_for_measuring(DEMO_CAMPAIGN)  # measured 2026-11-25 .. 2026-12-31 (37 days), 25% threshold
    db = tmp_path / "portal.sqlite3"
    store = MetricsStore(db)
    store.add_redemptions(loaded.slug, "t.csv", read_redemptions(write(tmp_path, MESSY), CODES).redemptions, 0)
    phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148"
    florist_es = link_id(loaded.slug, "rosas-flowers", "es", "16:9", "end-card")
    florist_ar = link_id(loaded.slug, "rosas-flowers", "ar", "text", "post")
    noon = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC).timestamp()
    for ident, agent in [(florist_es, phone), (florist_ar, phone), (florist_ar, phone), (florist_es, "curl/8")]:
        store.record_click(loaded.slug, ident, ua_class(agent), noon)
    report = kpi_report(loaded, db, dt.date(2026, 12, 1))  # day 7 of 37
    cafe10, bloom10, clicks = report.kpis
    assert (cafe10.value, cafe10.target, cafe10.state) == (2, 40, "behind")
    assert cafe10.expected_by_now == round(40 * 7 / 37, 2) and cafe10.needed_per_day == round(38 / 30, 2)
    assert (bloom10.value, clicks.value) == (2, 3)  # the curl click is a bot: not counted
    assert clicks.by_language == {"ar": 2, "es": 1} and clicks.by_placement == {"end-card": 1, "post": 2}
    sent = {(r.sender, r.receiver): (r.clicks, r.redemptions) for r in report.referrals}
    assert sent == {("corner-cafe", "rosas-flowers"): (0, 2), ("rosas-flowers", "corner-cafe"): (3, 2)}
    assert [(b.partner, b.received_share_percent, b.agreed_revenue_percent) for b in report.balance] == [
        ("corner-cafe", 50.0, 60.0), ("rosas-flowers", 50.0, 40.0)]  # fmt: skip
    # the café sees its own KPIs (BLOOM10, clicks), not the florist's CAFE10
    assert [k.index for k in report.for_partner("corner-cafe").kpis] == [1, 2]
    blockers = kpi_blockers(loaded, report)
    assert {(b.partner, b.deliverable) for b in blockers} == {("rosas-flowers", "kpi:0"), ("corner-cafe", "kpi:1"), ("corner-cafe", "kpi:2")}
    plan = measure_plan(loaded)
    small = replace(plan, kpis=[replace(plan.kpis[0], target=2)])
    clicks_in, redeemed = store.clicks(loaded.slug), store.redemptions(loaded.slug)
    early = summarize(small, clicks_in, redeemed, dt.date(2026, 11, 26)).kpis[0]
    assert (early.value, early.state, early.shortfall_percent) == (1, "on track", 0.0)
    done = summarize(small, clicks_in, redeemed, dt.date(2026, 11, 27)).kpis[0]
    assert (done.value, done.state, done.needed_per_day) == (2, "met", None)
    written = refresh_summary(loaded, tmp_path / "out", db, dt.date(2026, 12, 1))
    assert written == blockers and (tmp_path / "out" / "kpis.json").is_file()


def test_plots_are_svg_and_the_same_bytes_every_time(tmp_path: Path) -> None:
    loaded = load_for_measuring(DEMO_CAMPAIGN)
    report = kpi_report(loaded, tmp_path / "none.sqlite3", dt.date(2026, 12, 1)).for_partner("corner-cafe")
    plots = report_plots(report)
    assert list(plots) == ["kpi-2.svg", "kpi-3.svg", "by-language.svg", "by-placement.svg"]
    assert plots == report_plots(report)
    for svg in plots.values():
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        assert not re.search(r"<dc:date>|20\d\d-\d\d-\d\dT\d\d:", svg)
    assert "Flower customers redeeming BLOOM10" in plots["kpi-2.svg"]


def test_plots_drawn_at_once_in_threads_are_the_same_bytes(tmp_path: Path) -> None:
    """Two partners' bundles are built in parallel threads; matplotlib's settings are global."""
    from concurrent.futures import ThreadPoolExecutor

    loaded = load_for_measuring(DEMO_CAMPAIGN)
    report = kpi_report(loaded, tmp_path / "none.sqlite3", dt.date(2026, 12, 1)).for_partner("corner-cafe")
    expected = report_plots(report)
    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = list(pool.map(lambda _: report_plots(report), range(16)))
    assert all(plots == expected for plots in drawn)


def test_before_counting_starts_the_report_says_so_and_paces_over_the_whole_period(tmp_path: Path) -> None:
    # A campaign made weeks before its deliverables are due: "counted 2026-11-25 to 2026-11-10"
    # and a pace spread over days that are not counted would both mislead the partners.
    loaded = load_for_measuring(DEMO_CAMPAIGN)  # measured 2026-11-25 .. 2026-12-31 (37 days)
    before = kpi_report(loaded, tmp_path / "portal.sqlite3", dt.date(2026, 11, 10))
    assert before.period() == "Counting starts 2026-11-25; targets are due 2026-12-31."
    cafe10 = before.kpis[0]
    assert (cafe10.value, cafe10.expected_by_now, cafe10.needed_per_day) == (0, 0, round(40 / 37, 2))
    during = kpi_report(loaded, tmp_path / "portal.sqlite3", dt.date(2026, 12, 1))
    assert during.period() == "Counted from 2026-11-25 to 2026-12-01; targets are due 2026-12-31."
    after = kpi_report(loaded, tmp_path / "portal.sqlite3", dt.date(2027, 1, 15))
    assert after.period() == "Counted from 2026-11-25 to 2026-12-31, when the targets were due."


def test_with_no_redemptions_yet_the_balance_shows_no_share_and_no_gap(tmp_path: Path) -> None:
    # 0 of 0 redemptions is no share at all: "0%, -60 points" against the split read as a partner
    # falling short before anybody could redeem anything.
    from jointcampaign.pipeline.documents.brief import render_brief

    loaded = load_for_measuring(DEMO_CAMPAIGN)
    report = kpi_report(loaded, tmp_path / "portal.sqlite3", dt.date(2026, 12, 1))
    assert [(b.share_text(), b.gap_text()) for b in report.balance] == [("—", "—"), ("—", "—")]
    brief = render_brief(loaded, "corner-cafe", [], dt.date(2026, 12, 1), results=report.for_partner("corner-cafe"))
    assert "-60 points" not in brief and "+0 points" not in brief
    shown = CliRunner().invoke(app, ["kpis", "show", str(DEMO_CAMPAIGN), "--db", str(tmp_path / "portal.sqlite3"),
                                     "--today", "2026-12-01"])  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "points" not in shown.output
