"""A long English subtitle file the demo models can translate, for the readability goal and its bench.

The demo models know only the demo phrase tables' sentences, so the file is made of those, one
sentence per cue, timed the way subtitlers time a source meant for translation: about twelve
characters per second (room for languages that run longer), cues of 1.2–6 s, pauses of 80–700 ms.
"""

from __future__ import annotations

import random
from pathlib import Path

from jointcampaign.subtitles.model import Cue
from jointcampaign.subtitles.write.writer import write_srt
from jointcampaign.translate.training.builder import demo_tables, load_phrase_table

SOURCE_CPS = 12.0


def known_sentences() -> list[str]:
    """The English sentences of the demo's en→es table (every demo table has the same English)."""
    table = next(path for path in demo_tables() if path.stem == "en-es")
    return [source for source, _ in load_phrase_table(table) if source.rstrip()[-1:] in ".!?"]


def sample_cues(count: int = 300, seed: int = 7) -> list[Cue]:
    rng = random.Random(seed)
    sentences = known_sentences()
    cues, clock = [], 0.5
    for index in range(1, count + 1):
        text = rng.choice(sentences)
        duration = max(1.2, min(6.0, len(text) / SOURCE_CPS + rng.uniform(0.2, 0.8)))
        cues.append(Cue(index=index, start=round(clock, 3), end=round(clock + duration, 3), text=text))
        clock += duration + rng.uniform(0.08, 0.7)
    return cues


def write_sample_srt(path: Path, count: int = 300, seed: int = 7) -> Path:
    write_srt(sample_cues(count, seed), path)
    return path
