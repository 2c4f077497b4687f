"""Install a model from a package index in argostranslate's format (or an organisation's mirror of it).

The index is a JSON list of packages with `from_code`, `to_code`, `package_version` and `links`
(download URLs, tried in order; relative links resolve against the index URL, so a mirror can be
a plain folder). An optional `sha256` is checked. The download goes to a temp file beside the
models folder and is installed through `install_model`, which validates it first: a broken or
foreign file never leaves anything behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jointcampaign import __version__
from jointcampaign.errors import DownloadError, UserInputError
from jointcampaign.fileio import sha256_file
from jointcampaign.translate.languages import to_argos_code
from jointcampaign.translate.models.store import InstalledModel, install_model, validate_archive

Progress = Callable[[int, int | None], None]  # bytes so far, total bytes if known
_TIMEOUT = 60
_BLOCK = 1 << 16
_INDEX_FIX = "check the index URL (--index-url or JOINTCAMPAIGN_MODEL_INDEX_URL) and the network"


@dataclass(frozen=True)
class IndexEntry:
    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...]
    sha256: str | None = None

    @property
    def pair(self) -> str:
        return f"{self.from_code}→{self.to_code}"


def read_index(index_url: str) -> list[IndexEntry]:
    """The translation packages an index lists; entries without a pair or links are skipped."""
    try:
        with _open(index_url) as response:
            data = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError) as err:
        raise DownloadError(
            f"cannot read the model index {index_url}: {_reason(err)}\n    fix: {_INDEX_FIX}"
        ) from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DownloadError(
            f"the model index {index_url} is not JSON: {err}\n    fix: {_INDEX_FIX}; it must be an index.json"
        ) from err
    if not isinstance(data, list):
        raise DownloadError(f"the model index {index_url} is not a list of packages\n    fix: {_INDEX_FIX}")
    return [entry for entry in map(_entry, data) if entry is not None]


def choose(entries: list[IndexEntry], source: str, target: str, index_url: str) -> IndexEntry:
    """The newest package for the pair; UserInputError listing what the index has otherwise."""
    source_code, target_code = to_argos_code(source), to_argos_code(target)
    matching = [entry for entry in entries if (entry.from_code, entry.to_code) == (source_code, target_code)]
    if not matching:
        pairs = ", ".join(sorted({entry.pair for entry in entries})) or "none"
        raise UserInputError.single(
            None,
            f"the model index {index_url} has no {source_code}→{target_code} package (it has: {pairs})",
            "choose a pair the index lists, or install a model file with `jointcampaign models install FILE`",
        )
    return max(matching, key=lambda entry: _version_key(entry.version))


def find_entry(entries: list[IndexEntry], from_code: str, to_code: str) -> IndexEntry | None:
    """The newest package the index has for from_code→to_code (Argos codes), or None."""
    matching = [entry for entry in entries if (entry.from_code, entry.to_code) == (from_code, to_code)]
    return max(matching, key=lambda entry: _version_key(entry.version)) if matching else None


def index_location(location: str) -> str:
    """An index URL, or a local index.json file or a folder holding one, as a URL.

    A folder is how a model mirror is usually copied onto an offline machine (a USB stick)."""
    if urllib.parse.urlsplit(location).scheme in ("http", "https", "file"):
        return location
    path = Path(location).expanduser()
    if path.is_dir():
        path = path / "index.json"
    if not path.is_file():
        raise UserInputError.single(
            path,
            "is not a model index (no such file)",
            "give an index URL (https://…/index.json), an index.json file, or a folder holding one",
            field="--index-url",
        )
    return path.resolve().as_uri()


def install_from_index(
    source: str, target: str, index_url: str, models_dir: Path, progress: Progress | None = None
) -> InstalledModel:
    entry = choose(read_index(index_url), source, target, index_url)
    return install_entry(entry, index_url, models_dir, progress)


def install_entry(
    entry: IndexEntry, index_url: str, models_dir: Path, progress: Progress | None = None
) -> InstalledModel:
    """Download one index entry (checked against its sha256 when the index has one) and install it."""
    with _temp_archive(models_dir) as archive:
        url = _download(entry, index_url, archive, progress)
        _check_download(entry, url, archive)
        try:
            return install_model(archive, models_dir, origin="index", source=url)
        except UserInputError as err:
            raise _about_download(err, url) from err


def install_from_url(url: str, models_dir: Path, progress: Progress | None = None) -> InstalledModel:
    """Download a .argosmodel from a URL and install it (validated and test-loaded like a file)."""
    with _temp_archive(models_dir) as archive:
        try:
            _fetch(url, archive, progress)
        except (urllib.error.URLError, OSError) as err:
            raise DownloadError(
                f"cannot download {url}: {_reason(err)}\n    fix: check the URL and the network, or download "
                "the .argosmodel elsewhere and run `jointcampaign models install FILE`"
            ) from err
        try:
            return install_model(archive, models_dir, origin="file", source=url)
        except UserInputError as err:
            raise _about_download(err, url) from err


@contextlib.contextmanager
def _temp_archive(models_dir: Path) -> Iterator[Path]:
    models_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".download-", suffix=".argosmodel", dir=models_dir.parent)
    os.close(fd)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _fetch(url: str, archive: Path, progress: Progress | None) -> None:
    with _open(url) as response, archive.open("wb") as out:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        done = 0
        while block := response.read(_BLOCK):
            out.write(block)
            done += len(block)
            if progress is not None:
                progress(done, total)


def _download(entry: IndexEntry, index_url: str, archive: Path, progress: Progress | None) -> str:
    failures = []
    for link in entry.links:
        url = urllib.parse.urljoin(index_url, link)
        try:
            _fetch(url, archive, progress)
            return url
        except (urllib.error.URLError, OSError) as err:
            failures.append(f"{url}: {_reason(err)}")
    raise DownloadError(
        f"cannot download the {entry.pair} model (version {entry.version}):\n    "
        + "\n    ".join(failures or ["the index gives no download link"])
        + f"\n    fix: {_INDEX_FIX}; or download the .argosmodel elsewhere and run "
        "`jointcampaign models install FILE`"
    )


def _check_download(entry: IndexEntry, url: str, archive: Path) -> None:
    if entry.sha256 is not None:
        digest = sha256_file(archive)
        if digest != entry.sha256.lower():
            raise DownloadError(
                f"the model downloaded from {url} does not match the index's sha256 "
                f"(got {digest[:16]}…, expected {entry.sha256[:16]}…); nothing was installed\n"
                "    fix: download again; if it persists, the mirror holds a different file than its index says"
            )
    try:
        _, metadata = validate_archive(archive)
    except UserInputError as err:
        raise _about_download(err, url) from err
    got = (metadata["from_code"], metadata["to_code"])
    if got != (entry.from_code, entry.to_code):
        raise UserInputError.single(
            None,
            f"the package downloaded from {url} translates {got[0]}→{got[1]}, but the index lists it "
            f"as {entry.pair}; nothing was installed",
            "fix the index entry (from_code/to_code or links)",
        )


def _about_download(err: UserInputError, url: str) -> UserInputError:
    """Problems found in the temp file, reported against the URL the user can act on."""
    return UserInputError.single(
        None,
        f"the package downloaded from {url} "
        + "; ".join(problem.message for problem in err.problems)
        + "; nothing was installed",
        err.problems[0].fix if err.problems else "check the index",
    )


def _open(url: str) -> Any:
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https", "file"):
        raise urllib.error.URLError(f"unsupported URL scheme {scheme!r} (use https://, http:// or file://)")
    request = urllib.request.Request(url, headers={"User-Agent": f"jointcampaign/{__version__}"})
    return urllib.request.urlopen(request, timeout=_TIMEOUT)


def _entry(item: Any) -> IndexEntry | None:
    if not isinstance(item, dict) or item.get("type", "translate") != "translate":
        return None
    fields = [item.get(key) for key in ("from_code", "to_code", "package_version")]
    links = item.get("links")
    if not all(isinstance(value, str) and value for value in fields) or not isinstance(links, list):
        return None
    checksum = item.get("sha256")
    return IndexEntry(
        from_code=str(fields[0]),
        to_code=str(fields[1]),
        version=str(fields[2]),
        links=tuple(link for link in links if isinstance(link, str) and link),
        sha256=checksum if isinstance(checksum, str) and re.fullmatch(r"[0-9a-fA-F]{64}", checksum) else None,
    )


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"[.\-+_]", version))


def _reason(err: BaseException) -> str:
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}"
    if isinstance(err, urllib.error.URLError):
        return str(err.reason)
    return str(err) or type(err).__name__
