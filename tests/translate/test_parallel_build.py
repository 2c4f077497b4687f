"""Models built side by side on two cores are byte-identical to models built one after another."""

from __future__ import annotations

from pathlib import Path

import pytest

from jointcampaign.errors import UserInputError
from jointcampaign.translate.training.builder import build_job, demo_tables
from jointcampaign.translate.training.parallel import BuildJob, build_all

pytestmark = pytest.mark.slow


def small_table(tmp_path: Path, target: str, rows: int = 8) -> Path:
    table = next(table for table in demo_tables() if table.stem == f"en-{target}")
    kept = [line for line in table.read_text(encoding="utf-8").splitlines() if "\t" in line][:rows]
    path = tmp_path / f"en-{target}.tsv"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def jobs_in(folder: Path, tables: list[Path]) -> list[BuildJob]:
    return [BuildJob(table, "en", table.stem.split("-")[1], folder / f"{table.stem}.argosmodel") for table in tables]


def test_parallel_builds_equal_sequential_ones(tmp_path: Path) -> None:
    tables = [small_table(tmp_path, "es"), small_table(tmp_path, "vi")]
    messages: list[str] = []
    build_all(jobs_in(tmp_path / "parallel", tables), build_job, messages.append, workers=2)
    build_all(jobs_in(tmp_path / "one-by-one", tables), build_job, lambda message: None, workers=1)
    for table in tables:
        name = f"{table.stem}.argosmodel"
        assert (tmp_path / "parallel" / name).read_bytes() == (tmp_path / "one-by-one" / name).read_bytes()
    # Progress from both worker processes reached the caller.
    assert any(message.startswith("en→es: 8/8 phrases exact") for message in messages)
    assert any(message.startswith("en→vi: 8/8 phrases exact") for message in messages)


def test_a_bad_table_in_a_parallel_build_is_reported_as_bad_input(tmp_path: Path) -> None:
    good = small_table(tmp_path, "es")
    bad = tmp_path / "en-vi.tsv"
    bad.write_text("Hello\tXin chào\tthird column\n", encoding="utf-8")
    with pytest.raises(UserInputError) as raised:
        build_all(jobs_in(tmp_path / "out", [good, bad]), build_job, lambda message: None, workers=2)
    assert f"{bad}:1 " in str(raised.value)
    assert "two non-empty columns" in str(raised.value)
    assert not (tmp_path / "out" / "en-vi.argosmodel").exists()
