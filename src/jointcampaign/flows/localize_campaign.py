"""validate → translate copy → translate subtitles → render cuts → build partner bundles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.futures import PrefectFuture
from prefect.states import Completed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from jointcampaign.errors import UserInputError
from jointcampaign.flows.caching import (
    BUNDLE_CACHE,
    COPY_CACHE,
    CUTS_CACHE,
    SUBTITLES_CACHE,
    persisted,
    retry_transient,
)
from jointcampaign.flows.runners import RenderRunner, render_task_runner
from jointcampaign.pipeline import plan as core
from jointcampaign.pipeline.documents.run_summary import RunFacts, run_summary_markdown
from jointcampaign.pipeline.documents.translation import needs_review_counts
from jointcampaign.pipeline.leftovers import remove_leftovers
from jointcampaign.pipeline.lock import campaign_lock
from jointcampaign.pipeline.results import (
    CopyOutcome,
    CutOutcome,
    CutsFailedError,
    RunOutcome,
    StageFailure,
    SubtitleOutcome,
)
from jointcampaign.pipeline.validate import ValidationReport, validate_with_installed_models
from jointcampaign.settings import Settings
from jointcampaign.translate.protocol import Translator

T = TypeVar("T")


@dataclass
class RunSummary:
    campaign: str
    out_dir: Path
    languages: list[str]
    bundles: dict[str, Path] = field(default_factory=dict)
    failures: list[StageFailure] = field(default_factory=list)
    blockers: int = 0
    rebuilt: list[str] = field(default_factory=list)  # steps that ran; every other step was reused
    needs_review: dict[str, int] = field(default_factory=dict)  # per language: strings nobody can vouch for
    drafts: int = 0  # cuts carrying the DRAFT mark

    @property
    def status(self) -> str:
        return "partial" if self.failures else "completed"


@cache
def _engine(settings: Settings) -> Translator:
    """One engine per process (loaded models are reused); each task wraps it for its campaign."""
    from jointcampaign.translate.engines.routing import build_engine

    return build_engine(settings)


@cache
def _fallback(settings: Settings) -> Translator | None:
    from jointcampaign.translate.engines.routing import build_fallback

    return build_fallback(settings)


def _translator(plan: core.RunPlan, settings: Settings) -> Translator:
    from jointcampaign.pipeline.translator import build_campaign_translator
    from jointcampaign.translate.memory import MEMORY_FILE

    return build_campaign_translator(plan.loaded, _engine(settings), settings.cache_dir / MEMORY_FILE,
                                     fallback=_fallback(settings))


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(campaign_dir: Path) -> ValidationReport:
    return validate_with_installed_models(campaign_dir, Settings.for_process())


@task(name="translate-copy", cache_policy=COPY_CACHE, task_run_name="translate-copy-{language}")
def translate_copy_task(plan: core.RunPlan, language: str, settings: Settings) -> CopyOutcome:
    return core.translate_copy(plan, language, _translator(plan, settings))


@task(name="translate-subtitles", cache_policy=SUBTITLES_CACHE,
      task_run_name="translate-subtitles-{language}")
def translate_subtitles_task(plan: core.RunPlan, language: str, settings: Settings) -> SubtitleOutcome | None:
    return core.translate_subtitles(plan, language, _translator(plan, settings))


# Settings travel as a parameter: on a Dask worker the environment is the worker's, not the flow's.
# One task per language: every cut of it (each partner whose bundle holds it × each aspect) comes
# from one decode of the source; partners' cuts of one aspect share the decoded frames.
@task(name="render-cuts", cache_policy=CUTS_CACHE, task_run_name="render-{language}",
      retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=2),
      retry_condition_fn=retry_transient)
def render_cuts_task(plan: core.RunPlan, language: str,
                     subtitles: SubtitleOutcome, settings: Settings) -> list[CutOutcome]:
    return core.render_language_cuts(plan, language, subtitles, settings)


@task(name="build-bundle", cache_policy=BUNDLE_CACHE, task_run_name="bundle-{partner}")
def build_bundle_task(plan: core.RunPlan, partner: str, outcome: RunOutcome) -> Path:
    return core.build_partner_bundle(plan, partner, outcome).zip_path


def _collect(future: PrefectFuture[T], failures: list[StageFailure], **where: str | None) -> T | None:
    future.wait()
    if future.state.is_completed():
        return future.result()
    failures.append(StageFailure(message=_reason(future), **where))  # type: ignore[arg-type]
    return None


def _collect_cuts(plan: core.RunPlan, future: PrefectFuture[list[CutOutcome]], subtitles: SubtitleOutcome,
                  failures: list[StageFailure]) -> list[CutOutcome]:
    """A language's cuts; each cut that is missing is one failure naming its partner and aspect."""
    language = subtitles.language
    future.wait()
    if future.state.is_completed():
        return future.result()
    try:
        future.result()
    except CutsFailedError as partial:  # some cuts were finished: keep them, name the others
        failures += [StageFailure(stage="render", message=message, language=language, partner=partner,
                                  aspect=aspect) for partner, aspect, message in partial.failed]  # fmt: skip
        return list(partial.done)
    except Exception as exc:  # the task's own exception, re-raised by Prefect
        message = str(exc) or type(exc).__name__
    else:
        message = future.state.message or "failed"
    # The cuts of a language share one decode and fail together: one failure per cut.
    failures += [StageFailure(stage="render", message=message, language=language, partner=partner, aspect=aspect)
                 for aspect in plan.aspects for partner in core.cut_partners(plan, subtitles)]  # fmt: skip
    return []


