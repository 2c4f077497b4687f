"""The partner portal: scoping, traversal, token lifecycle, Range/ETag downloads, audit, pages, CLI."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jointcampaign.bundle.bag import BagInfo, build_bundle
from jointcampaign.bundle.verify import verify_bundle
from jointcampaign.cli.portal import portal_app
from jointcampaign.portal import create_app
from jointcampaign.portal.audit import AuditLog
from jointcampaign.portal.logs import RedactTokens, redact
from jointcampaign.portal.tokens import Denied, Grant, TokenStore, parse_lifetime

EPOCH = 1_795_132_800
NAMES = {"cafe": "Café Lumen", "florist": "Flora <Blumen>", "bakery": "Pan & Co"}


def make_bundle(
    out: Path, work: Path, slug: str, partner: str, partners: list[str], approved: set[str]
) -> None:
    payload = work / f"{slug}-{partner}"
    secret = f"{partner}-only secret for {slug}"
    files: dict[str, bytes] = {
        "copy/es/post.md": f"Texto de {partner}: {secret}\n".encode(),
        "subtitles/es.vtt": b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHola\n",
        "subtitles/en.vtt": b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello\n",
        "subtitles/es.srt": b"1\n00:00:00,000 --> 00:00:01,000\nHola\n",
        "video/es/16x9.mp4": hashlib.sha256(secret.encode()).digest() * 2000,
        "posters/es-16x9.jpg": b"\xff\xd8\xff" + secret.encode() * 10,
        "brief.html": f"<!doctype html><title>Brief</title><p>{secret}</p>".encode(),
        "qc.html": b"<!doctype html><title>QC</title><img src='posters/es-16x9.jpg' alt=''>",
    }
    manifest = {
        "campaign": {"slug": slug, "title": f"{slug.title()} <b>Campaign</b>"},
        "partner": {"id": partner, "name": NAMES[partner]},
        "partners": [{"id": p, "name": NAMES[p]} for p in partners],
        "languages": ["es", "en"],
        "approvals": {
            p: {"approved": p in approved, "by": "Ana" if p in approved else None} for p in partners
        },
        "blockers": [],
        "cuts": [
            {"language": "es", "aspect": "16:9", "path": "video/es/16x9.mp4", "poster": "posters/es-16x9.jpg"}
        ],
        "generator": "jointcampaign 0.1.0",
        "source_hash": "sha256:" + "cd" * 32,
    }
    files["manifest.json"] = json.dumps(manifest).encode()
    for rel, data in files.items():
        (payload / rel).parent.mkdir(parents=True, exist_ok=True)
        (payload / rel).write_bytes(data)
    info = BagInfo.from_manifest(manifest, EPOCH)
    build_bundle(payload, out / slug / partner, out / slug / f"{partner}.zip", info)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("portal")
    out = root / "out"
    work = root / "work"
    make_bundle(out, work, "spring-bloom", "cafe", ["cafe", "florist"], approved={"cafe"})
    make_bundle(out, work, "spring-bloom", "florist", ["cafe", "florist"], approved={"cafe"})
    make_bundle(out, work, "autumn", "florist", ["florist", "bakery"], approved={"florist", "bakery"})
    make_bundle(out, work, "autumn", "bakery", ["florist", "bakery"], approved={"florist", "bakery"})
    make_bundle(out, work, "winter", "cafe", ["cafe", "bakery"], approved={"cafe", "bakery"})
    (out / "outside-secret.txt").write_text("top secret", encoding="utf-8")
    return out


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "portal.sqlite3"


@pytest.fixture
def client(out: Path, db: Path) -> TestClient:
    return TestClient(create_app(out, db), follow_redirects=False)


def token_for(db: Path, partner: str, campaign: str | None = None) -> str:
    return TokenStore(db).create(partner, campaign, timedelta(days=1)).token


def signed_in(client: TestClient, db: Path, partner: str, campaign: str | None = None) -> str:
    token = token_for(db, partner, campaign)
    response = client.get(f"/t/{token}")
    assert response.status_code == 303
    return token


# --- tokens --------------------------------------------------------------------------------------


def test_tokens_are_random_hashed_and_scoped(db: Path) -> None:
    store = TokenStore(db)
    first = store.create("cafe", None, timedelta(days=30))
    second = store.create("cafe", "spring-bloom", timedelta(days=30))
    assert first.token != second.token
    secret = first.token.split(".", 1)[1]
    assert secret.encode() not in db.read_bytes()
    assert hashlib.sha256(secret.encode()).hexdigest().encode() in db.read_bytes()
    grant = store.check(first.token)
    assert isinstance(grant, Grant) and grant.partner == "cafe" and grant.campaign is None
    scoped = store.check(second.token)
    assert isinstance(scoped, Grant) and scoped.covers("spring-bloom") and not scoped.covers("winter")
    assert store.check(first.token[:-1] + ("A" if first.token[-1] != "A" else "B")) is Denied.UNKNOWN
    assert store.check("not-a-token") is Denied.UNKNOWN


def test_expiry_and_revocation(db: Path) -> None:
    past = TokenStore(db, clock=lambda: time.time() - 7200).create("cafe", None, timedelta(hours=1))
    assert TokenStore(db).check(past.token) is Denied.EXPIRED
    store = TokenStore(db)
    issued = store.create("cafe", None, timedelta(days=1))
    assert store.revoke(issued.record.token_id)
    assert store.check(issued.token) is Denied.REVOKED
    assert not store.revoke(issued.record.token_id)
    assert store.revoke_partner("cafe") == 1  # the expired one; the revoked one is not counted again


@pytest.mark.parametrize("text", ["0d", "abc", "30", "-1d", "400d", ""])
def test_bad_lifetimes_are_user_errors(text: str) -> None:
    from jointcampaign.errors import UserInputError

    with pytest.raises(UserInputError):
        parse_lifetime(text)


def test_lifetimes() -> None:
    assert parse_lifetime("30d") == timedelta(days=30)
    assert parse_lifetime("12h") == timedelta(hours=12)
    assert parse_lifetime("2w") == timedelta(weeks=2)


# --- sign-in and pages ---------------------------------------------------------------------------


def test_sign_in_sets_an_httponly_cookie_and_drops_the_token_from_the_url(
    client: TestClient, db: Path
) -> None:
    token = token_for(db, "cafe")
    response = client.get(f"/t/{token}")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert response.headers["referrer-policy"] == "no-referrer"


def test_campaign_scoped_link_lands_on_its_campaign(client: TestClient, db: Path) -> None:
    response = client.get(f"/t/{token_for(db, 'cafe', 'winter')}")
    assert response.headers["location"] == "/campaigns/winter"
    assert client.get("/campaigns/winter").status_code == 200
    assert client.get("/campaigns/spring-bloom").status_code == 404
    assert "Spring" not in client.get("/").text


def test_home_lists_only_the_partners_own_campaigns(client: TestClient, db: Path) -> None:
    signed_in(client, db, "cafe")
    page = client.get("/").text
    assert "/campaigns/spring-bloom" in page and "/campaigns/winter" in page
    assert "/campaigns/autumn" not in page
    assert "Signed in as <strong>Café Lumen</strong>" in page


def test_campaign_page_has_players_tracks_posters_documents_and_draft_banner(
    client: TestClient, db: Path
) -> None:
    signed_in(client, db, "cafe")
    page = client.get("/campaigns/spring-bloom").text
    assert '<video controls preload="metadata"' in page
    assert 'src="/campaigns/spring-bloom/files/video/es/16x9.mp4"' in page
    es_track = 'srclang="es" label="es" src="/campaigns/spring-bloom/files/subtitles/es.vtt">'  # burned in: off
    assert '<track kind="subtitles" ' + es_track in page
    assert 'srclang="en"' in page
    assert 'poster="/campaigns/spring-bloom/files/posters/es-16x9.jpg"' in page
    assert 'href="/campaigns/spring-bloom/files/brief.html"' in page
    assert 'href="/campaigns/spring-bloom/files/qc.html"' in page
    assert 'href="/campaigns/spring-bloom/bundle.zip"' in page
    assert "?download=1" in page
    assert 'id="draft-banner"' in page
    assert "Flora &lt;Blumen&gt;" in page  # who still has to approve, escaped
    assert "Spring-Bloom &lt;b&gt;Campaign&lt;/b&gt;" in page
    assert "<b>Campaign</b>" not in page


def test_fully_approved_bundle_has_no_draft_banner(client: TestClient, db: Path) -> None:
    signed_in(client, db, "cafe")
    page = client.get("/campaigns/winter").text
    assert 'id="draft-banner"' not in page
    assert "Approved by every partner" in page


def test_security_headers(client: TestClient, db: Path) -> None:
    signed_in(client, db, "cafe")
    page = client.get("/campaigns/spring-bloom")
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    brief = client.get("/campaigns/spring-bloom/files/brief.html")
    assert brief.status_code == 200
    assert "default-src 'none'" in brief.headers["content-security-policy"]
    assert "script" not in brief.headers["content-security-policy"]
    for hidden in ("/docs", "/openapi.json", "/redoc"):
        assert client.get(hidden).status_code == 404


# --- scoping: partner A never reads partner B ----------------------------------------------------

ROUTES_FOR = [
    "/campaigns/{slug}",
    "/campaigns/{slug}/bundle.zip",
    "/campaigns/{slug}/files/brief.html",
    "/campaigns/{slug}/files/video/es/16x9.mp4",
    "/campaigns/{slug}/files/posters/es-16x9.jpg",
    "/campaigns/{slug}/files/subtitles/es.vtt",
    "/campaigns/{slug}/files/copy/es/post.md?download=1",
    "/campaigns/{slug}/files/manifest.json",
]


@pytest.mark.parametrize("route", ROUTES_FOR)
def test_every_route_without_a_token_is_401(client: TestClient, route: str) -> None:
    response = client.get(route.format(slug="spring-bloom"))
    assert response.status_code == 401
    assert "personal link" in response.text


@pytest.mark.parametrize("route", ROUTES_FOR)
def test_every_route_of_another_partners_campaign_is_404(client: TestClient, db: Path, route: str) -> None:
    signed_in(client, db, "cafe")
    response = client.get(route.format(slug="autumn"))
    assert response.status_code == 404
    assert b"florist-only" not in response.content and b"bakery-only" not in response.content


@pytest.mark.parametrize("route", ROUTES_FOR)
def test_shared_campaign_serves_only_the_callers_own_files(client: TestClient, db: Path, route: str) -> None:
    token = token_for(db, "florist")
    response = client.get(route.format(slug="spring-bloom"), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert b"cafe-only" not in response.content


TRAVERSALS = [
    "/campaigns/spring-bloom/files/../../florist/data/brief.html",
    "/campaigns/spring-bloom/files/..%2F..%2Fflorist%2Fdata%2Fbrief.html",
    "/campaigns/spring-bloom/files/%2e%2e/%2e%2e/florist/data/brief.html",
    "/campaigns/spring-bloom/files/%252e%252e/%252e%252e/florist/data/brief.html",
    "/campaigns/spring-bloom/files/..%5C..%5Cflorist%5Cdata%5Cbrief.html",
    "/campaigns/spring-bloom/files//etc/passwd",
    "/campaigns/spring-bloom/files/%2Fetc%2Fpasswd",
    "/campaigns/spring-bloom/files/../../../outside-secret.txt",
    "/campaigns/spring-bloom/files/%2e%2e%2f%2e%2e%2f%2e%2e%2foutside-secret.txt",
    "/campaigns/..%2Fautumn/files/brief.html",
    "/campaigns/%2e%2e/files/brief.html",
    "/campaigns/spring-bloom/files/",
    "/campaigns/spring-bloom/files/video",
    "/campaigns/spring-bloom/files/video/es",
    "/campaigns/spring-bloom/files/bagit.txt",
    "/campaigns/spring-bloom/files/../bag-info.txt",
    "/static/",
    "/static/../portal/app.py",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_never_escapes_and_nothing_is_listed(client: TestClient, db: Path, path: str) -> None:
    signed_in(client, db, "cafe")
    response = client.get(path)
    assert response.status_code in (400, 404), path
    for leaked in (b"florist-only", b"top secret", b"root:", b"BagIt-Version", b"Payload-Oxum", b"import"):
        assert leaked not in response.content


def test_symlink_planted_in_a_bag_is_not_followed(out: Path, db: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "out"
    make_bundle(fresh, tmp_path / "work", "spring-bloom", "cafe", ["cafe", "florist"], approved=set())
    make_bundle(fresh, tmp_path / "work", "spring-bloom", "florist", ["cafe", "florist"], approved=set())
    bag = fresh / "spring-bloom" / "cafe"
    target = fresh / "spring-bloom" / "florist" / "data" / "brief.html"
    (bag / "data" / "stolen.html").symlink_to(target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    with (bag / "manifest-sha256.txt").open("a", encoding="utf-8") as manifest:
        manifest.write(f"{digest}  data/stolen.html\n")
    client = TestClient(create_app(fresh, db), follow_redirects=False)
    signed_in(client, db, "cafe")
    response = client.get("/campaigns/spring-bloom/files/stolen.html")
    assert response.status_code == 404
    assert b"florist-only" not in response.content


def test_expired_and_revoked_tokens_are_refused(client: TestClient, db: Path) -> None:
    expired = TokenStore(db, clock=lambda: time.time() - 7200).create("cafe", None, timedelta(hours=1)).token
    response = client.get(f"/t/{expired}")
    assert response.status_code == 401 and "expired" in response.text
    response = client.get("/", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401

    store = TokenStore(db)
    issued = store.create("cafe", None, timedelta(days=1))
    client.get(f"/t/{issued.token}")
    assert client.get("/campaigns/spring-bloom").status_code == 200
    store.revoke(issued.record.token_id)
    response = client.get("/campaigns/spring-bloom")  # the cookie still carries the revoked token
    assert response.status_code == 401 and "withdrawn" in response.text
    assert client.get("/campaigns/spring-bloom/bundle.zip").status_code == 401


def test_sign_out_clears_the_session(client: TestClient, db: Path) -> None:
    signed_in(client, db, "cafe")
    assert client.post("/signout").status_code == 303
    assert client.get("/").status_code == 401


# --- downloads: Range and ETag -------------------------------------------------------------------


def test_zip_download_is_the_bundle_and_verifies(
    client: TestClient, db: Path, out: Path, tmp_path: Path
) -> None:
    signed_in(client, db, "cafe")
    response = client.get("/campaigns/spring-bloom/bundle.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    assert response.content == (out / "spring-bloom" / "cafe.zip").read_bytes()
    saved = tmp_path / "download.zip"
    saved.write_bytes(response.content)
    assert verify_bundle(saved) == []


def test_range_requests_return_206_with_the_right_bytes(client: TestClient, db: Path, out: Path) -> None:
    signed_in(client, db, "cafe")
    whole = (out / "spring-bloom" / "cafe.zip").read_bytes()
    size = len(whole)
    cases = {"bytes=0-99": (0, 99), "bytes=100-": (100, size - 1), "bytes=-50": (size - 50, size - 1)}
    for header, (start, end) in cases.items():
        response = client.get("/campaigns/spring-bloom/bundle.zip", headers={"Range": header})
        assert response.status_code == 206, header
        assert response.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert response.headers["content-length"] == str(end - start + 1)
        assert response.content == whole[start : end + 1]
    response = client.get("/campaigns/spring-bloom/bundle.zip", headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"


def test_resumed_download_has_the_same_sha256_as_a_full_one(client: TestClient, db: Path) -> None:
    signed_in(client, db, "cafe")
    full = client.get("/campaigns/spring-bloom/bundle.zip")
    etag = full.headers["etag"]
    first = client.get("/campaigns/spring-bloom/bundle.zip", headers={"Range": "bytes=0-1233"})
    rest = client.get(
        "/campaigns/spring-bloom/bundle.zip", headers={"Range": "bytes=1234-", "If-Range": etag}
    )
    assert (first.status_code, rest.status_code) == (206, 206)
    resumed = hashlib.sha256(first.content + rest.content).hexdigest()
    assert resumed == hashlib.sha256(full.content).hexdigest()
    assert etag == f'"sha256-{resumed}"'


def test_if_range_with_a_stale_etag_sends_the_whole_file(client: TestClient, db: Path) -> None:
    signed_in(client, db, "cafe")
    response = client.get(
        "/campaigns/spring-bloom/bundle.zip", headers={"Range": "bytes=10-", "If-Range": '"sha256-stale"'}
    )
    assert response.status_code == 200
    assert "content-range" not in response.headers


def test_etag_is_the_manifest_sha256_and_if_none_match_gives_304(
    client: TestClient, db: Path, out: Path
) -> None:
    signed_in(client, db, "cafe")
    url = "/campaigns/spring-bloom/files/video/es/16x9.mp4"
    response = client.get(url)
    expected = hashlib.sha256((out / "spring-bloom/cafe/data/video/es/16x9.mp4").read_bytes()).hexdigest()
    assert response.headers["etag"] == f'"sha256-{expected}"'
    assert response.headers["accept-ranges"] == "bytes"
    again = client.get(url, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(url, headers={"If-None-Match": '"sha256-other"'}).status_code == 200


def test_head_reports_size_without_a_body(client: TestClient, db: Path, out: Path) -> None:
    signed_in(client, db, "cafe")
    response = client.head("/campaigns/spring-bloom/bundle.zip")
    assert response.status_code == 200
    assert response.headers["content-length"] == str((out / "spring-bloom/cafe.zip").stat().st_size)
    assert response.content == b""


def test_preview_files_are_inline_and_downloads_are_attachments(client: TestClient, db: Path) -> None:
    signed_in(client, db, "cafe")
    preview = client.get("/campaigns/spring-bloom/files/subtitles/es.vtt")
    assert preview.headers["content-type"].startswith("text/vtt")
    assert "content-disposition" not in preview.headers
    download = client.get("/campaigns/spring-bloom/files/subtitles/es.vtt?download=1")
    assert download.headers["content-disposition"] == "attachment; filename*=UTF-8''es.vtt"


# --- audit and logs ------------------------------------------------------------------------------


def test_audit_records_who_downloaded_what_without_tokens(client: TestClient, db: Path) -> None:
    token = signed_in(client, db, "cafe")
    client.get("/campaigns/spring-bloom")
    client.get("/campaigns/spring-bloom/bundle.zip", headers={"Range": "bytes=0-9"})
    client.get("/campaigns/spring-bloom/files/copy/es/post.md?download=1")
    client.get("/campaigns/spring-bloom/files/video/es/16x9.mp4", headers={"Range": "bytes=0-9"})  # preview
    entries = AuditLog(db).entries(partner="cafe")
    actions = [(entry.action, entry.path) for entry in entries]
    assert actions == [
        ("sign-in", None),
        ("view", "/campaigns/spring-bloom"),
        ("download", "cafe.zip"),
        ("download", "copy/es/post.md"),
    ]
    assert entries[2].byte_range is not None and entries[2].byte_range.startswith("bytes 0-9/")
    assert all(entry.token_id == token.split(".")[0] for entry in entries)
    assert token.split(".", 1)[1].encode() not in db.read_bytes()


def test_denied_attempts_are_audited_with_the_token_redacted(client: TestClient, db: Path) -> None:
    bogus = "0123456789abcdef." + "x" * 43
    client.get(f"/t/{bogus}")
    entry = AuditLog(db).entries()[-1]
    assert entry.action == "denied:unknown" and entry.path == "/t/[redacted]"
    assert b"xxxxxxxx" not in db.read_bytes()


def test_no_token_in_application_logs(client: TestClient, db: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token = signed_in(client, db, "cafe")
    client.get("/campaigns/spring-bloom/bundle.zip")
    # httpx is the test's own client, logging the URL it was asked to fetch; the server side must not
    server_side = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert token.split(".", 1)[1] not in server_side


def test_access_log_lines_are_redacted() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/t/abc.def?x=1", "1.1", 303),
        None,
    )
    RedactTokens().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /t/[redacted]?x=1 HTTP/1.1" 303'
    assert redact("see /t/abc.def and /t/x") == "see /t/[redacted] and /t/[redacted]"


# --- CLI -----------------------------------------------------------------------------------------


def test_cli_token_lifecycle_and_audit(out: Path, db: Path) -> None:
    runner = CliRunner()
    args = ["--db", str(db), "--out", str(out)]
    created = runner.invoke(
        portal_app,
        [
            "token",
            "create",
            "cafe",
            "--campaign",
            "winter",
            "--expires",
            "7d",
            "--base-url",
            "http://portal.test",
            *args,
        ],
    )
    assert created.exit_code == 0, created.output
    link = created.stdout.strip().splitlines()[0]
    assert link.startswith("http://portal.test/t/")
    token = link.rsplit("/", 1)[1]
    grant = TokenStore(db).check(token)
    assert isinstance(grant, Grant) and grant.campaign == "winter"

    listed = runner.invoke(portal_app, ["token", "list", "--db", str(db)])
    assert listed.exit_code == 0 and token.split(".")[0] in listed.output and token not in listed.output

    client = TestClient(create_app(out, db))
    client.get("/campaigns/winter/bundle.zip", headers={"Authorization": f"Bearer {token}"})
    audit = runner.invoke(portal_app, ["audit", "--db", str(db), "--partner", "cafe"])
    assert audit.exit_code == 0 and "download" in audit.output and "cafe.zip" in audit.output

    revoked = runner.invoke(portal_app, ["token", "revoke", link, "--db", str(db)])
    assert revoked.exit_code == 0, revoked.output
    assert TokenStore(db).check(token) is Denied.REVOKED
    assert runner.invoke(portal_app, ["token", "revoke", link, "--db", str(db)]).exit_code == 2


def test_cli_bad_input_exits_2(out: Path, db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bad_expiry = runner.invoke(
        portal_app, ["token", "create", "cafe", "--expires", "forever", "--db", str(db)]
    )
    assert bad_expiry.exit_code == 2 and "90m, 12h, 30d or 2w" in bad_expiry.output
    bad_partner = runner.invoke(portal_app, ["token", "create", "../florist", "--db", str(db)])
    assert bad_partner.exit_code == 2
    missing_out = runner.invoke(portal_app, ["serve", "--out", str(tmp_path / "nope"), "--db", str(db)])
    assert missing_out.exit_code == 2 and "Traceback" not in missing_out.output
