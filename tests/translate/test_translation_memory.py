"""The translation memory: a real SQLite file, shared by threads and processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jointcampaign.errors import JointCampaignError
from jointcampaign.translate.memory import MemoryKey, Remembered, TranslationMemory

KEY = MemoryKey("en", "vi", "argos", "argos:en-vi@2.0", "rules-a")


def test_exact_match_needs_the_same_text_pair_engine_version_and_rules(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "memory.sqlite")
    memory.store({"Two shops.": Remembered("Hai cửa hàng.", {"notes": ["n"]})}, KEY)
    assert memory.lookup(["Two shops.", "One street."], KEY) == {
        "Two shops.": Remembered("Hai cửa hàng.", {"notes": ["n"]})
    }
    for other in (
        MemoryKey("en", "es", "argos", KEY.version, KEY.rules),
        MemoryKey("en", "vi", "apertium", KEY.version, KEY.rules),
        MemoryKey("en", "vi", "argos", "argos:en-vi@2.1", KEY.rules),
        MemoryKey("en", "vi", "argos", KEY.version, "rules-b"),
    ):
        assert memory.lookup(["Two shops."], other) == {}
    assert memory.lookup(["two shops."], KEY) == {}


def test_reviewed_strings_outlive_model_changes_and_update_in_place(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    memory = TranslationMemory(path)
    memory.remember_reviewed({"Two shops.": "Hai tiệm."}, "en", "vi", "review/vi.po")
    memory.remember_reviewed({"Two shops.": "Hai cửa tiệm."}, "en", "vi", "review/vi.po")
    memory.close()
    reopened = TranslationMemory(path)
    assert reopened.reviewed(["Two shops.", "x"], "en", "vi") == {"Two shops.": "Hai cửa tiệm."}
    assert reopened.reviewed(["Two shops."], "en", "es") == {}
    assert reopened.counts() == {"machine": 0, "reviewed": 1}


def test_many_lookups_beyond_the_parameter_limit(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "memory.sqlite")
    entries = {f"sentence {n}": Remembered(f"câu {n}") for n in range(2500)}
    memory.store(entries, KEY)
    assert memory.lookup(list(entries), KEY) == entries


def test_threads_share_one_file_each_with_its_own_connection(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "memory.sqlite")

    def work(worker: int) -> int:
        for batch in range(20):
            texts = {f"w{worker} b{batch} s{n}": Remembered(f"t{worker}-{batch}-{n}") for n in range(10)}
            memory.store(texts, KEY)
            assert memory.lookup(list(texts), KEY) == texts
        return worker

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(work, range(8))) == list(range(8))
    assert memory.counts()["machine"] == 8 * 20 * 10
    assert len(memory._connections) >= 2
    with sqlite3.connect(tmp_path / "memory.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_processes_write_at_the_same_time(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    script = (
        "import sys; from pathlib import Path\n"
        "from jointcampaign.translate.memory import MemoryKey, Remembered, TranslationMemory\n"
        "memory = TranslationMemory(Path(sys.argv[1]))\n"
        "key = MemoryKey('en', 'vi', 'argos', 'v', 'r')\n"
        "for n in range(150):\n"
        "    memory.store({f'{sys.argv[2]} {n}': Remembered('x')}, key)\n"
    )
    workers = [subprocess.Popen([sys.executable, "-c", script, str(path), f"p{n}"]) for n in range(3)]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0]
    assert TranslationMemory(path).counts()["machine"] == 450


def test_a_damaged_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JointCampaignError, match="move the file away"):
        TranslationMemory(path)