def _ran(steps: list[tuple[str, PrefectFuture[Any]]]) -> list[str]:
    """Steps that did work this run; a step Prefect answered from its cache reports the state "Cached"."""
    return [label for label, future in steps if future.state.name != "Cached"]


def _artifact_key(slug: str) -> str:
    return "run-" + re.sub(r"[^a-z0-9-]+", "-", slug.lower()).strip("-")


def _reason(future: PrefectFuture[object]) -> str:
    try:
        future.result()
    except Exception as exc:  # the failed task's own exception, re-raised by Prefect
        return str(exc) or type(exc).__name__
    return future.state.message or "failed"


@flow(
    name="localize-campaign",
    task_runner=ThreadPoolTaskRunner(max_workers=2),  # type: ignore[arg-type]
    log_prints=True,
)
def localize_campaign(campaign_dir: Path, out_dir: Path = Path("out"), languages: list[str] | None = None,
                      task_runner: RenderRunner = "threads", dask_address: str | None = None,
                      fresh: bool = False) -> RunSummary:
    """Turn one campaign folder into a verified bundle per partner under OUT/<campaign>/.

    Steps whose inputs did not change since an earlier run into the same OUT are reused, not redone.

    Args:
        campaign_dir: The campaign folder (a snapshot made by `jointcampaign submit`, or campaigns/<name>).
        out_dir: Where the bundles go: OUT/<campaign>/<partner>.zip. Shared by all workers.
        languages: Only these of the campaign's languages; empty means all of them.
        task_runner: Where video cuts render: threads or processes on the worker, or dask (a cluster).
        dask_address: The Dask scheduler when task_runner is dask, e.g. tcp://10.0.0.5:8786.
        fresh: Ignore every cached result: every step runs, and its new result is cached.
    """
    logger = get_run_logger()
    settings = Settings.for_process()
    report = validate_task(campaign_dir)
    if not report.ok:
        raise UserInputError(report.errors)
    plan = core.plan_run(report, out_dir, languages)
    core.attach_measurement(plan, settings)  # end-card links through the portal; the KPIs so far in the briefs
    core.attach_models(plan, settings)  # which model translates each language, for the manifests
    renders = render_task_runner(task_runner, dask_address, workers=2)
    with campaign_lock(plan.layout.campaign_dir, on_wait=logger.warning), renders:
        removed = remove_leftovers(plan.layout)  # holding the lock, no other run's temp files can exist
        if removed:
            logger.warning("removed %d temporary file(s) left by a run that did not finish", len(removed))
        summary, outcome, steps = _produce(plan, settings, renders, fresh)
    for failure in outcome.failures:
        logger.error("%s failed (%s %s): %s", failure.stage, failure.language, failure.partner,
                     failure.message)
    facts = RunFacts(campaign=summary.campaign, status=summary.status, languages=summary.languages,
                     outcome=outcome, blockers=plan.blockers, bundles=summary.bundles,
                     rebuilt=summary.rebuilt, steps=steps)
    create_markdown_artifact(key=_artifact_key(plan.loaded.slug), markdown=run_summary_markdown(facts),
                             description=f"jointcampaign run of {plan.loaded.slug}")
    if summary.failures:
        # A returned State becomes the run's final state, so the UI and `jointcampaign status` say
        # "Partial"; whoever called the flow still receives the summary itself.
        partial: State[RunSummary] = Completed(data=summary, name="Partial",
                                               message=f"{len(summary.failures)} step(s) failed")
        return cast(RunSummary, partial)
    return summary


