"""Bundles: BagIt structure, byte-reproducible zips, atomic replacement, and tamper detection."""

from __future__ import annotations

import json
import os
import struct
import zipfile
from pathlib import Path

import bagit
import pytest
from typer.testing import CliRunner

from jointcampaign.bundle import bag as bag_module
from jointcampaign.bundle.bag import BagInfo, build_bundle, file_sha256, read_payload_manifest
from jointcampaign.bundle.verify import verify_bundle
from jointcampaign.cli.bundle import bundle_app
from jointcampaign.errors import Problem, UserInputError

EPOCH = 1_795_132_800  # 2026-11-20T00:00:00Z
VIDEO = "data/video/es/16x9.mp4"
COPY = "data/copy/es/post.md"


def make_payload(root: Path) -> Path:
    payload = root / "payload"
    files = {
        "copy/es/post.md": "¡Café y flores este sábado!\n",
        "copy/en/post.md": "Coffee and flowers this Saturday!\n",
        "subtitles/es.srt": "1\n00:00:00,000 --> 00:00:01,000\nHola\n",
        "subtitles/es.vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHola\n",
        "brief.html": "<!doctype html><title>Brief</title>",
        "qc.html": "<!doctype html><title>QC</title>",
    }
    for rel, text in files.items():
        (payload / rel).parent.mkdir(parents=True, exist_ok=True)
        (payload / rel).write_text(text, encoding="utf-8")
    (payload / "video/es").mkdir(parents=True)
    (payload / "video/es/16x9.mp4").write_bytes(bytes(range(256)) * 40)
    (payload / "posters").mkdir()
    (payload / "posters/es-16x9.jpg").write_bytes(b"\xff\xd8\xff" + b"poster" * 100)
    manifest = {
        "campaign": {"slug": "spring-bloom", "title": "Spring Bloom"},
        "partner": {"id": "cafe", "name": "Café Lumen"},
        "partners": [{"id": "cafe", "name": "Café Lumen"}, {"id": "florist", "name": "Flora"}],
        "languages": ["es", "en"],
        "approvals": {"cafe": {"approved": True, "by": "Ana", "date": "2026-11-20"}},
        "blockers": [],
        "cuts": [
            {"language": "es", "aspect": "16:9", "path": "video/es/16x9.mp4", "poster": "posters/es-16x9.jpg"}
        ],
        "generator": "jointcampaign 0.1.0",
        "source_hash": "sha256:" + "ab" * 32,
    }
    (payload / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return payload


def info_for(payload: Path) -> BagInfo:
    return BagInfo.from_manifest(read_payload_manifest(payload), EPOCH)


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    payload = make_payload(tmp_path)
    out = tmp_path / "out" / "spring-bloom"
    build_bundle(payload, out / "cafe", out / "cafe.zip", info_for(payload))
    return out / "cafe", out / "cafe.zip"


def test_built_bundle_is_a_valid_bag_with_our_bag_info(built: tuple[Path, Path]) -> None:
    bag_dir, zip_path = built
    assert verify_bundle(bag_dir) == []
    assert verify_bundle(zip_path) == []
    bag = bagit.Bag(str(bag_dir))
    bag.validate()
    assert bag.algorithms == ["sha256"]
    assert bag.info["Campaign"] == "spring-bloom"
    assert bag.info["Partner"] == "cafe"
    assert bag.info["Languages"] == "es, en"
    assert bag.info["Generator"] == "jointcampaign 0.1.0"
    assert bag.info["Source-Hash"].startswith("sha256:")
    assert bag.info["Bagging-Date"] == "2026-11-20"
    assert (bag_dir / VIDEO).is_file()
    assert (bag_dir / "data/manifest.json").is_file()


def test_zip_entries_are_sorted_with_fixed_times_modes_and_no_extras(built: tuple[Path, Path]) -> None:
    _, zip_path = built
    with zipfile.ZipFile(zip_path) as archive:
        entries = archive.infolist()
    names = [entry.filename for entry in entries]
    assert names == sorted(names)
    assert all(name.startswith("cafe/") for name in names)
    assert {entry.date_time for entry in entries} == {(2026, 11, 20, 0, 0, 0)}
    assert {entry.external_attr >> 16 for entry in entries} == {0o100644}
    assert {entry.extra for entry in entries} == {b""}
    assert {entry.compress_type for entry in entries} == {zipfile.ZIP_STORED}


def test_same_inputs_give_byte_identical_zips(tmp_path: Path) -> None:
    payload = make_payload(tmp_path)
    first = build_bundle(payload, tmp_path / "one/cafe", tmp_path / "one/cafe.zip", info_for(payload))
    # what must not leak into the zip: file times, permissions and creation order on disk
    for path in payload.rglob("*"):
        os.utime(path, (1, 1))
        if path.is_file():
            path.chmod(0o600)
    second = build_bundle(payload, tmp_path / "two/x/cafe", tmp_path / "zips/cafe.zip", info_for(payload))
    assert first.zip_path.read_bytes() == second.zip_path.read_bytes()
    assert first.zip_sha256 == second.zip_sha256 == file_sha256(second.zip_path)
    assert (first.bag_dir / "tagmanifest-sha256.txt").read_bytes() == (
        second.bag_dir / "tagmanifest-sha256.txt"
    ).read_bytes()


def test_different_source_epoch_changes_the_zip(tmp_path: Path) -> None:
    payload = make_payload(tmp_path)
    info = info_for(payload)
    first = build_bundle(payload, tmp_path / "a/cafe", tmp_path / "a/cafe.zip", info)
    later = BagInfo(**{**info.__dict__, "source_epoch": EPOCH + 86_400})
    second = build_bundle(payload, tmp_path / "b/cafe", tmp_path / "b/cafe.zip", later)
    assert first.zip_sha256 != second.zip_sha256


def test_rebuild_replaces_the_bundle_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    payload = make_payload(tmp_path)
    out = tmp_path / "out"
    build_bundle(payload, out / "cafe", out / "cafe.zip", info_for(payload))
    (payload / "copy/es/post.md").write_text("nuevo texto\n", encoding="utf-8")
    build_bundle(payload, out / "cafe", out / "cafe.zip", info_for(payload))
    assert (out / "cafe" / COPY).read_text(encoding="utf-8") == "nuevo texto\n"
    assert verify_bundle(out / "cafe.zip") == []
    assert sorted(path.name for path in out.iterdir()) == ["cafe", "cafe.zip"]


def test_failed_build_keeps_the_previous_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = make_payload(tmp_path)
    out = tmp_path / "out"
    good = build_bundle(payload, out / "cafe", out / "cafe.zip", info_for(payload))
    before = good.zip_path.read_bytes()
    (payload / "copy/es/post.md").write_text("changed\n", encoding="utf-8")

    def broken_zip(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(bag_module, "_write_zip", broken_zip)
    with pytest.raises(OSError, match="disk full"):
        build_bundle(payload, out / "cafe", out / "cafe.zip", info_for(payload))
    assert good.zip_path.read_bytes() == before
    assert verify_bundle(out / "cafe") == []
    assert (out / "cafe" / COPY).read_text(encoding="utf-8") != "changed\n"
    assert sorted(path.name for path in out.iterdir()) == ["cafe", "cafe.zip"]


def test_payload_without_manifest_is_a_user_error(tmp_path: Path) -> None:
    payload = make_payload(tmp_path)
    info = info_for(payload)
    (payload / "manifest.json").unlink()
    with pytest.raises(UserInputError) as caught:
        build_bundle(payload, tmp_path / "out/cafe", tmp_path / "out/cafe.zip", info)
    assert caught.value.problems[0].file == payload.resolve() / "manifest.json"
    assert not (tmp_path / "out/cafe").exists()


def test_bag_inside_its_own_payload_is_refused(tmp_path: Path) -> None:
    payload = make_payload(tmp_path)
    with pytest.raises(UserInputError, match="inside its own payload"):
        build_bundle(payload, payload / "bag/cafe", tmp_path / "cafe.zip", info_for(payload))


# --- tampering: folder ---------------------------------------------------------------------------


def flip_byte(path: Path, offset: int = 10) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def reported(problems: list[Problem], needle: str) -> bool:
    return any(needle in str(problem.file) for problem in problems)


def test_folder_flipped_byte_is_reported_with_its_path(built: tuple[Path, Path]) -> None:
    bag_dir, _ = built
    flip_byte(bag_dir / VIDEO)
    problems = verify_bundle(bag_dir)
    assert len(problems) == 1
    assert problems[0].file == bag_dir / VIDEO
    assert "checksum" in problems[0].message


def test_folder_missing_file_is_reported_with_its_path(built: tuple[Path, Path]) -> None:
    bag_dir, _ = built
    (bag_dir / COPY).unlink()
    problems = verify_bundle(bag_dir)
    assert [problem.file for problem in problems] == [bag_dir / COPY]
    assert "missing" in problems[0].message


def test_folder_extra_file_is_reported_with_its_path(built: tuple[Path, Path]) -> None:
    bag_dir, _ = built
    (bag_dir / "data/copy/es/extra.md").write_text("sneaky\n", encoding="utf-8")
    (bag_dir / "notes.txt").write_text("unlisted tag file\n", encoding="utf-8")
    problems = verify_bundle(bag_dir)
    assert [problem.file for problem in problems] == [
        bag_dir / "data/copy/es/extra.md",
        bag_dir / "notes.txt",
    ]
    assert all("extra" in problem.message for problem in problems)


def test_folder_edited_bag_info_is_caught_by_the_tag_manifest(built: tuple[Path, Path]) -> None:
    bag_dir, _ = built
    info = bag_dir / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("cafe", "florist"), encoding="utf-8")
    assert [problem.file for problem in verify_bundle(bag_dir)] == [info]


def test_folder_symlink_is_reported(built: tuple[Path, Path], tmp_path: Path) -> None:
    bag_dir, _ = built
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours", encoding="utf-8")
    (bag_dir / "data/link.txt").symlink_to(secret)
    problems = verify_bundle(bag_dir)
    assert reported(problems, "data/link.txt")
    assert any("symbolic link" in problem.message for problem in problems)


def test_missing_path_and_not_a_bag(tmp_path: Path) -> None:
    assert "does not exist" in verify_bundle(tmp_path / "nope.zip")[0].message
    (tmp_path / "plain").mkdir()
    assert verify_bundle(tmp_path / "plain")[0].file == tmp_path / "plain/bagit.txt"
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a zip")
    assert "not a readable zip" in verify_bundle(junk)[0].message


# --- tampering: zip ------------------------------------------------------------------------------


def member_data_offset(zip_path: Path, name: str) -> int:
    with zipfile.ZipFile(zip_path) as archive:
        entry = archive.getinfo(name)
    with zip_path.open("rb") as handle:
        handle.seek(entry.header_offset)
        header = handle.read(30)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return int(entry.header_offset + 30 + name_length + extra_length)


def rewrite_zip(zip_path: Path, *, drop: str | None = None, replace: dict[str, bytes] | None = None) -> None:
    """Rewrite the zip as a careful attacker would: valid CRCs, so only the bag's checksums can tell."""
    with zipfile.ZipFile(zip_path) as archive:
        members = [(entry, archive.read(entry)) for entry in archive.infolist()]
    with zipfile.ZipFile(zip_path, "w") as archive:
        for entry, data in members:
            if entry.filename != drop:
                archive.writestr(entry, (replace or {}).get(entry.filename, data))
        for name, data in (replace or {}).items():
            if name not in {entry.filename for entry, _ in members}:
                archive.writestr(name, data)


def test_zip_flipped_byte_is_reported_with_its_path(built: tuple[Path, Path]) -> None:
    _, zip_path = built
    member = "cafe/" + VIDEO
    data = bytearray(zip_path.read_bytes())
    data[member_data_offset(zip_path, member) + 100] ^= 0xFF
    zip_path.write_bytes(bytes(data))
    problems = verify_bundle(zip_path)
    assert [problem.file for problem in problems] == [zip_path / member]


def test_zip_changed_member_with_valid_crc_fails_the_checksum(built: tuple[Path, Path]) -> None:
    _, zip_path = built
    rewrite_zip(zip_path, replace={"cafe/" + COPY: b"Descuento falso del 90%\n"})
    problems = verify_bundle(zip_path)
    assert [problem.file for problem in problems] == [zip_path / "cafe" / COPY]
    assert "checksum" in problems[0].message


def test_zip_missing_member_is_reported_with_its_path(built: tuple[Path, Path]) -> None:
    _, zip_path = built
    rewrite_zip(zip_path, drop="cafe/" + COPY)
    problems = verify_bundle(zip_path)
    assert [problem.file for problem in problems] == [zip_path / "cafe" / COPY]
    assert "missing" in problems[0].message


def test_zip_extra_member_is_reported_with_its_path(built: tuple[Path, Path]) -> None:
    _, zip_path = built
    rewrite_zip(zip_path, replace={"cafe/data/video/es/bonus.mp4": b"\x00" * 10})
    problems = verify_bundle(zip_path)
    assert [problem.file for problem in problems] == [zip_path / "cafe/data/video/es/bonus.mp4"]
    assert "extra" in problems[0].message


def test_zip_traversal_member_is_reported_and_never_extracted(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    _, zip_path = built
    rewrite_zip(zip_path, replace={"../../escape.txt": b"x"})
    problems = verify_bundle(zip_path)
    assert any("unsafe path" in problem.message for problem in problems)
    assert not (tmp_path / "escape.txt").exists()


# --- CLI -----------------------------------------------------------------------------------------


def test_cli_verify_exit_codes(built: tuple[Path, Path]) -> None:
    bag_dir, zip_path = built
    runner = CliRunner()
    for path in (bag_dir, zip_path):
        result = runner.invoke(bundle_app, ["verify", str(path)])
        assert result.exit_code == 0, result.output
        assert "intact" in result.output

    flip_byte(bag_dir / VIDEO)
    result = runner.invoke(bundle_app, ["verify", str(bag_dir)])
    assert result.exit_code == 2
    assert str(bag_dir / VIDEO) in result.output
    assert "fix:" in result.output
    assert "Traceback" not in result.output

    result = runner.invoke(bundle_app, ["verify", str(bag_dir.parent / "missing.zip")])
    assert result.exit_code == 2


def test_payload_staged_in_the_bag_folder_itself_is_bagged_in_place(tmp_path: Path) -> None:
    staged = make_payload(tmp_path)
    target = tmp_path / "out" / "spring-bloom" / "cafe"
    target.parent.mkdir(parents=True)
    staged.rename(target)
    result = build_bundle(target, target, target.parent / "cafe.zip", info_for(target))
    assert verify_bundle(result.bag_dir) == [] and verify_bundle(result.zip_path) == []
    assert (target / "data" / "manifest.json").is_file() and not (target / "manifest.json").exists()
