"""Reviewed PO files: what is accepted, what is refused (with file, line and fix), and how it is stored."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from jointcampaign.cli.review import review_app
from jointcampaign.errors import UserInputError
from jointcampaign.translate.memory import MEMORY_FILE, TranslationMemory
from jointcampaign.translate.review import ReviewStore, import_review, parse_review, same_language
from jointcampaign.translate.spans.protect import ProtectionRules

RULES = ProtectionRules.build(["Corner Café", "Rosa's Flowers"], ["CAFE10"], [("receipt", "hóa đơn")])
HEADER = 'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: text/plain; charset={charset}\\n"\n\n'


def po_text(*entries: str, lang: str = "vi", charset: str = "UTF-8") -> str:
    return HEADER.format(lang=lang, charset=charset) + "\n".join(entries)


def entry(msgid: str, msgstr: str, *, fuzzy: bool = False, context: str = "post") -> str:
    flag = "#, fuzzy\n" if fuzzy else ""
    return f'#: copy/post.md:3\n{flag}msgctxt "{context}"\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n'


def parse(text: str | bytes, lang: str = "vi") -> dict[str, str]:
    data = text.encode() if isinstance(text, str) else text
    return parse_review(data, Path("vi.po"), lang, RULES).reviewed


def problems(text: str | bytes, lang: str = "vi") -> list[tuple[int | None, str, str]]:
    with pytest.raises(UserInputError) as caught:
        parse(text, lang)
    return [(problem.line, problem.message, problem.fix) for problem in caught.value.problems]


def test_reviewed_entries_count_and_fuzzy_or_empty_ones_do_not() -> None:
    text = po_text(
        entry("Two shops.", "Hai tiệm."),
        entry("One street.", "Một con phố.", fuzzy=True),
        entry("Two gifts.", ""),
        entry("Fresh coffee at Corner Café.", "Cà phê tại Corner Café."),
    )
    assert parse(text) == {
        "Two shops.": "Hai tiệm.",
        "Fresh coffee at Corner Café.": "Cà phê tại Corner Café.",
    }
    checked = parse_review(text.encode(), Path("vi.po"), "vi", RULES, known=["Two shops."])
    assert (checked.fuzzy, checked.untranslated, checked.unknown) == (1, 1, ("Fresh coffee at Corner Café.",))


def test_a_reviewed_string_must_keep_every_protected_span() -> None:
    text = po_text(
        entry("Two shops.", "Hai tiệm."),
        entry("Bring your receipt to Rosa's Flowers, code CAFE10.", "Mang hóa đơn tới tiệm hoa, mã CAFE10."),
        entry("Hi {name}", "Chào {ten}"),
    )
    found = problems(text)
    assert [line for line, _, _ in found] == [11, 16, 16]
    assert "lacks the term «Rosa's Flowers»" in found[0][1]
    assert "«Rosa's Flowers» exactly" in found[0][2]
    assert "lacks the placeholder «{name}»" in found[1][1]
    assert "adds the placeholder {ten}" in found[2][1]


def test_glossary_translation_is_required() -> None:
    found = problems(po_text(entry("Show your receipt.", "Xuất trình biên lai.")))
    assert "lacks the glossary's translation «hóa đơn»" in found[0][1]
    assert parse(po_text(entry("Show your receipt.", "Xuất trình hóa đơn."))) == {
        "Show your receipt.": "Xuất trình hóa đơn."
    }


def test_plurals_language_and_charset_are_checked() -> None:
    plural = 'msgid "one gift"\nmsgid_plural "{n} gifts"\nmsgstr[0] "{n} món quà"\n'
    found = problems(po_text(plural, lang="es", charset="ISO-8859-1"))
    messages = [message for _, message, _ in found]
    assert "charset ISO-8859-1" in messages[0]
    assert "Language: es, but this file is being used for vi" in messages[1]
    assert "has plural forms" in messages[2]
    assert found[2][0] == 6
    assert (
        "Language: vi"
        in problems(HEADER.replace('"Language: {lang}\\n"\n', "").format(charset="UTF-8"))[0][2]
    )


def test_not_utf8_and_broken_syntax_name_the_line() -> None:
    latin1 = po_text(entry("Two shops.", "Dos tiendas, café.")).encode("utf-8").replace("é".encode(), b"\xe9")
    [(line, message, fix)] = problems(latin1)
    assert (line, "not UTF-8" in message, "UTF-8" in fix) == (9, True, True)
    [(line, message, _)] = problems(po_text(entry("Two shops.", "Hai")) + 'msgstr "again"\n')
    assert "not a valid PO file" in message and line is not None


def test_the_same_text_reviewed_two_ways_is_refused() -> None:
    text = po_text(entry("Two shops.", "Hai tiệm."), entry("Two shops.", "Hai cửa hàng.", context="flyer"))
    assert "translated differently here and at line 6" in problems(text)[0][1]


@pytest.mark.parametrize(
    ("header", "language", "same"),
    [("vi_VN", "vi", True), ("zh_CN", "zh-Hans", True), ("es", "es-419", True), ("pt_PT", "pt-BR", False),
     ("zh_TW", "zh-Hans", False), ("vi_VN.UTF-8", "vi", True), ("klingon!", "vi", False)],
)  # fmt: skip
def test_language_headers(header: str, language: str, same: bool) -> None:
    assert same_language(header, language) is same


def test_import_stores_the_file_byte_for_byte_or_nothing(tmp_path: Path) -> None:
    campaign = tmp_path / "campaign"
    good = tmp_path / "good.po"
    good.write_text(po_text(entry("Two shops.", "Hai tiệm.")), encoding="utf-8")
    stored = import_review(campaign, good, "vi", RULES)
    assert stored.path == campaign / "review" / "vi.po"
    assert stored.path.read_bytes() == good.read_bytes()
    bad = tmp_path / "bad.po"
    bad.write_text(po_text(entry("Code CAFE10.", "Mã giảm giá.")), encoding="utf-8")
    with pytest.raises(UserInputError):
        import_review(campaign, bad, "vi", RULES)
    assert stored.path.read_bytes() == good.read_bytes()
    assert sorted(p.name for p in stored.path.parent.iterdir()) == ["vi.po"]
    store = ReviewStore.load({"vi": [stored.path], "es": [campaign / "review" / "es.po"]}, lambda _: RULES)
    assert store.lookup(["Two shops.", "One street."], "vi") == {"Two shops.": "Hai tiệm."}
    assert store.lookup(["Two shops."], "es") == {}


def test_cli_import_refuses_an_invalid_file_with_exit_2(
    campaign_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOINTCAMPAIGN_HOME", str(tmp_path / "home"))
    po_file = tmp_path / "reviewed.po"
    po_file.write_text(
        po_text(entry("Fresh coffee at Corner Café.", "Cà phê mới pha tại quán góc phố.")), encoding="utf-8"
    )
    result = CliRunner().invoke(review_app, ["import", str(campaign_copy), str(po_file), "--lang", "vi"])
    assert result.exit_code == 2, result.output
    assert f"{po_file}:6" in result.output
    assert "lacks the term «Corner Café»" in result.output
    assert "fix:" in result.output
    assert not (campaign_copy / "review" / "vi.po").exists()

    result = CliRunner().invoke(review_app, ["import", str(campaign_copy), str(po_file), "--lang", "xx"])
    assert result.exit_code == 2
    assert "not one of the campaign's languages" in result.output


def test_cli_import_stores_and_remembers(
    campaign_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("JOINTCAMPAIGN_HOME", str(home))
    po = polib.POFile()
    po.metadata = {"Language": "vi", "Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Two shops.", msgstr="Hai tiệm nhỏ.", msgctxt="flyer"))
    po.append(polib.POEntry(msgid="One street.", msgstr="Một phố.", flags=["fuzzy"]))
    po.save(str(tmp_path / "reviewed.po"))
    result = CliRunner().invoke(
        review_app, ["import", str(campaign_copy), str(tmp_path / "reviewed.po"), "--lang", "vi"]
    )
    assert result.exit_code == 0, result.output
    assert "1 reviewed strings" in result.output and "1 fuzzy" in result.output
    assert (campaign_copy / "review" / "vi.po").read_bytes() == (tmp_path / "reviewed.po").read_bytes()
    memory = TranslationMemory(home / "cache" / MEMORY_FILE)
    assert memory.reviewed(["Two shops.", "One street."], "en", "vi") == {"Two shops.": "Hai tiệm nhỏ."}


def test_the_review_file_holds_the_subtitle_sentences_the_run_translates_and_no_others(campaign_copy: Path) -> None:
    # The fixture's video is 3 s; the demo subtitles go on to 9.5 s. The run leaves out the cues
    # after the video's end, so a review entry for them would never match anything.
    from jointcampaign.campaign.load import load_campaign
    from jointcampaign.pipeline.review_export import campaign_segments

    loaded, _ = load_campaign(campaign_copy)
    spoken = [s.text for s in campaign_segments(loaded, "es") if "video#" in s.context]
    assert spoken == ["Good morning from Maple Street!", "Fresh coffee at Corner Café."]
