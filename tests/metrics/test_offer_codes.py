"""Offer codes that say where the customer saw the offer: redemptions by language and placement.

Real campaign files (a copy of the demo with `codes:` added), the real CSV reader and SQLite store."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jointcampaign.cli.app import app
from jointcampaign.errors import UserInputError
from jointcampaign.metrics.plan import read_plan
from jointcampaign.metrics.plots import report_plots
from jointcampaign.pipeline.measure import kpi_report, load_for_measuring, measure_plan, publish_plan
from jointcampaign.pipeline.offers import end_card_for, offer_line
from tests.conftest import DEMO_ASSETS, DEMO_CAMPAIGN

CAFE10_CODES = """    codes:
      - {code: CAFE10-ES, language: es}
      - {code: CAFE10-ES-QR, language: es, placement: end-card}
      - {code: CAFE10-FLYER, placement: flyer}
"""


def campaign_with(tmp_path: Path, codes: str, after: str = "    expires: 2026-12-31\n") -> Path:
    """The demo campaign with `codes` inserted after the first offer's expiry line."""
    folder = tmp_path / "campaigns" / DEMO_CAMPAIGN.name
    shutil.copytree(DEMO_CAMPAIGN, folder, ignore=shutil.ignore_patterns("*.mp4"))
    shutil.copytree(DEMO_ASSETS, tmp_path / "assets")
    spec = folder / "campaign.yaml"
    text = spec.read_text(encoding="utf-8")
    assert after in text
    spec.write_text(text.replace(after, after + codes, 1), encoding="utf-8")
    return folder


def test_the_demo_campaign_still_validates_and_its_plan_reads_without_codes(tmp_path: Path) -> None:
    loaded = load_for_measuring(DEMO_CAMPAIGN)
    plan = measure_plan(loaded)
    assert all(offer.codes == [] for offer in plan.offers)
    publish_plan(loaded, tmp_path / "demo")
    # a plan written before offers had extra codes (no "codes" key) still reads
    written = json.loads((tmp_path / "demo" / "measure.json").read_text())
    for offer in written["offers"]:
        del offer["codes"]
    (tmp_path / "demo" / "measure.json").write_text(json.dumps(written))
    assert read_plan(tmp_path / "demo") == plan


def test_redemptions_carry_the_language_and_placement_their_code_names(tmp_path: Path) -> None:
    folder = campaign_with(tmp_path, CAFE10_CODES)
    loaded = load_for_measuring(folder)
    db = tmp_path / "portal.sqlite3"
    export = tmp_path / "till.csv"
    export.write_text(
        "Date,Receipt,Code\n"
        "2026-11-26,R1,CAFE10\n"        # the offer's own code: language and placement unknown
        "2026-11-27,R2,cafe10-es\n"     # Spanish, placement not said
        "2026-11-27,R3,CAFE10-ES-QR\n"  # Spanish end card
        "2026-11-28,R4,CAFE10-ES-QR\n"
        "2026-11-29,R5,CAFE10-FLYER\n"  # the printed flyer, any language
        "2026-11-29,R6,BLOOM10\n",
        encoding="utf-8",
    )  # fmt: skip
    runner = CliRunner()
    imported = runner.invoke(app, ["kpis", "import", str(folder), str(export), "--db", str(db)])
    assert imported.exit_code == 0 and "Imported 6 redemption(s)" in imported.output, imported.output

    report = kpi_report(loaded, db, dt.date(2026, 12, 1))
    cafe10, bloom10, _ = report.kpis
    assert cafe10.value == 5  # every code of the offer counts for the KPI on the offer
    assert cafe10.by_language == {"es": 3, "unknown": 2}
    assert cafe10.by_placement == {"end-card": 2, "flyer": 1, "unknown": 2}
    assert (bloom10.value, bloom10.by_language, bloom10.by_placement) == (1, {"unknown": 1}, {"unknown": 1})
    sent = {(r.sender, r.receiver): r.redemptions for r in report.referrals}
    assert sent == {("corner-cafe", "rosas-flowers"): 5, ("rosas-flowers", "corner-cafe"): 1}

    shown = runner.invoke(app, ["kpis", "show", str(folder), "--json", "--today", "2026-12-01", "--db", str(db)])
    data = json.loads(shown.stdout)
    assert data["by_language"] == {"clicks": {}, "redemptions": {"es": 3, "unknown": 3}}
    assert data["by_placement"] == {"clicks": {}, "redemptions": {"end-card": 2, "flyer": 1, "unknown": 3}}
    table = runner.invoke(app, ["kpis", "show", str(folder), "--today", "2026-12-01", "--db", str(db)],
                          env={"COLUMNS": "160"}).output  # fmt: skip
    assert "Clicks and redemptions by placement" in table
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in table.splitlines() if "│" in line]
    assert ["flyer", "0", "1"] in rows and ["es", "0", "3"] in rows, table
    florist = json.loads(runner.invoke(app, ["kpis", "show", str(folder), "--json", "--today", "2026-12-01",
                                             "--partner", "rosas-flowers", "--db", str(db)]).stdout)  # fmt: skip
    assert florist["by_language"]["redemptions"] == {"es": 3, "unknown": 2}  # only the KPIs it may see

    plots = report_plots(report.for_partner("rosas-flowers"))
    for name, label in (("by-language.svg", "es"), ("by-placement.svg", "flyer")):
        svg = plots[name]
        assert "Clicks and redemptions" in svg and "redemptions" in svg and label in svg


