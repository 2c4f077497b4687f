"""The campaign desk's intake, piece by piece: upload paths, zip checks, content sniffing, lead tokens,
streamed uploads with their limits, and the spec diff between two snapshots."""

from __future__ import annotations

import io
import stat
import time
import zipfile
from datetime import timedelta
from pathlib import Path, PurePosixPath

import pytest
from fastapi.testclient import TestClient

from jointcampaign.desk.app import create_portal_with_desk
from jointcampaign.desk.service import DeskConfig
from jointcampaign.portal.lead_tokens import LeadStore
from jointcampaign.portal.safe_zip import extract_zip
from jointcampaign.portal.snapshot_files import spec_diff, zip_snapshot
from jointcampaign.portal.sniff import sniff_problems
from jointcampaign.portal.tokens import Denied, TokenStore
from jointcampaign.portal.upload_paths import MB, UploadLimits, clean_relative_path, is_junk

LIMITS = UploadLimits(max_file_bytes=64 * 1024, max_total_bytes=256 * 1024)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../evil", "climbs out"),
        ("a/../../evil", "climbs out"),
        ("/etc/passwd", "absolute"),
        ("C:/Windows/evil", "absolute"),
        ("a\\b.txt", "backslashes"),
        ("", "empty"),
        ("a\0b", "invalid"),
    ],
)
def test_unsafe_names_are_refused_with_a_reason(name: str, why: str) -> None:
    relative, reason = clean_relative_path(name)
    assert relative is None and why in reason


def test_safe_names_are_normalised() -> None:
    assert clean_relative_path("camp/./copy//post.md") == (PurePosixPath("camp/copy/post.md"), "")
    assert is_junk(PurePosixPath("camp/.DS_Store")) and is_junk(PurePosixPath("__MACOSX/camp/x"))
    assert not is_junk(PurePosixPath("camp/copy/post.md"))


def make_zip(path: Path, entries: dict[str, bytes], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink is not None:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


def test_a_clean_zip_unpacks_and_junk_is_dropped(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "c.zip", {"camp/campaign.yaml": b"title: x\n", "camp/.DS_Store": b"x"})
    names, problems = extract_zip(archive, tmp_path / "out", LIMITS)
    assert problems == [] and names == ["camp/campaign.yaml"]
    assert (tmp_path / "out/camp/campaign.yaml").read_bytes() == b"title: x\n"


@pytest.mark.parametrize(
    ("entries", "symlink", "words"),
    [
        ({"camp/a.md": b"a", "../evil.md": b"x"}, None, "climbs out"),
        ({"/abs.md": b"x"}, None, "absolute path"),
        ({"camp/a.md": b"a"}, "camp/link", "symbolic link"),
        ({"camp/A.md": b"a", "camp/a.md": b"b"}, None, "would be the same file"),
        ({"camp/big.bin": b"x" * (65 * 1024)}, None, "limit per file"),
        ({f"camp/{i}.bin": bytes(60 * 1024) for i in range(5)}, None, "limit per submission"),
    ],
)
def test_an_unsafe_zip_unpacks_nothing(
    tmp_path: Path, entries: dict[str, bytes], symlink: str | None, words: str
) -> None:
    archive = make_zip(tmp_path / "c.zip", entries, symlink=symlink)
    names, problems = extract_zip(archive, tmp_path / "out", LIMITS)
    assert names == [] and any(words in p.message for p in problems), problems
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert not (tmp_path / "evil.md").exists()


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path: Path) -> None:
    generous = UploadLimits(max_file_bytes=64 * MB, max_total_bytes=64 * MB)
    archive = make_zip(tmp_path / "bomb.zip", {"camp/zeros.bin": bytes(20 * MB)})
    assert archive.stat().st_size < 100 * 1024
    names, problems = extract_zip(archive, tmp_path / "out", generous)
    assert names == [] and "zip bomb" in problems[0].message


