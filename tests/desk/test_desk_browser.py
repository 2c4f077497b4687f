"""A campaign lead at the desk, in a real browser (Playwright on Debian's Chromium) against a real portal.

The lead uploads the demo campaign folder, sees it validate, submits it, and a second, edited
submission right after; the second waits while the first runs (the local runner, real pipeline,
real demo models, 144-pixel renders). Both reach "done"; the partner bundle downloaded from the run
page has the sha256 the page lists and verifies as a BagIt bag. Then broken campaigns — bad YAML, a
missing logo, a split that is not 100, an unknown language, a zip with `../` entries, a file over
the size limit — each show their error next to the file and field, queue nothing, and leave the
last result downloadable. Partner tokens never reach the desk; a lead sees only their campaigns.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from jointcampaign.bundle.verify import verify_bundle
from tests.conftest import DEMO_ASSETS, DEMO_CAMPAIGN
from tests.helpers.browser import chromium, cli, portal_server, wait_until

pytestmark = pytest.mark.slow

SLUG = DEMO_CAMPAIGN.name
RUN_TIMEOUT_MS = 420_000
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@dataclass
class Desk:
    root: Path
    base: str
    db: Path
    home: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, demo_models_dir: Path) -> Iterator[Desk]:
    root = tmp_path_factory.mktemp("desk")
    home = root / "home"
    home.mkdir()
    (home / "models").symlink_to(demo_models_dir, target_is_directory=True)
    shutil.copytree(DEMO_ASSETS, root / "assets")
    (root / "out").mkdir()
    env = {
        "JOINTCAMPAIGN_HOME": str(home),
        "JOINTCAMPAIGN_RENDER_HEIGHT": "144",
        "JOINTCAMPAIGN_UPLOAD_MAX_FILE_MB": "1",
        "JOINTCAMPAIGN_UPLOAD_MAX_SUBMISSION_MB": "20",
        "ARGOS_PACKAGES_DIR": str(home / "models"),
    }
    db = root / "portal.sqlite3"
    extra = ["--assets", str(root / "assets"), "--runner", "local"]
    with portal_server(root / "out", db, root / "server.log", *extra, env=env) as base:
        yield Desk(root, base, db, home, env)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def lead_link(desk: Desk, lead: str, *campaigns: str) -> str:
    args = ["lead", "create", lead, "--db", str(desk.db), "--base-url", desk.base]
    for campaign in campaigns:
        args += ["--campaign", campaign]
    link = cli(*args, env=desk.env).stdout.strip()
    assert link.startswith(f"{desk.base}/desk/t/")
    return link


def campaign_copy(desk: Desk, name: str) -> Path:
    """A private copy of the demo campaign folder to edit (the folder name is the campaign's slug)."""
    work = desk.root / "work" / name
    while work.exists():
        work = work.with_name(work.name + "-again")
    folder = work / SLUG
    shutil.copytree(DEMO_CAMPAIGN, folder)
    return folder


def edit_yaml(folder: Path, old: str, new: str) -> None:
    path = folder / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def upload(page: Page, *, folder: Path | None = None, archive: Path | None = None) -> int:
    """Upload through the page's own form, as a lead does; the HTTP status of the page it lands on."""
    if folder is not None:
        page.set_input_files("#folder-input", str(folder))
    if archive is not None:
        page.set_input_files("#zip-input", str(archive))
    with page.expect_navigation(url=re.compile(r"/desk/drafts/[0-9a-f]+$")) as navigation:
        page.click("#check-button")
    response = navigation.value
    assert response is not None
    return response.status


def status_of(page: Page, run_path: str) -> dict[str, Any]:
    response = page.request.get(f"{run_path}/status.json")
    assert response.ok, response.status
    data: dict[str, Any] = response.json()
    return data


def problems_in(page: Page, file: str) -> list[dict[str, str]]:
    """The problems the page shows in the section of ``file`` ("" = the upload as a whole)."""
    shown = []
    for section in page.locator(".problem-file").all():
        if section.get_attribute("data-file") != file:
            continue
        for problem in section.locator(".problem").all():
            shown.append({"field": problem.get_attribute("data-field") or "", "text": problem.inner_text()})
    return shown


def progress_values(page: Page) -> list[float]:
    try:
        values: list[float] = page.eval_on_selector_all("progress", "els => els.map(e => e.value)")
    except PlaywrightError:  # the page is reloading
        return []
    return values


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@dataclass
class Runs:
    context: BrowserContext
    page: Page
    first: str  # run page paths
    second: str


@pytest.fixture(scope="module")
def runs(desk: Desk, browser: Browser) -> Iterator[Runs]:
    """The lead submits the demo campaign, then an edited version while the first still runs."""
    context = browser.new_context(accept_downloads=True, viewport=LAPTOP, base_url=desk.base)
    page = context.new_page()
    page.goto(lead_link(desk, "ana", SLUG, "spring-2027"))
    assert page.url == f"{desk.base}/desk"
    assert {SLUG, "spring-2027"} <= set(
        page.eval_on_selector_all(".card", "els => els.map(e => e.dataset.campaign)")
    )
    assert page.get_by_label("Campaign folder").is_visible()
    assert page.get_by_label("Campaign .zip").is_visible()

    assert upload(page, folder=campaign_copy(desk, "first")) == 200
    summary = page.locator("#validation-summary")
    assert "Valid" in summary.inner_text() and "Corner Café" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "validation-summary"
    assert "review/es.po has not been supplied yet" in summary.inner_text()  # a blocker, not an error
    assert "local runner" in summary.inner_text()
    with page.expect_navigation(url=re.compile(r"/desk/runs/[0-9a-f]+$")):
        page.click("#submit-button")
    first = page.url.removeprefix(desk.base)

    second_page = context.new_page()
    second_page.goto("/desk")
    edited = campaign_copy(desk, "second")
    edit_yaml(
        edited,
        "revenue: {corner-cafe: 60, rosas-flowers: 40}",
        "revenue: {corner-cafe: 55, rosas-flowers: 45}",
    )
    assert upload(second_page, folder=edited) == 200
    with second_page.expect_navigation(url=re.compile(r"/desk/runs/[0-9a-f]+$")):
        second_page.click("#submit-button")
    second = second_page.url.removeprefix(desk.base)
    assert second != first
    # the same campaign never runs twice at once: the second waits for the first
    assert status_of(page, first)["state"] == "running"
    assert second_page.get_attribute("#run-state", "data-state") == "queued"
    assert "Waiting" in second_page.inner_text("#run-queue")
    second_page.close()

    # the page follows the run live: progress bars fill before the page shows "done"
    # (polled from here: the desk's CSP rightly forbids the eval that wait_for_function needs)
    wait_until(
        lambda: any(v > 0 for v in progress_values(page)), "progress on the run page", RUN_TIMEOUT_MS / 1000
    )
    page.wait_for_selector('#run-state[data-state="done"]', timeout=RUN_TIMEOUT_MS)
    page.goto(second)
    page.wait_for_selector(".bundles", timeout=RUN_TIMEOUT_MS)  # rendered once the run is finished
    assert page.get_attribute("#run-state", "data-state") == "done", page.inner_text("#run")
    yield Runs(context, page, first, second)
    context.close()


def test_lead_submits_and_downloads_a_bundle_that_matches(desk: Desk, runs: Runs) -> None:
    page = runs.page
    first, second = status_of(page, runs.first), status_of(page, runs.second)
    assert first["state"] == second["state"] == "done"
    assert first["finished_at"] <= second["started_at"], "two runs of one campaign overlapped"
    for stage in second["stages"]:
        assert stage["steps"] and stage["done"] == 1.0, stage
    assert {s["step"] for s in second["stages"][2]["steps"]} == {
        f"{p} {lang} 16:9"
        for p in ("corner-cafe", "rosas-flowers")
        for lang in ("es", "vi", "ar", "hi", "zh-Hans")
    }
    assert progress_values(page) and all(v == 100 for v in progress_values(page))

    card = page.locator('.bundles [data-partner="corner-cafe"]')
    listed = card.locator("[data-sha256]").get_attribute("data-sha256")
    with page.expect_download() as started:
        card.get_by_role("link", name=re.compile("Download Corner Café's bundle")).click()
    download = started.value
    saved = desk.root / "downloads" / download.suggested_filename
    download.save_as(saved)
    digest = hashlib.sha256(saved.read_bytes()).hexdigest()
    recorded = {b["partner"]: b["sha256"] for b in second["bundles"]}
    assert digest == listed == recorded["corner-cafe"]
    assert verify_bundle(saved) == []
    with zipfile.ZipFile(saved) as bag:
        manifest = json.loads(bag.read("corner-cafe/data/manifest.json"))
    assert manifest["source_hash"] == second["source_hash"]  # this bundle is this submission's

    brief = page.request.get(f"{runs.second}/bundles/corner-cafe/brief.html")
    assert brief.ok and "Coffee and flowers" in brief.text()
    assert page.request.get(f"{runs.second}/bundles/rosas-flowers/qc.html").ok
    # the first run's bundle has been replaced by the second's: the desk says so instead of serving it
    assert page.request.get(f"{runs.first}/bundles/corner-cafe.zip").status == 410


BROKEN_CASES = ["bad-yaml", "missing-logo", "split", "language", "zip-slip", "too-big"]


def broken_upload(desk: Desk, case: str) -> dict[str, Path]:
    if case == "zip-slip":
        archive = desk.root / "work" / "zip-slip.zip"
        archive.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(archive, "w") as out:
            for path in sorted(DEMO_CAMPAIGN.rglob("*")):
                if path.is_file():
                    out.write(path, f"{SLUG}/{path.relative_to(DEMO_CAMPAIGN).as_posix()}")
            out.writestr("../evil.txt", "written outside the upload")
        return {"archive": archive}
    if case == "missing-logo":
        # a project folder bringing its own brand kit for Corner Café, without the logo it names
        project = desk.root / "work" / "missing-logo"
        shutil.copytree(DEMO_CAMPAIGN, project / "campaigns" / SLUG)
        kit = project / "assets" / "partners" / "corner-cafe"
        shutil.copytree(DEMO_ASSETS / "partners" / "corner-cafe", kit)
        (kit / "logo.png").unlink()
        return {"folder": project}
    folder = campaign_copy(desk, case)
    if case == "bad-yaml":
        edit_yaml(folder, "title: Coffee and flowers on Maple Street", "title: [Coffee and flowers")
    elif case == "split":
        edit_yaml(
            folder,
            "revenue: {corner-cafe: 60, rosas-flowers: 40}",
            "revenue: {corner-cafe: 60, rosas-flowers: 30}",
        )
    elif case == "language":
        edit_yaml(
            folder, "languages: [es, vi, ar, hi, zh-Hans]", "languages: [es, vi, ar, hi, zh-Hans, xx-bogus]"
        )
    elif case == "too-big":
        (folder / "video" / "main.mp4").write_bytes((folder / "video" / "main.mp4").read_bytes() * 4)
    return {"folder": folder}


def expected_problem(case: str) -> tuple[str, str | None, str]:
    """(file section, field, words in the message) the page must show for each broken campaign."""
    return {
        "bad-yaml": ("campaign.yaml", None, "YAML"),
        "missing-logo": ("assets/partners/corner-cafe/brand.yaml", "logo", "logo file"),
        "split": ("campaign.yaml", "split.revenue", "90%"),
        "language": ("campaign.yaml", "languages[5]", "xx-bogus"),
        "zip-slip": ("", "upload", "../evil.txt"),
        "too-big": ("", "upload", "video/main.mp4 is over the 1.0 MB limit per file"),
    }[case]


@pytest.mark.parametrize("case", BROKEN_CASES)
def test_broken_campaign_shows_its_error_in_place_and_queues_nothing(
    desk: Desk, runs: Runs, case: str
) -> None:
    page = runs.page
    before = page.request.get(f"/desk/campaigns/{SLUG}").text().count("data-submission=")
    page.goto("/desk")
    status = upload(page, **broken_upload(desk, case))
    assert status == 422
    summary = page.locator("#validation-summary")
    assert summary.get_attribute("role") == "alert"  # announced to screen readers at once
    assert "nothing was queued" in summary.inner_text()
    assert page.locator("#submit-button").count() == 0
    section, field, words = expected_problem(case)
    shown = problems_in(page, section)
    assert any((field is None or p["field"] == field) and words in p["text"] for p in shown), (case, shown)
    assert all("Fix:" in p["text"] for p in shown), shown
    assert str(desk.root) not in page.inner_text("main")  # never a server path

    assert page.request.get(f"/desk/campaigns/{SLUG}").text().count("data-submission=") == before
    assert not (desk.root / "evil.txt").exists() and not (desk.home / "desk" / "evil.txt").exists()
    latest = status_of(page, runs.second)
    response = page.request.get(f"{runs.second}/bundles/corner-cafe.zip")
    assert response.ok and hashlib.sha256(response.body()).hexdigest() == latest["bundles"][0]["sha256"]


def test_the_desk_works_without_javascript(desk: Desk, browser: Browser, runs: Runs) -> None:
    """Plain form posts: the browser itself sends each picked file with its path in the folder."""
    context = browser.new_context(base_url=desk.base, java_script_enabled=False)
    context.add_cookies(runs.context.cookies())
    page = context.new_page()
    page.goto("/desk")
    assert upload(page, **broken_upload(desk, "split")) == 422
    assert any(p["field"] == "split.revenue" for p in problems_in(page, "campaign.yaml")), page.inner_text(
        "main"
    )
    assert len(problems_in(page, "")) == 0  # the zip input left empty is not an upload
    page.goto(runs.second)
    assert page.get_attribute("#run-state", "data-state") == "done"
    context.close()


def test_history_keeps_snapshots_and_shows_the_spec_diff(desk: Desk, runs: Runs) -> None:
    page = runs.page
    page.goto(f"/desk/campaigns/{SLUG}")
    rows = page.locator("tr[data-submission]")
    assert rows.count() == 2
    assert "ana" in rows.nth(0).inner_text() and "done" in rows.nth(0).inner_text()
    page.click("text=Show what changed")
    changed = {
        row.get_attribute("data-field"): row.inner_text() for row in page.locator("tr[data-field]").all()
    }
    assert set(changed) == {"split.revenue.corner-cafe", "split.revenue.rosas-flowers"}, changed
    assert "60" in changed["split.revenue.corner-cafe"] and "55" in changed["split.revenue.corner-cafe"]

    page.goto(f"/desk/campaigns/{SLUG}")
    with page.expect_download() as started:
        rows.nth(1).get_by_role("link", name=re.compile("Download the snapshot")).click()
    saved = desk.root / "downloads" / "first-snapshot.zip"
    started.value.save_as(saved)
    with zipfile.ZipFile(saved) as snapshot:
        spec = snapshot.read(f"campaigns/{SLUG}/campaign.yaml").decode()
        names = snapshot.namelist()
    assert "revenue: {corner-cafe: 60, rosas-flowers: 40}" in spec
    assert "assets/partners/corner-cafe/logo.png" in names and "submission.json" in names


def test_desk_fits_a_phone(desk: Desk, browser: Browser, runs: Runs) -> None:
    context = browser.new_context(viewport=PHONE, base_url=desk.base, is_mobile=True, has_touch=True)
    context.add_cookies(runs.context.cookies())
    page = context.new_page()
    for path in ("/desk", runs.second, f"/desk/campaigns/{SLUG}"):
        page.goto(path)
        assert no_horizontal_scroll(page), path
    page.goto("/desk")
    page.keyboard.press("Tab")  # the skip link comes first, then the page's controls in order
    assert page.evaluate("document.activeElement.className") == "skip-link"
    context.close()


def test_partner_token_never_reaches_the_desk(desk: Desk, browser: Browser, runs: Runs) -> None:
    partner_link = cli(
        "token",
        "create",
        "corner-cafe",
        "--db",
        str(desk.db),
        "--out",
        str(desk.root / "out"),
        "--base-url",
        desk.base,
        env=desk.env,
    ).stdout.strip()
    token = partner_link.rsplit("/", 1)[1]
    context = browser.new_context(base_url=desk.base)
    page = context.new_page()
    page.goto(partner_link)  # signed in as a partner: their own bundle is there
    assert "Coffee and flowers" in page.inner_text("body")
    for path in ("/desk", "/desk/new", runs.second, f"{runs.second}/status.json", f"/desk/campaigns/{SLUG}"):
        assert page.goto(path).status == 401, path
    assert page.goto(f"/desk/t/{token}").status == 401
    bearer = {"Authorization": f"Bearer {token}"}
    for path in ("/desk", f"{runs.second}/bundles/corner-cafe.zip", f"{runs.second}/snapshot.zip"):
        assert page.request.get(path, headers=bearer).status == 401, path
    archive = broken_upload(desk, "zip-slip")["archive"]
    posted = page.request.post(
        "/desk/upload",
        headers=bearer,
        multipart={
            "archive": {"name": "c.zip", "mimeType": "application/zip", "buffer": archive.read_bytes()}
        },
    )
    assert posted.status == 401
    form = {"campaign": SLUG, "partners": "corner-cafe, rosas-flowers", "languages": "es", "cuts": "16:9"}
    assert page.request.post("/desk/new", headers=bearer, form=form).status == 401
    context.close()


def test_lead_of_one_campaign_cannot_see_another(desk: Desk, browser: Browser, runs: Runs) -> None:
    context = browser.new_context(base_url=desk.base)
    page = context.new_page()
    page.goto(lead_link(desk, "bob", "autumn-market"))
    assert SLUG not in page.inner_text("main")
    for path in (
        runs.second,
        f"{runs.second}/status.json",
        f"{runs.second}/bundles/corner-cafe.zip",
        f"{runs.second}/bundles/corner-cafe/brief.html",
        f"{runs.second}/snapshot.zip",
        f"/desk/campaigns/{SLUG}",
    ):
        assert page.request.get(path).status == 404, path
    assert upload(page, folder=campaign_copy(desk, "bob")) == 422
    assert any("may not submit campaign" in p["text"] for p in problems_in(page, "")), problems_in(page, "")
    context.close()
