"""One Settings object, built once at the edge (CLI, flow entry) from the environment and defaults.

Everything that reads the environment lives here, so the core stays plain functions of arguments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

ENV_PREFIX = "JOINTCAMPAIGN_"
ENGINE_PREFIX = ENV_PREFIX + "ENGINE_"
ENGINES = ("argos", "apertium")
# argostranslate's own package index; organisations point JOINTCAMPAIGN_MODEL_INDEX_URL at a mirror.
DEFAULT_MODEL_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
# argostranslate's package folders, read (never written) by the project. Settings resolves them
# once and exports the list here, because it points ARGOS_PACKAGES_DIR at its own folder.
ARGOS_DIRS_VARIABLE = ENV_PREFIX + "ARGOS_DIRS"


def _standard_argos_dirs(env: dict[str, str], own_models: Path) -> tuple[Path, ...]:
    """$ARGOS_PACKAGES_DIR (unless it is our own folder) and argostranslate's default folder."""
    if ARGOS_DIRS_VARIABLE in env:  # resolved by a parent process, or set by the user ("" = none)
        return tuple(Path(part).expanduser() for part in env[ARGOS_DIRS_VARIABLE].split(os.pathsep) if part)
    xdg = env.get("XDG_DATA_HOME")
    data = Path(xdg) if xdg else Path.home() / ".local" / "share"
    found = [Path(env["ARGOS_PACKAGES_DIR"]).expanduser()] if env.get("ARGOS_PACKAGES_DIR") else []
    found.append(data / "argos-translate" / "packages")
    own = own_models.expanduser().resolve()
    return tuple(dict.fromkeys(path for path in found if path.expanduser().resolve() != own))


@dataclass(frozen=True)
class ModelShelf:
    """The model folders of one machine, in search order. Only `installed` and `demo` are written."""

    # the origin of a package with no origin record, by the kind of folder it is in
    EXTERNAL: ClassVar[str] = "argos"
    UNRECORDED: ClassVar[str] = "unrecorded"

    installed: Path
    argos: tuple[Path, ...] = ()
    demo: Path | None = None

    def folders(self) -> list[tuple[Path, str]]:
        """(folder, origin of packages without a record), highest priority first, no repeats."""
        ordered = [(self.installed, self.UNRECORDED), *((path, self.EXTERNAL) for path in self.argos)]
        if self.demo is not None:
            ordered.append((self.demo, "demo"))
        seen: set[Path] = set()
        unique = []
        for path, origin in ordered:
            key = path.expanduser().resolve()
            if key not in seen:
                seen.add(key)
                unique.append((path, origin))
        return unique

    def describe(self) -> str:
        return ", ".join(str(path) for path, _ in self.folders())


def _default_home() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "jointcampaign"


