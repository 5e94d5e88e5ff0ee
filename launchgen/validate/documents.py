"""Reading manifest files fast: documents with their lines, duplicate keys refused.

Validation reads every byte of every manifest, so parsing is most of its cost. Each
document goes through rapidyaml (a C++ parser) to JSON and the C JSON decoder, about
twenty times faster than PyYAML. YAML's corners, where YAML 1.1 (what Kubernetes'
own decoder speaks) and rapidyaml's YAML 1.2 could disagree (anchors, tags, `~`,
yes/no/on/off, hex and octal numbers, .inf), and anything rapidyaml rejects, go
through PyYAML instead, which also gives the error's line. Without rapidyaml
everything goes through PyYAML.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

try:  # pragma: no cover - exercised by whichever is installed
    import ryml
except ImportError:  # pragma: no cover
    ryml = None

_SEPARATOR = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:#[^\n]*)?$", re.MULTILINE)
# Where YAML 1.1 and rapidyaml's YAML 1.2 may disagree. Syntax first, in the YAML
# text (a plain substring test is cheapest); then plain scalars that YAML 1.1 reads
# as booleans, nulls or numbers, which rapidyaml hands over as strings, in its JSON.
_RISKY_SYNTAX = ("&", "*", "!", "<<", "\t")
_RISKY_STRING = re.compile(
    r'"(?:[yYnN~]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|True|TRUE|False|FALSE|Null|NULL'
    r'|0[xXoObB][0-9a-fA-F_]*|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN))"'
)


class DocumentError(Exception):
    """A document cannot be read: `line` is 1-based within the document."""

    def __init__(self, rule: str, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.rule, self.message, self.line, self.column = rule, message, line, column


@dataclass(frozen=True)
class Document:
    start_line: int  # 1-based line of the document's first line in its file
    text: str


def split(text: str) -> list[Document]:
    """The documents of a YAML stream, with the line each starts on."""
    documents: list[Document] = []
    start, line = 0, 1
    for match in _SEPARATOR.finditer(text):
        chunk = text[start : match.start()]
        documents.append(Document(line, chunk))
        line += chunk.count("\n") + match.group(0).count("\n") + 1
        start = match.end() + 1
    documents.append(Document(line, text[start:]))
    return [doc for doc in documents if doc.text.strip()]


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return result


class _Duplicate(Exception):
    pass


class _Loader(yaml.CSafeLoader):
    """PyYAML with duplicate keys refused and timestamps kept as strings (as JSON has them)."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            raise DocumentError("yaml-duplicate-key", f"duplicate key {key!r}", line, column)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.constructor.SafeConstructor.construct_yaml_str)  # type: ignore[type-var]


def _pyyaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise DocumentError("yaml-syntax", f"invalid YAML: {problem}",
                            mark.line + 1 if mark else 1, mark.column + 1 if mark else 1) from None
    except yaml.YAMLError as exc:
        raise DocumentError("yaml-syntax", f"invalid YAML: {str(exc).splitlines()[0]}", 1, 1) from None


def _duplicate_line(text: str, key: str) -> tuple[int, int]:
    """Where a duplicate key (found in JSON) sits: its second occurrence at any depth."""
    pattern = re.compile(rf"^([ \t-]*)[\"']?{re.escape(key)}[\"']?[ \t]*:", re.MULTILINE)
    hits = list(pattern.finditer(text))
    hit = hits[1] if len(hits) > 1 else (hits[0] if hits else None)
    if hit is None:
        return 1, 1
    return text.count("\n", 0, hit.start()) + 1, len(hit.group(1)) + 1


def parse(text: str) -> Any:
    """One document's data; DocumentError for invalid YAML or a duplicate key."""
    if ryml is None or any(marker in text for marker in _RISKY_SYNTAX):
        return _pyyaml(text)
    try:
        data = ryml.emit_json(ryml.parse_in_arena(text.encode()))
    except Exception:  # noqa: BLE001 - rapidyaml refused it: PyYAML says why
        return _pyyaml(text)
    if _RISKY_STRING.search(data):
        return _pyyaml(text)
    try:
        return json.loads(data, object_pairs_hook=_no_duplicates)
    except _Duplicate as dup:
        line, column = _duplicate_line(text, str(dup.args[0]))
        raise DocumentError("yaml-duplicate-key", f"duplicate key {dup.args[0]!r}", line, column) from None
    except ValueError:
        return _pyyaml(text)


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence rapidyaml, which prints its parse errors to file descriptor 2 itself
    (PyYAML reports them properly instead)."""
    if ryml is None:
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
