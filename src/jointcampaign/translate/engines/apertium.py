"""Translate with Apertium (rule-based, Debian packages such as apertium-eng-spa), no model download.

Each batch is one `apertium` run. Every line of every segment goes in as its own paragraph
(blank-line separated): Apertium keeps paragraphs apart and in order, while a single line break
is just a space to it and words may move across it.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shlex
import shutil
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import langcodes

from jointcampaign.errors import JointCampaignError, ToolMissingError
from jointcampaign.translate.protocol import TranslationBatch

_LINE_BREAK_KEPT = re.compile(r"(\r\n|[\r\n\u2028\u2029\x85])")
_PARAGRAPH = "\n\n"
_INSTALL = (
    "sudo apt-get install apertium apertium-eng-spa   (Debian/Ubuntu; other pairs: apt-cache search apertium)"
)


class ApertiumTranslator:
    """The Translator protocol over the `apertium` command and its installed language pairs."""

    name = "apertium"
    prefers_masks = True  # it would translate names and links word by word; `⟦n⟧` tokens pass through

    def __init__(self, binary: str = "apertium", timeout: float = 600) -> None:
        self.binary = binary
        self.timeout = timeout
        self._lock = threading.Lock()

    def version(self, source: str, target: str) -> str:
        mode = self._mode(source, target)
        return f"apertium:{mode}@{_mode_digest(self._executable(), mode)}"

    def direct_pair(self, source: str, target: str) -> bool:
        """Whether an installed Apertium pair translates source→target."""
        try:
            self._mode(source, target)
        except ToolMissingError:
            return False
        return True

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        mode = self._mode(source, target)
        layout: list[list[str | int]] = []
        paragraphs: list[str] = []
        for text in texts:
            parts: list[str | int] = []
            for position, piece in enumerate(_LINE_BREAK_KEPT.split(text)):
                if position % 2 or not piece.strip():
                    parts.append(piece)
                    continue
                lead, trail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
                parts += [lead, len(paragraphs), trail]
                paragraphs.append(" ".join(piece.split()))
            layout.append(parts)
        translated = self._run(mode, paragraphs)
        if len(translated) != len(paragraphs):  # never seen; translate one by one rather than misalign
            translated = [self._run(mode, [paragraph])[0] for paragraph in paragraphs]
        return TranslationBatch(
            texts=["".join(p if isinstance(p, str) else translated[p] for p in parts) for parts in layout]
        )

    def _run(self, mode: str, paragraphs: list[str]) -> list[str]:
        if not paragraphs:
            return []
        try:
            done = subprocess.run(
                [self._executable(), "-u", mode],
                input=_PARAGRAPH.join(paragraphs) + "\n",
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=self.timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise JointCampaignError(f"apertium {mode} failed: {err}") from err
        if done.returncode != 0:
            raise JointCampaignError(
                f"apertium {mode} failed (exit {done.returncode}): {done.stderr.strip()[:500]}"
            )
        return [paragraph.strip() for paragraph in done.stdout.strip("\n").split(_PARAGRAPH)]

    def _executable(self) -> str:
        found = shutil.which(self.binary)
        if found is None:
            raise ToolMissingError(
                f"Apertium is not installed (no `{self.binary}` command).\n    fix: {_INSTALL}\n"
                "    or unset JOINTCAMPAIGN_ENGINE_<LANG> to translate that language with the Argos models"
            )
        return found

    def _mode(self, source: str, target: str) -> str:
        executable = self._executable()
        with self._lock:
            modes = _modes(executable)
        wanted_source, wanted_target = _codes(source), _codes(target)
        matches = [
            mode
            for mode in modes
            if "-" in mode
            and mode.split("-", 1)[0] in wanted_source
            and mode.split("-", 1)[1].split("_")[0] in wanted_target
        ]
        if not matches:
            listed = ", ".join(modes) or "none"
            raise ToolMissingError(
                f"Apertium has no {source}→{target} pair installed (installed: {listed}).\n"
                f"    fix: install the pair's Debian package, e.g. {_INSTALL}"
            )
        return min(matches, key=lambda mode: ("_" in mode, mode))  # the plain pair before variants


@dataclass(frozen=True)
class ApertiumPair:
    pair: str
    version: str
    size_bytes: int
    path: Path


def installed_pairs(binary: str = "apertium") -> list[ApertiumPair]:
    """The language pairs Apertium can translate here; empty when Apertium is not installed."""
    executable = shutil.which(binary)
    if executable is None:
        return []
    pairs = []
    for mode in _modes(executable):
        if "-" not in mode:
            continue
        codes = [_short(code) for code in mode.split("_")[0].split("-", 1)]
        data = _mode_files(executable, mode)
        pairs.append(
            ApertiumPair(
                pair="→".join(codes) + (f" ({mode.split('_', 1)[1]})" if "_" in mode else ""),
                version=f"{mode}@{_mode_digest(executable, mode)}",
                size_bytes=sum(path.stat().st_size for path in data),
                path=data[0] if data else Path(executable),
            )
        )
    return pairs


def available(source: str, target: str, binary: str = "apertium") -> bool:
    try:
        ApertiumTranslator(binary)._mode(source, target)
    except ToolMissingError:
        return False
    return True


def _codes(tag: str) -> set[str]:
    """Apertium names pairs with ISO 639-3 codes (eng-spa), older packages with 639-1 (en-es)."""
    language = langcodes.Language.get(tag).language or tag
    codes = {language}
    with contextlib.suppress(LookupError):
        codes.add(langcodes.Language.get(language).to_alpha3())
    return codes


@cache
def _modes(executable: str) -> tuple[str, ...]:
    done = subprocess.run([executable, "-l"], capture_output=True, text=True, check=False, timeout=60)
    return tuple(line.strip() for line in done.stdout.splitlines() if line.strip())


def _mode_files(executable: str, mode: str) -> list[Path]:
    """The mode file, then every data file it names."""
    mode_file = Path(executable).resolve().parents[1] / "share" / "apertium" / "modes" / f"{mode}.mode"
    if not mode_file.is_file():
        return []
    words = shlex.split(mode_file.read_text(encoding="utf-8", errors="replace"))
    return [mode_file, *dict.fromkeys(Path(w) for w in words if Path(w).is_absolute() and Path(w).is_file())]


@cache
def _mode_digest(executable: str, mode: str) -> str:
    """Changes when the pair's data changes: the mode file and every data file it names."""
    digest = hashlib.sha256(mode.encode())
    for path in _mode_files(executable, mode):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _short(code: str) -> str:
    """`eng` → `en`, as the rest of the project names languages."""
    try:
        return str(langcodes.Language.get(code).language or code)
    except (ValueError, LookupError):
        return code