def test_a_damaged_zip_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    names, problems = extract_zip(tmp_path / "bad.zip", tmp_path / "out", LIMITS)
    assert names == [] and "not a readable .zip" in problems[0].message


def test_content_decides_not_the_extension(tmp_path: Path) -> None:
    files = {
        "logo.png": PNG,
        "fake.png": b"<html><script>alert(1)</script></html>",
        "video/main.mp4": b"GIF89a" + b"\0" * 32,
        "copy/post.md": "Café ☕\n".encode(),
        "copy/evil.md": b"MZ\x90\x00\x03" + b"\0" * 64,
        "video/main.srt": "1\n00:00:00,000 --> 00:00:01,000\nHola\n".encode("utf-16"),
        "tool.exe": b"MZ",
    }
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    problems = {str(p.file): p.message for p in sniff_problems(tmp_path, sorted(files))}
    assert set(problems) == {"fake.png", "video/main.mp4", "copy/evil.md", "tool.exe"}, problems
    assert "its content is text" in problems["fake.png"]
    assert "image/gif" in problems["video/main.mp4"]


def test_lead_and_partner_tokens_are_separate_kinds(tmp_path: Path) -> None:
    db = tmp_path / "portal.sqlite3"
    now = [1_800_000_000.0]
    leads = LeadStore(db, clock=lambda: now[0])
    partners = TokenStore(db, clock=lambda: now[0])
    lead = leads.create("ana", ["spring", "autumn", "spring"], timedelta(hours=1))
    partner = partners.create("cafe", None, timedelta(hours=1))
    grant = leads.check(lead.token)
    assert not isinstance(grant, Denied)
    assert grant.lead == "ana" and grant.campaigns == {"spring", "autumn"}
    assert grant.covers("spring") and not grant.covers("winter")
    assert leads.check(partner.token) is Denied.UNKNOWN
    assert partners.check(lead.token) is Denied.UNKNOWN
    assert leads.check(lead.token[:-1] + ("A" if lead.token[-1] != "A" else "B")) is Denied.UNKNOWN
    assert [r.campaigns for r in leads.records("ana")] == [("autumn", "spring")]
    now[0] += 3601
    assert leads.check(lead.token) is Denied.EXPIRED
    second = leads.create("ana", ["spring"], timedelta(days=1))
    assert leads.revoke(second.record.token_id)
    assert leads.check(second.token) is Denied.REVOKED


def test_a_lead_needs_a_valid_name_and_a_campaign(tmp_path: Path) -> None:
    from jointcampaign.errors import UserInputError

    leads = LeadStore(tmp_path / "portal.sqlite3")
    with pytest.raises(UserInputError):
        leads.create("ana", [], timedelta(hours=1))
    with pytest.raises(UserInputError):
        leads.create("ana", ["../etc"], timedelta(hours=1))


@pytest.fixture
def desk_client(tmp_path: Path) -> tuple[TestClient, str]:
    config = DeskConfig(
        root=tmp_path / "desk",
        submissions_dir=tmp_path / "submissions",
        assets_dir=tmp_path / "assets",
        limits=LIMITS,
        has_model=lambda source, target: True,
    )
    (tmp_path / "out").mkdir()
    app = create_portal_with_desk(tmp_path / "out", tmp_path / "portal.sqlite3", config)
    token = app.state.desk.leads.create("ana", ["spring"], timedelta(hours=1)).token
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {token}"
    yield client, token
    app.state.desk.runner.stop()


def test_an_upload_over_the_file_limit_is_stopped_and_named(desk_client: tuple[TestClient, str]) -> None:
    client, _ = desk_client
    files = [
        ("files", ("spring/campaign.yaml", b"title: x\n")),
        ("files", ("spring/video/main.mp4", bytes(70 * 1024))),
    ]
    page = client.post("/desk/upload", files=files)
    assert page.status_code == 422
    assert "spring/video/main.mp4 is over the 64 KB limit per file" in page.text
    assert 'id="submit-button"' not in page.text
    drafts = list((client.app.state.desk.drafts_dir).glob("*/files/**/main.mp4"))  # type: ignore[attr-defined]
    assert drafts == []  # the partial file was deleted at once


