"""Turn pydantic validation errors into Problems a marketing lead can act on."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from jointcampaign.campaign.yaml_source import PathKey, YamlDocument, dotted_path
from jointcampaign.errors import Problem

_FIELD_FIXES = {
    "code": "use 3 to 24 capital letters, digits, '-' or '_', e.g. CAFE10",
    "id": "use lowercase letters, digits and '-', e.g. corner-cafe",
    "owner": "use the id of a partner listed under partners, e.g. corner-cafe",
    "for_customers_of": "use the id of a partner listed under partners",
    "honoured_by": "use the id of a partner listed under partners",
    "link_base": "write a full web address starting with https://",
    "discount": "write a percentage like '10%' or 'free <item>', e.g. 'free pastry'",
    "primary": "write a colour as #RRGGBB, e.g. #6F4E37",
    "secondary": "write a colour as #RRGGBB, e.g. #FFFFFF",
    "text": "write a colour as #RRGGBB, e.g. #FFFFFF",
}


def problems_from_validation(
    error: ValidationError, doc: YamlDocument, model: type[BaseModel]
) -> list[Problem]:
    return [_problem(detail, doc, model) for detail in error.errors(include_url=False)]


def _problem(detail: ErrorDetails, doc: YamlDocument, model: type[BaseModel]) -> Problem:
    loc: PathKey = tuple(detail["loc"])
    kind = detail["type"]
    field_name = next((part for part in reversed(loc) if isinstance(part, str)), "")
    message, fix = _describe(kind, detail, field_name, loc, model)
    return Problem(
        file=doc.path,
        line=doc.line_of(loc),
        field=dotted_path(loc) or None,
        message=message,
        fix=fix,
    )


def _describe(
    kind: str, detail: ErrorDetails, field_name: str, loc: PathKey, model: type[BaseModel]
) -> tuple[str, str]:
    given = detail.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        hint = f"allowed here: {', '.join(allowed)}" if allowed else "remove it"
        return f"unknown field '{field_name}'", f"remove it or fix its spelling ({hint})"
    if kind == "missing":
        return f"required field '{field_name}' is missing", f"add '{field_name}:' here (see README.md)"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"'{given}' is not a date", "write dates as YYYY-MM-DD, e.g. 2026-12-31"
    if kind == "too_short" and field_name == "partners":
        return "a joint campaign needs at least two partners", "list both partners under partners:"
    if kind == "too_short":
        return f"'{field_name}' is empty", f"list at least one entry under {field_name}:"
    if kind == "literal_error":
        expected = detail.get("ctx", {}).get("expected", "")
        return f"'{given}' is not allowed here", f"use one of {expected}"
    if kind == "string_pattern_mismatch":
        fix = _FIELD_FIXES.get(field_name, "see README.md for the expected format")
        return f"'{given}' is not a valid {field_name}", fix
    if kind == "value_error":
        text = str(detail.get("ctx", {}).get("error", detail["msg"]))
        reason, _, fix = text.partition("; ")
        return reason, fix or "see README.md"
    return f"{detail['msg']} (got {_short(given)})", "see the campaign folder reference in README.md"


def _allowed_fields(model: type[BaseModel], loc: PathKey) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = getattr(current, "model_fields", {}).get(part)
        current = _inner_model(info.annotation) if info is not None else None
    if current is None or not hasattr(current, "model_fields"):
        return []
    return list(current.model_fields)


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
