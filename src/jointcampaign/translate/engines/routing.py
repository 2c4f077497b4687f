"""Which engine translates which language: Argos by default, Apertium where settings ask for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jointcampaign.settings import Settings
from jointcampaign.translate.protocol import TranslationBatch, Translator


class RoutingTranslator:
    """A Translator that hands each target language to its own engine."""

    def __init__(self, default: Translator, engines: Mapping[str, Translator], settings: Settings) -> None:
        self.default = default
        self.engines = dict(engines)  # engine name (as settings spell it) → engine
        self.settings = settings
        self.name = "+".join(dict.fromkeys([default.name, *(e.name for e in self.engines.values())]))

    def engine_for(self, target: str) -> Translator:
        return self.engines.get(self.settings.engine_for(target), self.default)

    def engine_for_pair(self, source: str, target: str) -> Translator:
        """The target's engine; for a translation back into the source language, the language's own."""
        chosen = self.engine_for(target)
        return self.engine_for(source) if chosen is self.default else chosen

    def direct_pair(self, source: str, target: str) -> bool:
        probe = getattr(self.engine_for_pair(source, target), "direct_pair", None)
        return bool(probe is not None and probe(source, target))

    def version(self, source: str, target: str) -> str:
        return self.engine_for_pair(source, target).version(source, target)

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        return self.engine_for_pair(source, target).translate_batch(texts, source, target)


def build_engine(settings: Settings) -> Translator:
    """The engine(s) the settings choose; Argos alone unless JOINTCAMPAIGN_ENGINE_<LANG> says otherwise."""
    from jointcampaign.translate.engines.argos import ArgosTranslator

    argos = ArgosTranslator(settings.model_shelf, threads=settings.threads, beam_size=settings.beam_size)
    if not any(engine == "apertium" for _, engine in settings.engines):
        return argos
    from jointcampaign.translate.engines.apertium import ApertiumTranslator

    return RoutingTranslator(argos, {"apertium": ApertiumTranslator()}, settings)


def pair_available(settings: Settings, source: str, target: str) -> bool:
    """Whether the engine chosen for `target` can translate source→target on this machine."""
    if settings.engine_for(target) == "apertium":
        from jointcampaign.translate.engines.apertium import available

        return available(source, target)
    from jointcampaign.translate.models.store import has_pair

    return has_pair(settings.model_shelf, source, target)


def engine_identity(settings: Settings, source: str, target: str) -> str:
    """What a cached translation depends on besides the Argos model files: the chosen engine."""
    if settings.engine_for(target) != "apertium":
        return "argos"
    from jointcampaign.errors import ToolMissingError
    from jointcampaign.translate.engines.apertium import ApertiumTranslator

    try:
        return ApertiumTranslator().version(source, target)
    except ToolMissingError:
        return "apertium:missing"


def models_used(settings: Settings, source: str, target: str) -> list[dict[str, str]]:
    """The models that translate source→target, as manifests record them: for Argos the chained
    packages (origin, version, sha256); for Apertium the engine's version; none when not covered."""
    if settings.engine_for(target) == "apertium":
        return [{"pair": f"{source}→{target}", "engine": "apertium", "version": engine_identity(settings, source, target)}]
    from jointcampaign.translate.models.store import plan_route

    return [model.record() for model in plan_route(settings.model_shelf, source, target) or []]


def build_fallback(settings: Settings) -> Translator | None:
    """The second engine needs_review strings are retried with (JOINTCAMPAIGN_FALLBACK_ENGINE), if any."""
    if settings.fallback_engine == "apertium":
        from jointcampaign.translate.engines.apertium import ApertiumTranslator

        return ApertiumTranslator()
    if settings.fallback_engine == "argos":
        from jointcampaign.translate.engines.argos import ArgosTranslator

        return ArgosTranslator(settings.model_shelf, threads=settings.threads, beam_size=settings.beam_size)
    return None


def fallback_identity(settings: Settings, source: str, target: str) -> str:
    """What a cached translation depends on from the fallback engine: none, or its version for the pair."""
    fallback = build_fallback(settings)
    if fallback is None or settings.fallback_engine == settings.engine_for(target):
        return "none"
    from jointcampaign.errors import ToolMissingError

    try:
        return fallback.version(source, target)
    except ToolMissingError:
        return "missing"
