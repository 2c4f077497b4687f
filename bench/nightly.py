"""Benchmark: what a rerun costs when little or nothing changed, measured against a cold run in the same run.

On a private copy of the demo campaign (all its languages, the configured render height):
  1. cold run of `localize-campaign` into an empty output folder,
  2. rerun with nothing changed (goal: at most 5% of the cold run),
  3. rerun after one language's review file changed (goal: only that language's outputs are rebuilt),
  4. the nightly pass over the unchanged campaign (skipped without a run).
Prints each time, the ratio to the cold run, and which steps ran and which output files were rewritten.
Run: .venv/bin/python bench/nightly.py   (after `make demo-media demo-models`)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

# Prefect reads its settings on import: keep its database out of the user's home for the benchmark.
_SCRATCH = Path(tempfile.mkdtemp(prefix="jointcampaign-bench-"))
os.environ.setdefault("PREFECT_HOME", str(_SCRATCH / "prefect-home"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "campaigns" / "demo-cafe-florist"
REVIEW = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: es\\n"

msgid "Good morning from Maple Street!"
msgstr "¡Muy buenos días desde Maple Street!"
"""


def outputs(folder: Path) -> dict[Path, int]:
    """What each step wrote (copy, subtitles, cuts, posters) and the bundles, with when they were written.

    Bundle folders and the staging area are left out: a rebuilt bundle rewrites all of its copies.
    """
    steps = [p for p in (folder / ".work").rglob("*") if p.is_file() and not {"cache", "payload"} & set(p.parts)]
    return {p: p.stat().st_mtime_ns for p in [*steps, *folder.glob("*.zip")]}


def rewritten(before: dict[Path, int], after: dict[Path, int], root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p, stamp in after.items() if before.get(p) != stamp)


def language_of(step: str) -> str | None:
    """The language a step works on: "copy es" → es, "render corner-cafe es 16:9" → es, bundles → None."""
    kind, *rest = step.split()
    if kind in ("copy", "subtitles"):
        return rest[0]
    return rest[1] if kind == "render" else None


def main() -> int:
    from prefect.client.orchestration import get_client

    from jointcampaign.demo.media import ensure_demo_media
    from jointcampaign.flows.localize_campaign import localize_campaign
    from jointcampaign.flows.nightly_render import nightly_render
    from jointcampaign.settings import Settings

    ensure_demo_media(REPO)
    settings = Settings.from_env()
    work = _SCRATCH / "work"
    shutil.copytree(DEMO, work / "campaigns" / DEMO.name)
    shutil.copytree(REPO / "assets", work / "assets")
    campaign = work / "campaigns" / DEMO.name
    out = _SCRATCH / "out"
    campaign_out = out / DEMO.name
    with get_client(sync_client=True) as client:  # start Prefect's local API before timing anything
        client.api_healthcheck()

    def timed_run() -> tuple[float, list[str], list[str]]:
        before = outputs(campaign_out) if campaign_out.exists() else {}
        started = time.perf_counter()
        summary = localize_campaign(campaign_dir=campaign, out_dir=out)
        seconds = time.perf_counter() - started
        if summary.failures:
            print(f"run failed in part: {summary.failures}", file=sys.stderr)
        return seconds, summary.rebuilt, rewritten(before, outputs(campaign_out), campaign_out)

    print(f"demo campaign: {DEMO.name}, render height {settings.render_height}, {settings.threads} threads")
    cold, cold_steps, _ = timed_run()
    print(f"cold run:                     {cold:7.2f} s   {len(cold_steps)} steps ran")
    same, same_steps, same_files = timed_run()
    print(f"rerun, nothing changed:       {same:7.2f} s   {same / cold:6.1%} of cold (goal ≤ 5%); "
          f"{len(same_steps)} steps ran, {len(same_files)} files rewritten")
    (campaign / "review").mkdir(exist_ok=True)
    (campaign / "review" / "es.po").write_text(REVIEW, encoding="utf-8")
    review, review_steps, review_files = timed_run()
    print(f"rerun, review/es.po changed:  {review:7.2f} s   {review / cold:6.1%} of cold; "
          f"steps that ran: {', '.join(review_steps) or 'none'}")
    for name in review_files:
        print(f"    rewritten: {name}")
    others = [step for step in review_steps if language_of(step) not in (None, "es")]
    verdict = "yes" if not others else f"NO, also {', '.join(others)}"
    print(f"    only Spanish outputs and the bundles holding them were rebuilt: {verdict}")
    nightly_render(campaigns_dir=work / "campaigns", out_dir=out)  # records the campaign as done
    started = time.perf_counter()
    entries = nightly_render(campaigns_dir=work / "campaigns", out_dir=out)
    nightly = time.perf_counter() - started
    print(f"nightly pass, unchanged:      {nightly:7.2f} s   {nightly / cold:6.1%} of cold; "
          + ", ".join(f"{e.campaign}: {e.outcome}" for e in entries))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(_SCRATCH, ignore_errors=True)
