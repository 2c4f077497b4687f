"""Redemptions from a point-of-sale export: columns found by header name, dates in common formats.

Every problem is collected with its line number before anything is stored, so a file with one
bad row imports nothing and the user fixes it and imports again.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from jointcampaign.errors import Problem, UserInputError
from jointcampaign.metrics.store import Redemption

FIELDS = ("code", "date", "receipt", "amount")
REQUIRED = ("code", "date")
# header names seen in POS exports (compared lowercase, punctuation folded to spaces)
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "promo", "promo code", "promotion", "promotion code", "discount code", "coupon",
             "coupon code", "voucher", "voucher code", "offer code", "offer", "discount"),
    "date": ("date", "day", "sale date", "transaction date", "order date", "timestamp", "time", "datetime",
             "date time", "created at", "sold at", "paid at"),
    "receipt": ("receipt", "receipt no", "receipt number", "receipt id", "transaction", "transaction id",
                "order", "order id", "order number", "ticket", "ticket number", "invoice", "sale id"),
    "amount": ("amount", "total", "net", "gross", "price", "sale total", "order total"),
}  # fmt: skip
DAY_FIRST, MONTH_FIRST = "dmy", "mdy"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[AaPp][Mm])?)?(?:Z|[+-]\d{2}:?\d{2})?"
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})" + _TIME + "$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})" + _TIME + "$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})" + _TIME + "$")  # 31.12.2026 is always day first
_NAMED = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%d-%b-%Y")


def _fold(header: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", header.lower()).split())


def column_map(headers: list[str], overrides: Mapping[str, str], file: Path) -> dict[str, int]:
    """field -> column index; --map entries (header=field) win over the built-in names."""
    folded = [_fold(h) for h in headers]
    found: dict[str, int] = {}
    problems = []
    for header, target in overrides.items():
        if target not in FIELDS:
            problems.append(Problem(file, f"--map {header}={target}: '{target}' is not a field",
                                    f"map a column to one of: {', '.join(FIELDS)}"))  # fmt: skip
        elif _fold(header) not in folded:
            problems.append(Problem(file, f"--map {header}={target}: the file has no column '{header}'",
                                    f"use one of its headers: {', '.join(headers)}"))  # fmt: skip
        else:
            found[target] = folded.index(_fold(header))
    for target, aliases in HEADER_ALIASES.items():
        if target in found:
            continue
        index = next((i for i, name in enumerate(folded) if name in aliases and i not in found.values()), None)
        if index is not None:
            found[target] = index
    for target in REQUIRED:
        if target not in found and not problems:
            problems.append(Problem(file, f"no column for the {target} of each redemption (headers: "
                                    f"{', '.join(headers) or 'none'})", line=1, field=target,
                                    fix=f"name it '{HEADER_ALIASES[target][0]}', or pass --map 'YOUR HEADER={target}'"))  # fmt: skip
    if problems:
        raise UserInputError(problems)
    return found


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def parse_day(text: str, order: str | None) -> dt.date | str | None:
    """The date of a cell; None if it is no date; "ambiguous" for 03/04/2026 without a known order."""
    value = text.strip()
    if match := _ISO.match(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DOTTED.match(value):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    elif match := _SLASHED.match(value):
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        if order is None and first <= 12 and second <= 12 and first != second:
            return "ambiguous"
        day_first = order == DAY_FIRST or (order is None and first > 12)
        day, month = (first, second) if day_first else (second, first)
    else:
        for pattern in _NAMED:
            try:
                return dt.datetime.strptime(value, pattern).date()
            except ValueError:
                continue
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _decode(data: bytes, file: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # spreadsheet programs on Windows still export this
    except UnicodeDecodeError:
        raise UserInputError.single(file, "the file is neither UTF-8 nor Windows-1252 text",
                                    "export it again as CSV (UTF-8)") from None  # fmt: skip


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        return csv.excel


@dataclass(frozen=True)
class ParsedExport:
    redemptions: list[Redemption]
    without_code: int  # sales without an offer code: not redemptions, not errors


def read_redemptions(
    file: Path, known_codes: Collection[str], overrides: Mapping[str, str] | None = None,
    date_order: str | None = None,
) -> ParsedExport:  # fmt: skip
    """Every redemption of a known code in `file`, or UserInputError listing every bad line."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UserInputError.single(file, f"cannot read the file: {exc.strerror}",
                                    "check the path and that you may read it") from None  # fmt: skip
    text = _decode(data, file)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), _dialect(text)))
    except csv.Error as exc:  # NUL bytes, a quote never closed...
        raise UserInputError.single(file, f"is not a readable CSV file ({exc})",
                                    "export the sales again as CSV from the till or spreadsheet") from None  # fmt: skip
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise UserInputError.single(file, "the file is empty or has no header row",
                                    "export the sales with a header row (date, code, ...)", line=1)  # fmt: skip
    headers = [h.strip() for h in rows[0]]
    columns = column_map(headers, overrides or {}, file)
    codes = {c.upper() for c in known_codes}
    problems: list[Problem] = []
    parsed: list[tuple[int, str, dt.date, str]] = []
    without_code = 0
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines and trailing separators
        if len(row) < len(headers) and len(row) <= max(columns.values()):
            problems.append(Problem(file, f"the row has {len(row)} column(s), the header {len(headers)}",
                                    "check for a missing separator or an unquoted comma", line=line))  # fmt: skip
            continue
        cell = {name: row[index].strip() for name, index in columns.items()}
        code = cell["code"].upper()
        if not code:
            without_code += 1
            continue
        if code not in codes:
            problems.append(Problem(file, f"unknown offer code '{cell['code']}'", line=line, field="code",
                                    fix=f"this campaign's codes are {', '.join(sorted(codes)) or 'none'}: "
                                    "correct the row or delete it"))  # fmt: skip
            continue
        day = parse_day(cell["date"], date_order)
        if day == "ambiguous":
            problems.append(Problem(file, f"the date '{cell['date']}' could be day/month or month/day",
                                    "pass --dates dmy or --dates mdy", line=line, field="date"))  # fmt: skip
            continue
        if not isinstance(day, dt.date):
            problems.append(Problem(file, f"'{cell['date']}' is not a date", line=line, field="date",
                                    fix="use a date such as 2026-12-01, 01/12/2026 or 1 Dec 2026"))  # fmt: skip
            continue
        receipt = cell.get("receipt", "")
        identity = f"receipt:{receipt}" if receipt else "\x1f".join((cell["date"], cell.get("amount", "")))
        parsed.append((line, code, day, identity))
    if problems:
        raise UserInputError(problems)
    return ParsedExport(_fingerprinted(parsed), without_code)


def _fingerprinted(parsed: list[tuple[int, str, dt.date, str]]) -> list[Redemption]:
    """A row's fingerprint is its content plus how often that content came before it in the file.

    So the same file imported twice adds nothing, while two identical sales in one file (two
    bouquets at the same minute, no receipt number) still count twice. A receipt number is an
    identity of its own: the same receipt twice is one redemption listed twice.
    """
    seen: Counter[tuple[str, str]] = Counter()
    redemptions = []
    for line, code, day, identity in parsed:
        if not identity.startswith("receipt:") or not seen[(code, identity)]:
            seen[(code, identity)] += 1
        key = "\x1f".join((code, identity, str(seen[(code, identity)])))
        redemptions.append(Redemption(hashlib.sha256(key.encode()).hexdigest(), code, day, line))
    return redemptions