def _produce(plan: core.RunPlan, settings: Settings,
             renders: TaskRunner[Any], fresh: bool) -> tuple[RunSummary, RunOutcome, int]:
    outcome = RunOutcome()
    steps: list[tuple[str, PrefectFuture[Any]]] = []
    copy_task = persisted(translate_copy_task, plan.layout, fresh)
    subtitles_task = persisted(translate_subtitles_task, plan.layout, fresh)
    render_task = persisted(render_cuts_task, plan.layout, fresh)
    bundle_task = persisted(build_bundle_task, plan.layout, fresh)
    copies = {lang: copy_task.submit(plan, lang, settings) for lang in plan.languages}
    subtitles = {lang: subtitles_task.submit(plan, lang, settings) for lang in plan.languages}
    steps += [(f"copy {lang}", future) for lang, future in copies.items()]
    steps += [(f"subtitles {lang}", future) for lang, future in subtitles.items()]
    renders_of: list[tuple[PrefectFuture[list[CutOutcome]], SubtitleOutcome]] = []
    for lang in plan.languages:
        subs = _collect(subtitles[lang], outcome.failures, stage="subtitles", language=lang)
        if subs is None:
            continue
        outcome.subtitles.append(subs)
        # Unreviewed, and the campaign says hold: that partner gets no cuts of this language.
        outcome.held += [(p, lang) for p in plan.partners_for(lang) if core.holds_back(plan, subs, p)]
        rendered_for = core.cut_partners(plan, subs)
        if not rendered_for:
            continue
        parameters = {"plan": plan, "language": lang, "subtitles": subs, "settings": settings}
        cuts_future: PrefectFuture[list[CutOutcome]] = renders.submit(render_task, parameters)
        renders_of.append((cuts_future, subs))
        # One step per cut, though one task renders them all: reruns and reports still name each cut.
        steps += [(f"render {partner} {lang} {aspect}", cuts_future)
                  for aspect in plan.aspects for partner in rendered_for]  # fmt: skip
    for lang, copy_future in copies.items():
        copy = _collect(copy_future, outcome.failures, stage="copy", language=lang)
        if copy is not None:
            outcome.copies.append(copy)
    for cuts_future, subs in renders_of:
        outcome.cuts += _collect_cuts(plan, cuts_future, subs, outcome.failures)
    summary = RunSummary(campaign=plan.loaded.slug, out_dir=plan.layout.campaign_dir,
                         languages=plan.languages, failures=outcome.failures, blockers=len(plan.blockers))
    bundles = {partner: bundle_task.submit(plan, partner, outcome) for partner in plan.partners}
    steps += [(f"bundle {partner}", future) for partner, future in bundles.items()]
    for partner, bundle_future in bundles.items():
        bundle = _collect(bundle_future, outcome.failures, stage="bundle", partner=partner)
        if bundle is not None:
            summary.bundles[partner] = bundle
    summary.rebuilt = _ran(steps)
    summary.needs_review = needs_review_counts(outcome, plan.languages)
    summary.drafts = sum(cut.draft for cut in outcome.cuts)
    return summary, outcome, len(steps)
