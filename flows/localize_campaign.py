"""validate → translate copy → translate subtitles → render cuts → build partner bundles."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner

from jointcampaign.errors import UserInputError
from jointcampaign.pipeline import plan as core
from jointcampaign.pipeline.results import CopyOutcome, CutOutcome, RunOutcome, StageFailure, SubtitleOutcome
from jointcampaign.settings import Settings
from jointcampaign.translate.protocol import Translator
from jointcampaign.validation import ValidationReport, validate_campaign


T = TypeVar("T")


@dataclass
class RunSummary:
    campaign: str
    out_dir: Path
    languages: list[str]
    bundles: dict[str, Path] = field(default_factory=dict)
    failures: list[StageFailure] = field(default_factory=list)
    blockers: int = 0

    @property
    def status(self) -> str:
        return "partial" if self.failures else "completed"


@cache
def _translator(models_dir: Path, threads: int, beam_size: int) -> Translator:
    from jointcampaign.translate.argos_engine import ArgosTranslator

    return ArgosTranslator(models_dir=models_dir, threads=threads, beam_size=beam_size)


def _settings() -> Settings:
    settings = Settings.from_env()
    settings.export_to_environment()
    return settings


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(campaign_dir: Path) -> ValidationReport:
    from jointcampaign.translate.model_store import has_pair

    models_dir = _settings().models_dir
    return validate_campaign(campaign_dir, lambda s, t: has_pair(models_dir, s, t))


@task(name="translate-copy", cache_policy=NO_CACHE, task_run_name="translate-copy-{language}")
def translate_copy_task(plan: core.RunPlan, language: str) -> CopyOutcome:
    s = _settings()
    return core.translate_copy(plan, language, _translator(s.models_dir, s.threads, s.beam_size))


@task(name="translate-subtitles", cache_policy=NO_CACHE, task_run_name="translate-subtitles-{language}")
def translate_subtitles_task(plan: core.RunPlan, language: str) -> SubtitleOutcome | None:
    s = _settings()
    return core.translate_subtitles(plan, language, _translator(s.models_dir, s.threads, s.beam_size))


@task(name="render-cut", cache_policy=NO_CACHE, task_run_name="render-{partner}-{language}")
def render_cut_task(plan: core.RunPlan, partner: str, language: str, aspect: str,
                    subtitles: SubtitleOutcome) -> CutOutcome:
    return core.render_cut(plan, partner, language, aspect, subtitles, _settings())


@task(name="build-bundle", cache_policy=NO_CACHE, task_run_name="bundle-{partner}")
def build_bundle_task(plan: core.RunPlan, partner: str, outcome: RunOutcome) -> Path:
    return core.build_partner_bundle(plan, partner, outcome).zip_path


def _collect(future: PrefectFuture[T], failures: list[StageFailure], **where: str | None) -> T | None:
    future.wait()
    if future.state.is_completed():
        return future.result()
    failures.append(StageFailure(message=_reason(future), **where))  # type: ignore[arg-type]
    return None


def _reason(future: PrefectFuture[object]) -> str:
    try:
        future.result()
    except Exception as exc:  # the failed task's own exception, re-raised by Prefect
        return str(exc) or type(exc).__name__
    return future.state.message or "failed"


@flow(name="localize-campaign", task_runner=ThreadPoolTaskRunner(max_workers=2), log_prints=True)
def localize_campaign(campaign_dir: Path, out_dir: Path = Path("out"),
                      languages: list[str] | None = None) -> RunSummary:
    """Turn one campaign folder into a verified bundle per partner under OUT/<campaign>/."""
    logger = get_run_logger()
    report = validate_task(campaign_dir)
    if not report.ok:
        raise UserInputError(report.errors)
    plan = core.plan_run(report, out_dir, languages)
    outcome = RunOutcome()
    copies = {lang: translate_copy_task.submit(plan, lang) for lang in plan.languages}
    subtitles = {lang: translate_subtitles_task.submit(plan, lang) for lang in plan.languages}
    cuts: list[tuple[PrefectFuture[CutOutcome], dict[str, str | None]]] = []
    for lang in plan.languages:
        subs = _collect(subtitles[lang], outcome.failures, stage="subtitles", language=lang)
        if subs is None:
            continue
        outcome.subtitles.append(subs)
        for partner in plan.partners:
            for aspect in plan.aspects:
                where = {"stage": "render", "language": lang, "partner": partner, "aspect": aspect}
                cuts.append((render_cut_task.submit(plan, partner, lang, aspect, subs), where))
    for lang, future in copies.items():
        copy = _collect(future, outcome.failures, stage="copy", language=lang)
        if copy is not None:
            outcome.copies.append(copy)
    for future, where in cuts:
        cut = _collect(future, outcome.failures, **where)
        if cut is not None:
            outcome.cuts.append(cut)
    summary = RunSummary(campaign=plan.loaded.slug, out_dir=plan.layout.campaign_dir, languages=plan.languages,
                         failures=outcome.failures, blockers=len(plan.blockers))
    for partner in plan.partners:
        summary.bundles[partner] = build_bundle_task.submit(plan, partner, outcome).result()
    for failure in outcome.failures:
        logger.error("%s failed (%s %s): %s", failure.stage, failure.language, failure.partner, failure.message)
    create_markdown_artifact(key=f"run-{plan.loaded.slug}", markdown=_summary_markdown(summary, outcome),
                             description=f"jointcampaign run of {plan.loaded.slug}")
    return summary


def _summary_markdown(summary: RunSummary, outcome: RunOutcome) -> str:
    lines = [f"# {summary.campaign}: {summary.status}", "", f"Languages: {', '.join(summary.languages)}",
             f"Cuts: {len(outcome.cuts)} · failures: {len(outcome.failures)} · blockers: {summary.blockers}", "",
             "| partner | bundle |", "|---|---|"]
    lines += [f"| {partner} | `{path}` |" for partner, path in summary.bundles.items()]
    return "\n".join(lines) + "\n"
