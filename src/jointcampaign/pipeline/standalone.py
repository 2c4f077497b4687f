"""The localizing translator for entry points without a campaign (`translate`, `subtitles translate`).

Same service as a campaign run: reviewed strings remembered from any campaign, then the
translation memory, then the engine with protected spans and a verdict per string. What to keep
comes from the default patterns (codes, handles, links, prices, times...), `--keep` terms and a
`--glossary` file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import ValidationError

from jointcampaign.campaign.models import Glossary
from jointcampaign.errors import UserInputError
from jointcampaign.settings import Settings
from jointcampaign.translate.localizing import LocalizingTranslator

GLOSSARY_FIX = (
    "write YAML like campaign.yaml's glossary (keep: [Corner Café], fixed: {es: {receipt: recibo}}), "
    "or a text file with one term per line (term<TAB>translation for a fixed translation)"
)


def load_glossary(path: Path, target: str) -> Glossary:
    """A glossary file: YAML (`keep`, `fixed` per language) or lines of `term` / `term<TAB>translation`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise UserInputError.single(path, f"cannot be read: {err}", "check the file name; save it as UTF-8") from err
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text) or {}
            return Glossary.model_validate(data)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            raise UserInputError.single(
                path, f"is not valid YAML: {err}", GLOSSARY_FIX, line=mark.line + 1 if mark else None
            ) from err
        except ValidationError as err:
            problem = err.errors()[0]
            where = ".".join(str(part) for part in problem["loc"]) or "glossary"
            raise UserInputError.single(path, f"{problem['msg']}", GLOSSARY_FIX, field=where) from err
    keep: list[str] = []
    fixed: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in line.split("\t")]
        if len(parts) == 1:
            keep.append(parts[0])
        elif len(parts) == 2 and all(parts):
            fixed[parts[0]] = parts[1]
        else:
            raise UserInputError.single(path, "expected `term` or `term<TAB>translation`", GLOSSARY_FIX, line=number)
    return Glossary(keep=keep, fixed={target: fixed} if fixed else {})


def build_translator(
    settings: Settings, *, keep: Sequence[str] = (), glossary: Glossary | None = None
) -> LocalizingTranslator:
    from jointcampaign.translate.engines.routing import build_engine, build_fallback
    from jointcampaign.translate.memory import MEMORY_FILE, shared_memory

    return LocalizingTranslator(
        build_engine(settings),
        glossary=glossary,
        brand_terms=keep,
        memory=shared_memory(settings.cache_dir / MEMORY_FILE),
        fallback=build_fallback(settings),
    )
