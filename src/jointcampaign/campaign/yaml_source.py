"""Load YAML while remembering where every value came from, so errors can name a line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jointcampaign.errors import Problem, UserInputError

PathKey = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Parsed YAML data plus the 1-based line of each node, keyed by its path from the root."""

    path: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, key: PathKey) -> int | None:
        """Line of the deepest known node on `key` (a missing field points at its parent)."""
        for end in range(len(key), -1, -1):
            line = self.lines.get(tuple(key[:end]))
            if line is not None:
                return line
        return None


def load_yaml(path: Path) -> YamlDocument:
    """Parse a YAML file; syntax errors and duplicate keys become a UserInputError with a line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserInputError.single(
            path, "file not found", f"create {path.name} (run `jointcampaign new` for a template)"
        ) from None
    except UnicodeDecodeError as exc:
        raise UserInputError.single(
            path, f"is not UTF-8 text ({exc.reason} at byte {exc.start})", "save the file as UTF-8"
        ) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise UserInputError.single(
            path,
            f"is not valid YAML: {exc.problem or exc.context}",
            "check indentation (spaces, not tabs), colons after keys and matching quotes near this line",
            line=line,
        ) from None
    except yaml.YAMLError as exc:
        raise UserInputError.single(path, f"is not valid YAML: {exc}", "fix the YAML syntax") from None
    document = YamlDocument(path=path, data=None)
    problems: list[Problem] = []
    document.data = _construct(root, (), document, problems) if root is not None else {}
    if problems:
        raise UserInputError(problems)
    return document


def _construct(node: yaml.Node, key: PathKey, doc: YamlDocument, problems: list[Problem]) -> Any:
    doc.lines.setdefault(key, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            name = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if name in result:
                problems.append(
                    Problem(
                        file=doc.path,
                        line=key_node.start_mark.line + 1,
                        field=_dotted((*key, name)),
                        message=f"key '{name}' appears twice",
                        fix="keep one of them; YAML would silently use the last",
                    )
                )
            doc.lines[(*key, name)] = key_node.start_mark.line + 1
            result[name] = _construct(value_node, (*key, name), doc, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*key, index), doc, problems) for index, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        # e.g. 2026-13-01 looks like a date to YAML but is not one: keep the text, let the model say why
        return node.value
    finally:
        loader.dispose()


def _dotted(key: PathKey) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted_path = _dotted