def test_an_upload_needs_a_lead_token(desk_client: tuple[TestClient, str], tmp_path: Path) -> None:
    client, _ = desk_client
    partner = TokenStore(tmp_path / "portal.sqlite3").create("cafe", None, timedelta(hours=1)).token
    for headers in ({"Authorization": f"Bearer {partner}"}, {"Authorization": ""}):
        response = client.post(
            "/desk/upload", files=[("files", ("spring/campaign.yaml", b"x"))], headers=headers
        )
        assert response.status_code == 401
    assert not client.app.state.desk.drafts_dir.exists()  # type: ignore[attr-defined]


def test_bad_yaml_is_shown_next_to_campaign_yaml(desk_client: tuple[TestClient, str]) -> None:
    client, _ = desk_client
    page = client.post("/desk/upload", files=[("files", ("spring/campaign.yaml", b"title: [oops\n"))])
    assert page.status_code == 422
    section = page.text.split('data-file="campaign.yaml"', 1)[1].split("</li>\n    </ul>", 1)[0]
    assert "is not valid YAML" in section and "Fix:" in section


def test_spec_diff_names_fields_and_files(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for root, split, extra in ((old, 60, None), (new, 55, "copy/new.md")):
        spec = root / "campaigns/spring/campaign.yaml"
        spec.parent.mkdir(parents=True)
        spec.write_text(
            f"title: Spring\nsplit:\n  revenue: {{cafe: {split}, florist: {100 - split}}}\n"
            "offers:\n  - {code: CAFE10, discount: 10%}\n",
            encoding="utf-8",
        )
        if extra:
            (root / "campaigns/spring" / extra).parent.mkdir(parents=True)
            (root / "campaigns/spring" / extra).write_text("new\n", encoding="utf-8")
    diff = spec_diff(old, new)
    assert [(c.field, c.before, c.after) for c in diff.fields] == [
        ("split.revenue.cafe", "60", "55"),
        ("split.revenue.florist", "40", "45"),
    ]
    assert diff.added == ["campaigns/spring/copy/new.md"] and diff.changed == [
        "campaigns/spring/campaign.yaml"
    ]
    assert spec_diff(old, old).empty
    first = zip_snapshot(old, tmp_path / "a.zip").read_bytes()
    time.sleep(0.01)
    assert zip_snapshot(old, tmp_path / "b.zip").read_bytes() == first  # the same snapshot, the same bytes
    assert zipfile.ZipFile(io.BytesIO(first)).namelist() == ["campaigns/spring/campaign.yaml"]


def test_a_failed_run_can_be_retried_from_its_snapshot(
    desk_client: tuple[TestClient, str], tmp_path: Path
) -> None:
    client, _ = desk_client
    desk = client.app.state.desk  # type: ignore[attr-defined]
    snapshot = tmp_path / "submissions" / "spring-1"
    (snapshot / "campaigns" / "spring").mkdir(parents=True)
    failed = desk.submissions.add(
        campaign="spring", lead="ana", token_id="t", source_hash="ab" * 32, snapshot=snapshot, runner="local"
    )
    desk.submissions.finish(failed.id, "failed", "the encoder crashed", {})
    page = client.get(f"/desk/runs/{failed.id}")
    assert "Retry the failed steps" in page.text and "the encoder crashed" in page.text
    again = client.post(f"/desk/runs/{failed.id}/retry", follow_redirects=False)
    assert again.status_code == 303
    retried = desk.submissions.get(again.headers["location"].rsplit("/", 1)[1])
    assert retried.id != failed.id and (retried.snapshot, retried.source_hash) == (
        snapshot,
        failed.source_hash,
    )
    desk.submissions.finish(retried.id, "done", None, {})
    assert client.post(f"/desk/runs/{retried.id}/retry").status_code == 409  # only failed runs


def test_run_view_eta_and_task_names() -> None:
    from jointcampaign.desk.run_view import _task_name, typical_duration
    from jointcampaign.desk.store import Submission

    def run(ident: str, state: str, seconds: float) -> Submission:
        return Submission(
            ident,
            "spring",
            "ana",
            "t",
            0.0,
            "h",
            Path("/s"),
            "local",
            None,
            state,
            100.0,
            100.0 + seconds,
            None,
        )

    history = [run("a", "done", 30), run("b", "failed", 5), run("c", "done", 50), run("d", "done", 40)]
    assert typical_duration(history, exclude="d") == 50  # median of the other successful runs: 30, 50
    assert typical_duration([run("b", "failed", 5)], exclude="x") is None
    assert _task_name("render", "corner-cafe zh-Hans 16:9") == "render-corner-cafe-zh-Hans"
    assert _task_name("copy", "es") == "translate-copy-es" and _task_name("bundle", "cafe") == "bundle-cafe"


def form_section(page: str, form_field: str) -> str:
    return page.split(f'data-form-field="{form_field}"', 1)[1].split('data-form-field="', 1)[0]


def test_the_form_scaffold_writes_a_campaign_that_validates(desk_client: tuple[TestClient, str]) -> None:
    client, _ = desk_client
    fields = {
        "campaign": "spring",
        "title": "Spring on Elm Street",
        "partners": "cafe, florist",
        "languages": "es",
        "cuts": ["16:9", "9:16"],
        "discount": "15%",
        "target": "30",
        "cost": "",
        "revenue": "cafe=60, florist=40",
    }
    created = client.post("/desk/new", data=fields, follow_redirects=False)
    assert created.status_code == 303, created.text
    draft = client.get(created.headers["location"])
    assert (
        draft.status_code == 200
        and 'id="submit-button"' in draft.text
        and "Spring on Elm Street" in draft.text
    )
    folder = client.get(created.headers["location"] + "/folder.zip")
    with zipfile.ZipFile(io.BytesIO(folder.content)) as archive:
        spec = archive.read("campaigns/spring/campaign.yaml").decode()
        names = archive.namelist()
    assert "- '9:16'" in spec and "discount: 15%" in spec and "target: 30" in spec and "cafe: 60" in spec
    assert "assets/partners/florist/logo.png" in names


@pytest.mark.parametrize(
    ("change", "form_field", "words"),
    [
        ({"partners": "cafe"}, "partners", "at least two different partner ids"),
        ({"revenue": "cafe=60, florist=30"}, "revenue", "90%"),
        ({"languages": "es, xx-bogus"}, "languages", "xx-bogus"),
        ({"cuts": []}, "cuts", "no video shape"),
        ({"campaign": "winter"}, "campaign", "choose one of your campaigns"),
    ],
)
def test_form_problems_are_shown_next_to_their_field(
    desk_client: tuple[TestClient, str], change: dict[str, object], form_field: str, words: str
) -> None:
    client, _ = desk_client
    fields: dict[str, object] = {
        "campaign": "spring",
        "partners": "cafe, florist",
        "languages": "es",
        "cuts": ["16:9"],
    }
    page = client.post("/desk/new", data={**fields, **change})
    assert page.status_code == 422
    assert 'role="alert"' in page.text and "nothing was queued" in page.text
    assert words in form_section(page.text, form_field), page.text
    assert 'aria-invalid="true"' in form_section(page.text, form_field)


def test_an_empty_zip_input_beside_a_folder_is_ignored(desk_client: tuple[TestClient, str]) -> None:
    client, _ = desk_client
    # what a browser's own form post sends for a file input left empty: a part with filename=""
    boundary = "----desk-test-boundary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="spring/campaign.yaml"\r\n'
        "Content-Type: application/x-yaml\r\n\r\n"
        "title: [oops\n\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="archive"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
        "\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    page = client.post("/desk/upload", content=body, headers=headers)
    assert page.status_code == 422
    assert "is not valid YAML" in page.text and ".zip" not in page.text.split("Upload again")[0]
