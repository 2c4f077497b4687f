"""The QC report's subtitle section: what a reviewer must look at, per language."""

from __future__ import annotations

from pathlib import Path

from jointcampaign.pipeline.documents.qc import render_qc
from jointcampaign.pipeline.results import RunOutcome, SubtitleOutcome
from jointcampaign.subtitles import Cue, localize_cues


def test_rule_breaks_and_borrowed_time_are_listed_per_language() -> None:
    source = [Cue(1, 1.0, 2.0, "Get 20% off."), Cue(2, 3.0, 3.4, "Shop local today, please.")]
    spanish = ["Obtén un 20% de descuento.", "Compra local hoy, por favor."]
    localized = localize_cues(source, lambda texts: spanish, "es")
    outcome = RunOutcome(
        subtitles=[
            SubtitleOutcome(
                language="es",
                deliverable="main-video",
                srt=Path("es.srt"),
                vtt=Path("es.vtt"),
                cue_count=len(localized.cues),
                readability=localized.summary.as_dict(),
                rule_breaks=tuple(f"cue {issue.index}: {issue.message}" for issue in localized.issues),
                borrowed_time=tuple(localized.borrowed_time()),
            )
        ]
    )
    page = render_qc("Spring", "Corner Café", "corner-cafe", ["es"], outcome, [])
    assert "Shown outside their speech" in page
    assert "cue 1: shown 0.03 s before and 0.50 s after the speech" in page
    assert "cue 2: " in page and "characters per second" in page  # 28 characters in 1.15 s
    assert "50% of cues" in page
