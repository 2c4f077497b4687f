"""Human review files (gettext PO): validate, store, and serve reviewed strings to the translator.

A campaign keeps one reviewed file per language at `review/<lang>.po`. An entry counts as
reviewed when it is neither fuzzy nor empty; reviewed strings win over machine output.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import langcodes
import polib

from jointcampaign.errors import Problem, UserInputError
from jointcampaign.fileio import write_bytes_atomic
from jointcampaign.translate.spans.protect import ProtectionRules, find_spans
from jointcampaign.translate.spans.verify import verify

REVIEW_DIR = "review"
_EDITOR_FIX = "open it in Poedit (or any PO editor), fix the entry and save"
_SYNTAX_LINE = re.compile(r"line (\d+)")


@dataclass(frozen=True)
class ReviewFile:
    path: Path
    language: str
    reviewed: dict[str, str]  # msgid → reviewed msgstr
    fuzzy: int = 0
    untranslated: int = 0
    unknown: tuple[str, ...] = ()  # reviewed msgids the campaign no longer has (kept, harmless)


def review_file(campaign_dir: Path, language: str) -> Path:
    """Where a campaign keeps the reviewed strings for one language."""
    return campaign_dir / REVIEW_DIR / f"{language}.po"


def read_review(
    path: Path, language: str, rules: ProtectionRules, known: Iterable[str] | None = None
) -> ReviewFile:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UserInputError.single(path, f"cannot be read: {err.strerror}", "check the file name") from err
    return parse_review(data, path, language, rules, known)


def parse_review(
    data: bytes, path: Path, language: str, rules: ProtectionRules, known: Iterable[str] | None = None
) -> ReviewFile:
    """Validate a PO file; UserInputError lists every problem (file, entry line, fix)."""
    text = _decode(data, path)
    try:
        po = polib.pofile(text, encoding="utf-8", wrapwidth=0)
    except (OSError, ValueError) as err:
        match = _SYNTAX_LINE.search(str(err))
        raise UserInputError.single(
            path,
            f"is not a valid PO file: {err}",
            "save it again from a PO editor, or undo the hand edit at that line",
            line=int(match.group(1)) if match else None,
        ) from err
    problems = _header_problems(po, path, language)
    reviewed: dict[str, str] = {}
    where: dict[str, int] = {}
    fuzzy = untranslated = 0
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        line = entry.linenum
        if entry.msgid_plural:
            problems.append(
                _problem(
                    path,
                    line,
                    f"«{entry.msgid}» has plural forms",
                    "remove msgid_plural: campaign strings have no plurals; translate the singular only",
                )
            )
            continue
        if entry.fuzzy or not entry.msgstr.strip():
            fuzzy += bool(entry.fuzzy and entry.msgstr.strip())
            untranslated += not entry.msgstr.strip()
            continue
        problems += _entry_problems(entry, path, rules)
        previous = reviewed.get(entry.msgid)
        if previous is not None and previous != entry.msgstr:
            problems.append(
                _problem(
                    path,
                    line,
                    f"«{entry.msgid}» is translated differently here and at line {where[entry.msgid]}",
                    "give both entries the same translation (a sentence is translated the same way everywhere)",
                )
            )
        reviewed.setdefault(entry.msgid, entry.msgstr)
        where.setdefault(entry.msgid, line)
    if problems:
        raise UserInputError(problems)
    known_set = set(known) if known is not None else set(reviewed)
    unknown = tuple(msgid for msgid in reviewed if msgid not in known_set)
    return ReviewFile(path, language, reviewed, fuzzy, untranslated, unknown)


def import_review(
    campaign_dir: Path,
    po_file: Path,
    language: str,
    rules: ProtectionRules,
    known: Iterable[str] | None = None,
) -> ReviewFile:
    """Validate `po_file` and store it, byte for byte, as the campaign's review file for `language`.

    Nothing is written unless the whole file is valid; the store is atomic (rename).
    """
    try:
        data = po_file.read_bytes()
    except OSError as err:
        raise UserInputError.single(
            po_file, f"cannot be read: {err.strerror}", "check the file name"
        ) from err
    checked = parse_review(data, po_file, language, rules, known)
    destination = review_file(campaign_dir, language)
    write_bytes_atomic(destination, data)
    return ReviewFile(
        destination, language, checked.reviewed, checked.fuzzy, checked.untranslated, checked.unknown
    )


@dataclass
class ReviewStore:
    """Reviewed strings per target language, as the translator looks them up."""

    by_language: dict[str, dict[str, str]] = field(default_factory=dict)
    sources: dict[str, list[Path]] = field(default_factory=dict)

    @classmethod
    def load(
        cls, files: Mapping[str, Sequence[Path]], rules_for: Callable[[str], ProtectionRules]
    ) -> ReviewStore:
        """Read every existing file; later files of a language win over earlier ones."""
        store = cls()
        for language, paths in files.items():
            for path in paths:
                if path.is_file():
                    reviewed = read_review(path, language, rules_for(language)).reviewed
                    store.by_language.setdefault(language, {}).update(reviewed)
                    store.sources.setdefault(language, []).append(path)
        return store

    def lookup(self, texts: Sequence[str], language: str) -> dict[str, str]:
        reviewed = self.by_language.get(language, {})
        return {text: reviewed[text] for text in texts if text in reviewed}

    def digest(self, language: str) -> str:
        reviewed = sorted(self.by_language.get(language, {}).items())
        return hashlib.sha256(repr(reviewed).encode()).hexdigest()[:16] if reviewed else "none"

    def origin(self, language: str) -> str:
        return ", ".join(str(path) for path in self.sources.get(language, [])) or "review"


def same_language(header: str, language: str) -> bool:
    """`vi_VN` matches `vi`, `zh_CN` matches `zh-Hans`, a bare `es` matches `es-419`."""
    try:
        declared = langcodes.Language.get(header.split("@")[0].split(".")[0].replace("_", "-"))
        wanted = langcodes.Language.get(language)
    except (ValueError, LookupError):
        return False
    if declared.maximize() == wanted.maximize():
        return True
    bare = declared.script is None and declared.territory is None
    return bare and declared.language == wanted.language


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UserInputError.single(
            path,
            f"is not UTF-8 text (byte 0x{data[err.start]:02x} cannot be read)",
            "save the file as UTF-8 (Poedit does by default; in a text editor choose the UTF-8 encoding)",
            line=line,
        ) from err


def _header_problems(po: polib.POFile, path: Path, language: str) -> list[Problem]:
    problems = []
    content_type = po.metadata.get("Content-Type", "")
    charset = re.search(r"charset=([\w-]+)", content_type)
    if charset is None or charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        problems.append(
            _problem(
                path,
                1,
                f"the header declares charset {charset.group(1) if charset else '(none)'}",
                'set "Content-Type: text/plain; charset=UTF-8" in the header and save as UTF-8',
            )
        )
    declared = po.metadata.get("Language", "").strip()
    if not declared:
        problems.append(
            _problem(
                path,
                1,
                "the header has no Language",
                f'add "Language: {language}" to the header (Poedit: Translation › Properties › Language)',
            )
        )
    elif not same_language(declared, language):
        problems.append(
            _problem(
                path,
                1,
                f"the header says Language: {declared}, but this file is being used for {language}",
                f"import it with --lang {declared}, or fix the header's Language",
            )
        )
    return problems


def _entry_problems(entry: polib.POEntry, path: Path, rules: ProtectionRules) -> list[Problem]:
    spans = find_spans(entry.msgid, rules)
    verdict = verify(spans, entry.msgstr, rules)
    problems = []
    for span in verdict.missing:
        what = "the glossary's translation" if span.kind == "fixed" else f"the {span.kind}"
        problems.append(
            _problem(
                path,
                entry.linenum,
                f"«{entry.msgid}»: the translation lacks {what} «{span.replacement}»",
                f"write «{span.replacement}» exactly as shown in the translation, or mark the entry fuzzy",
            )
        )
    for span in verdict.unexpected:
        if span.kind == "placeholder":
            problems.append(
                _problem(
                    path,
                    entry.linenum,
                    f"«{entry.msgid}»: the translation adds the placeholder {span.text}",
                    "use only the placeholders of the source text",
                )
            )
    return problems


def _problem(path: Path, line: int | None, message: str, fix: str) -> Problem:
    return Problem(file=path, message=message, fix=fix or _EDITOR_FIX, line=line)
