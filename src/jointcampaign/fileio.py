"""Write files so a reader never sees half of one: temp file beside the target, then rename."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_beside(destination: Path) -> Iterator[Path]:
    """A temp file in the destination's folder (so a later rename is atomic), removed on the way out.

    For writers that rename several outputs together only once all of them are checked."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=destination.suffix, dir=destination.parent
    )
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
    finally:
        temp.unlink(missing_ok=True)


@contextmanager
def atomic_path(destination: Path) -> Iterator[Path]:
    """Yield a temp path in the destination's folder; it replaces `destination` only on success."""
    with scratch_beside(destination) as temp:
        yield temp
        os.replace(temp, destination)


def write_text_atomic(destination: Path, text: str) -> None:
    with atomic_path(destination) as temp:
        temp.write_text(text, encoding="utf-8")


def write_bytes_atomic(destination: Path, data: bytes) -> None:
    with atomic_path(destination) as temp:
        temp.write_bytes(data)


def replace_dir(staged: Path, destination: Path) -> None:
    """Swap a fully built folder into place; the old one is removed only after the new one is there."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    old = destination.with_name(f".{destination.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if destination.exists():
        os.replace(destination, old)
    os.replace(staged, destination)
    shutil.rmtree(old, ignore_errors=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_tree(paths: list[Path], root: Path) -> str:
    """One hash for a set of input files: names relative to root, then contents."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(sha256_file(path).encode())
    return digest.hexdigest()
