"""The deployment-history JSON Schema, checked without importing jsonschema.

`launchgen status` must start as fast as `launchgen --version`, and importing
jsonschema alone takes longer than that. The schema file stays the one definition of
a valid record; this module interprets exactly the keywords it uses (an unknown keyword
is a bug, raised when the schema is loaded) and a test checks it agrees with
jsonschema. Patterns are anchored at the true end of the text (`$` means `\\Z`, as in
JSON Schema's ECMA regexes; Python's `$` would also match before a final newline).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

SCHEMA = "deployment-history.schema.json"

_IGNORED = {"$schema", "$id", "title", "description"}
_KNOWN = _IGNORED | {
    "type",
    "const",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "$ref",
    "allOf",
    "if",
    "then",
    "else",
    "$defs",
}


@cache
def schema() -> dict[str, Any]:
    import json

    from launchgen.resources import schema_path

    with open(schema_path(SCHEMA), encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    _check_keywords(loaded)
    return loaded


def _check_keywords(node: Any) -> None:
    if isinstance(node, dict):
        unknown = set(node) - _KNOWN
        if unknown:
            raise AssertionError(
                f"{SCHEMA}: keyword(s) {sorted(unknown)} not supported by launchgen's checker"
            )
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for child in value.values():
                    _check_keywords(child)
            elif key not in _IGNORED and key not in ("enum", "const", "required"):
                _check_keywords(value)
    elif isinstance(node, list):
        for child in node:
            _check_keywords(child)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/$defs/"):
            raise AssertionError(f"{SCHEMA}: unsupported $ref {ref}")
        node = schema()["$defs"][ref.removeprefix("#/$defs/")]
    return node


def _type_ok(value: Any, wanted: str) -> bool:
    if wanted == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(
        value, {"string": str, "object": dict, "array": list, "boolean": bool}[wanted]
    )


def errors(
    value: Any, node: dict[str, Any], path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(where, message) for each way `value` breaks `node`, in jsonschema's words."""
    node = _resolve(node)
    if "type" in node and not _type_ok(value, node["type"]):
        yield path, f"{value!r} is not of type {node['type']!r}"
        return
    if "const" in node and value != node["const"]:
        yield path, f"{node['const']!r} was expected"
    if "enum" in node and value not in node["enum"]:
        yield path, f"{value!r} is not one of {node['enum']!r}"
    if isinstance(value, str):
        if "minLength" in node and len(value) < node["minLength"]:
            yield (
                path,
                f"{value!r} should be non-empty"
                if node["minLength"] == 1
                else f"{value!r} is too short",
            )
        if "maxLength" in node and len(value) > node["maxLength"]:
            yield path, f"{value[:40]!r}... is longer than {node['maxLength']} characters"
        elif "pattern" in node and not _regex(node["pattern"]).search(value):
            yield path, f"{value!r} does not match {node['pattern']!r}"
    if isinstance(value, int) and not isinstance(value, bool):
        if "minimum" in node and value < node["minimum"]:
            yield path, f"{value} is less than the minimum of {node['minimum']}"
        if "maximum" in node and value > node["maximum"]:
            yield path, f"{value} is greater than the maximum of {node['maximum']}"
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for key in node.get("required", ()):
            if key not in value:
                yield path, f"{key!r} is a required property"
        for key, child in value.items():
            if key in properties:
                yield from errors(child, properties[key], (*path, key))
            elif node.get("additionalProperties") is False:
                yield (*path, key), f"unknown key {key!r}"
        for sub in node.get("allOf", ()):
            yield from _conditional(value, sub, path)
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            yield from errors(item, node["items"], (*path, index))


def _conditional(
    value: Any, node: dict[str, Any], path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if "if" not in node:
        yield from errors(value, node, path)
        return
    holds = next(errors(value, node["if"], path), None) is None
    branch = node.get("then" if holds else "else")
    if branch:
        yield from errors(value, branch, path)


def entry_errors(entry: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    return list(errors(entry, schema()["$defs"]["entry"]))


def header_errors(header: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """The top-level keys, with `entries` checked separately entry by entry."""
    top = dict(schema())
    top["properties"] = {k: v for k, v in top["properties"].items() if k != "entries"}
    top["required"] = [k for k in top["required"] if k != "entries"]
    return list(errors(header, top))