def test_an_end_card_shows_the_code_its_language_and_placement_name(tmp_path: Path) -> None:
    loaded = load_for_measuring(campaign_with(tmp_path, CAFE10_CODES))
    # the café's audience gets CAFE10: its Spanish end card shows the Spanish end-card code
    assert end_card_for(loaded, "corner-cafe", "es", "16:9", None).code == "CAFE10-ES-QR"
    assert "code CAFE10-ES-QR." in (offer_line(loaded, "corner-cafe", "es") or "")
    assert end_card_for(loaded, "corner-cafe", "vi", "16:9", None).code == "CAFE10"  # none listed for vi
    offer = loaded.campaign.offers[0]
    assert (offer.code_for("es", "post"), offer.code_for("vi", "flyer")) == ("CAFE10-ES", "CAFE10-FLYER")


@pytest.mark.parametrize(
    ("codes", "field", "says"),
    [
        ("    codes:\n      - {code: CAFE10, language: es}\n", "offers[0].codes[0].code", "used twice"),
        ("    codes:\n      - {code: BLOOM10, language: es}\n", "offers[1].code", "used twice"),
        ("    codes:\n      - {code: CAFE10-X}\n", "offers[0].codes[0]", "neither its language nor its placement"),
        ("    codes:\n      - {code: CAFE10-FR, language: fr}\n", "offers[0].codes[0].language",
         "not a language of this campaign"),
        ("    codes:\n      - {code: CAFE10-A, language: es}\n      - {code: CAFE10-B, language: es}\n",
         "offers[0].codes[1]", "same language and placement"),
        ("    codes:\n      - {code: cafe10-es, language: es}\n", "offers[0].codes[0].code", "not a valid code"),
    ],
)  # fmt: skip
def test_bad_offer_codes_are_refused_with_the_field_and_a_fix(
    tmp_path: Path, codes: str, field: str, says: str
) -> None:
    folder = campaign_with(tmp_path, codes)
    with pytest.raises(UserInputError) as raised:
        load_for_measuring(folder)
    problems = raised.value.problems
    assert any(field in (p.field or "") and says in p.message and p.fix for p in problems), problems
    assert all(p.file == folder / "campaign.yaml" and p.line for p in problems), problems


def test_a_kpi_on_one_of_the_offers_codes_is_told_to_count_the_offer(tmp_path: Path) -> None:
    folder = campaign_with(tmp_path, CAFE10_CODES)
    spec = folder / "campaign.yaml"
    spec.write_text(spec.read_text().replace("    code: CAFE10\n", "    code: CAFE10-ES\n", 1))
    with pytest.raises(UserInputError) as raised:
        load_for_measuring(folder)
    [problem] = [p for p in raised.value.problems if p.field == "kpis[0].code"]
    assert "one of offer CAFE10's codes" in problem.message and "set code to CAFE10" in problem.fix