@dataclass(frozen=True)
class Settings:
    """Where things live and how hard to work. Fields map to JOINTCAMPAIGN_<FIELD> variables."""

    home: Path = field(default_factory=_default_home)
    threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    beam_size: int = 1
    render_height: int = 1080
    video_preset: str = "veryfast"
    video_crf: int = 21
    # (language tag, engine) pairs from JOINTCAMPAIGN_ENGINE_<LANG>=apertium; unlisted languages use argos.
    engines: tuple[tuple[str, str], ...] = ()
    model_index_url: str = DEFAULT_MODEL_INDEX_URL
    # JOINTCAMPAIGN_FALLBACK_ENGINE=apertium: strings that need review are tried with it where it has the pair.
    fallback_engine: str | None = None
    # the campaign desk's upload limits (JOINTCAMPAIGN_UPLOAD_MAX_FILE_MB, ..._SUBMISSION_MB)
    upload_max_file_mb: int = 200
    upload_max_submission_mb: int = 500
    # JOINTCAMPAIGN_PORTAL_URL, e.g. https://portal.example.org: end-card QR codes and tracked links then
    # open its counting redirect /r/<id> instead of the partner's page directly
    portal_url: str | None = None
    # JOINTCAMPAIGN_PORTAL_DB: the portal's SQLite file (tokens, audit; clicks and redemptions too unless
    # JOINTCAMPAIGN_METRICS_DB says otherwise)
    portal_db_file: Path | None = None
    # argostranslate's package folders, searched after models_dir and never written.
    argos_dirs: tuple[Path, ...] = ()
    # JOINTCAMPAIGN_METRICS_DB: where clicks and redemptions are kept, a path or a sqlite:/// or
    # postgresql:// URL (several portal processes share one PostgreSQL); checked when first opened
    metrics_db_url: str | None = None

    def engine_for(self, language: str) -> str:
        """`es-419` uses the engine set for `es-419`, else the one set for `es`, else argos."""
        tag = language.lower().replace("_", "-")
        chosen = dict(self.engines)
        return chosen.get(tag) or chosen.get(tag.split("-")[0]) or "argos"

    @property
    def models_dir(self) -> Path:
        """Installed .argosmodel packages (argostranslate's packages dir)."""
        return self.home / "models"

    @property
    def portal_db(self) -> Path:
        return self.portal_db_file if self.portal_db_file is not None else self.home / "portal.sqlite3"

    @property
    def metrics_db(self) -> str | Path:
        return self.metrics_db_url or self.portal_db

    @property
    def demo_models_dir(self) -> Path:
        """The demo phrase-table models: their own folder, searched last, so they never shadow a real one."""
        return self.home / "demo-models"

    @property
    def model_shelf(self) -> ModelShelf:
        """Every folder models are used from, in search order (see translate/models/shelf.py)."""
        return ModelShelf(installed=self.models_dir, argos=self.argos_dirs, demo=self.demo_models_dir)

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        settings = cls()
        if home := env.get(ENV_PREFIX + "HOME"):
            settings = replace(settings, home=Path(home).expanduser())

        def number(name: str, default: int) -> int:
            raw = env.get(ENV_PREFIX + name.upper())
            return _positive_int(name, raw) if raw else default

        settings = replace(
            settings,
            threads=number("threads", settings.threads),
            beam_size=number("beam_size", settings.beam_size),
            render_height=number("render_height", settings.render_height),
            video_crf=number("video_crf", settings.video_crf),
            upload_max_file_mb=number("upload_max_file_mb", settings.upload_max_file_mb),
            upload_max_submission_mb=number("upload_max_submission_mb", settings.upload_max_submission_mb),
        )
        if preset := env.get(ENV_PREFIX + "VIDEO_PRESET"):
            settings = replace(settings, video_preset=preset)
        if index_url := env.get(ENV_PREFIX + "MODEL_INDEX_URL"):
            settings = replace(settings, model_index_url=index_url)
        if db := env.get(ENV_PREFIX + "PORTAL_DB"):
            settings = replace(settings, portal_db_file=Path(db).expanduser())
        if metrics_db := env.get(ENV_PREFIX + "METRICS_DB", "").strip():
            settings = replace(settings, metrics_db_url=metrics_db)
        return replace(
            settings,
            engines=_engines(env),
            fallback_engine=_fallback(env),
            portal_url=_portal_url(env),
            argos_dirs=_standard_argos_dirs(env, settings.models_dir),
        )

    @classmethod
    def for_process(cls) -> Settings:
        """The settings of this process, built once at its edge (a CLI command, a flow run, a bench).

        It reads the environment and points argostranslate at our model folder, which must happen
        before anything imports argostranslate: it reads its folders at import time.
        """
        settings = cls.from_env()
        settings.export_to_environment()
        return settings

    def export_to_environment(self) -> None:
        """Point argostranslate at our folders before it is imported (it reads them at import time)."""
        self.models_dir.mkdir(parents=True, exist_ok=True)
        # Kept for child processes (flows), which would otherwise see only our own folder.
        os.environ[ARGOS_DIRS_VARIABLE] = os.pathsep.join(str(path) for path in self.argos_dirs)
        os.environ["ARGOS_PACKAGES_DIR"] = str(self.models_dir)
        os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")


def _positive_int(name: str, raw: str) -> int:
    from jointcampaign.errors import UserInputError

    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise UserInputError.single(
            None,
            f"environment variable {ENV_PREFIX}{name.upper()}={raw!r} is not a positive whole number",
            "set it to a number such as 2, or unset it to use the default",
        )
    return value


def _engines(env: dict[str, str]) -> tuple[tuple[str, str], ...]:
    from jointcampaign.errors import UserInputError

    chosen = []
    for name, value in env.items():
        if not name.startswith(ENGINE_PREFIX) or not value.strip():
            continue
        engine = value.strip().lower()
        if engine not in ENGINES:
            raise UserInputError.single(
                None,
                f"environment variable {name}={value!r} names an unknown translation engine",
                f"set it to one of {', '.join(ENGINES)}, or unset it",
            )
        chosen.append((name[len(ENGINE_PREFIX) :].lower().replace("_", "-"), engine))
    return tuple(sorted(chosen))


def _fallback(env: dict[str, str]) -> str | None:
    from jointcampaign.errors import UserInputError

    name = ENV_PREFIX + "FALLBACK_ENGINE"
    value = env.get(name, "").strip().lower()
    if not value:
        return None
    if value not in ENGINES:
        raise UserInputError.single(
            None,
            f"environment variable {name}={value!r} names an unknown translation engine",
            f"set it to one of {', '.join(ENGINES)}, or unset it",
        )
    return value


def _portal_url(env: dict[str, str]) -> str | None:
    from urllib.parse import urlsplit

    from jointcampaign.errors import UserInputError

    name = ENV_PREFIX + "PORTAL_URL"
    value = env.get(name, "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UserInputError.single(
            None,
            f"environment variable {name}={value!r} is not the base address of a portal",
            "set it to the address partners open, such as https://portal.example.org, or unset it",
        )
    return value.rstrip("/")
