"""Prefect wiring for incremental runs: cache keys from the core's fingerprints, results kept on disk.

A task's cache key is the fingerprint of what it reads (input files, values, code and model
versions, computed by `jointcampaign.pipeline.fingerprint`). Its result (small: paths and facts)
is stored under the campaign's output folder, so it travels with the outputs and goes away with them.

A record is used only while its seal holds: the step's output files are byte for byte what that step
left (`jointcampaign.pipeline.seals`). The seal is written when the record is committed, which
Prefect does only for a step that succeeded; a result that reflects a failure gets no key at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from prefect import Task
from prefect.cache_policies import CachePolicy
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import TaskRunContext
from prefect.filesystems import LocalFileSystem
from prefect.transactions import Transaction

from jointcampaign.errors import RepeatableStageError, StageFailedError
from jointcampaign.pipeline import fingerprint as fp
from jointcampaign.pipeline import seals
from jointcampaign.pipeline.fingerprint import Fingerprint, Hasher
from jointcampaign.pipeline.output_paths import OutputLayout

TaskT = TypeVar("TaskT", bound=Task[Any, Any])
_PLAIN = (str, int, float, bool, type(None))


@dataclass
class InputFingerprint(CachePolicy):
    """Key = task name + the core's fingerprint of the task's inputs.

    A record whose outputs are no longer what it made (someone cleaned the work folder, or a run
    with other inputs wrote the same paths since) is dropped before Prefect looks it up, so the
    task runs again instead of returning paths that are gone or hold other bytes.
    """

    fingerprint: Callable[[dict[str, Any]], Fingerprint] | None = None

    def compute_key(
        self, task_ctx: TaskRunContext, inputs: dict[str, Any], flow_parameters: dict[str, Any], **kwargs: Any
    ) -> str | None:
        if self.fingerprint is None:
            return None
        found = self.fingerprint(inputs)
        # Plain values a task is given (a language, an aspect, a translated line) always count, so a
        # parameter added to a task later cannot be forgotten in its fingerprint.
        plain = {name: value for name, value in sorted(inputs.items()) if isinstance(value, _PLAIN)}
        digest = Hasher().value("inputs", found.digest).value("plain", plain).hexdigest()
        if not found.cacheable:
            return None
        key = f"{task_ctx.task.name}-{digest}"
        layout: OutputLayout = inputs["plan"].layout
        if not seals.seal_holds(layout, key, found.outputs):
            _drop_record(task_ctx, key)
            seals.break_seal(layout, key)
        _awaiting_seal(key, layout, found.outputs)
        return key


_unsealed: dict[str, tuple[OutputLayout, tuple[Path, ...]]] = {}
_unsealed_lock = threading.Lock()


def _awaiting_seal(key: str, layout: OutputLayout, outputs: tuple[Path, ...]) -> None:
    with _unsealed_lock:
        _unsealed[key] = (layout, outputs)


def seal_on_commit(transaction: Transaction) -> None:
    """Prefect commits a record only for a step that succeeded and ran (not for a cache hit)."""
    key = transaction.key
    with _unsealed_lock:
        pending = _unsealed.pop(key, None) if key else None
    if key and pending is not None:
        layout, outputs = pending
        seals.write_seal(layout, key, outputs)


def _drop_record(task_ctx: TaskRunContext, key: str) -> None:
    store = task_ctx.result_store
    for storage in (store.metadata_storage, store.result_storage):
        if isinstance(storage, LocalFileSystem) and storage.basepath:
            (Path(storage.basepath).expanduser() / key).unlink(missing_ok=True)


COPY_CACHE = InputFingerprint(
    fingerprint=lambda i: fp.copy_fingerprint(i["plan"], i["language"], i["settings"]))
SUBTITLES_CACHE = InputFingerprint(
    fingerprint=lambda i: fp.subtitles_fingerprint(i["plan"], i["language"], i["settings"]))
# Every cut of one language (each partner needing it × each aspect) renders from one decode: one step.
CUTS_CACHE = InputFingerprint(
    fingerprint=lambda i: fp.cuts_fingerprint(i["plan"], i["language"], i["subtitles"], i["settings"]))
BUNDLE_CACHE = InputFingerprint(
    fingerprint=lambda i: fp.bundle_fingerprint(i["plan"], i["partner"], i["outcome"]))


def persisted(task: TaskT, layout: OutputLayout, fresh: bool = False) -> TaskT:
    """The task with its results written under OUT/<campaign>/.work/cache/ (shared with other workers).

    `fresh`: look no record up, run, and record the new result (what `jointcampaign run --fresh` does).
    """
    storage = layout.cache_dir.resolve()
    kept = task.with_options(result_storage=storage, persist_result=True, refresh_cache=fresh)
    kept.on_commit_hooks = [*kept.on_commit_hooks, seal_on_commit]
    return kept  # type: ignore[return-value]


def retry_transient(task: Task[Any, Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry only failures of valid work (an encoder crash); bad input, and stage failures the same
    inputs reproduce, fail the same way every time."""
    try:
        state.result(raise_on_failure=True)
    except RepeatableStageError:
        return False
    except StageFailedError:
        return True
    except BaseException:
        return False
    return False
