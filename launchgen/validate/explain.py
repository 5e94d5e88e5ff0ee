"""Every schema error of a document the compiled check refused, fast.

jsonschema lists errors well but costs milliseconds a document on Kubernetes' large
schemas. The shipped schemas (and most CRD schemas) use a handful of keywords, which
this walker checks directly, collecting (path, message) pairs. A schema using any
other keyword is left to jsonschema (`supported` says which), and the engine falls
back to jsonschema whenever this finds nothing, so a refused document always carries
at least one error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from launchgen.display import printable

Path = list[str | int]
Error = tuple[Path, str]

_ANNOTATIONS = frozenset({"description", "title", "default", "examples", "format", "$schema", "$id", "id",
                          "$comment", "definitions", "readOnly", "writeOnly", "deprecated", "nullable"})
_KEYWORDS = frozenset({"type", "properties", "additionalProperties", "required", "items", "$ref", "enum", "const",
                       "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems",
                       "minProperties", "maxProperties", "anyOf", "oneOf", "allOf", "not"}) | _ANNOTATIONS
_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def supported(schema: Any) -> bool:
    """True when every keyword of `schema` (definitions included) is one this walker checks."""
    todo = [schema]
    while todo:
        node = todo.pop()
        if isinstance(node, bool):
            continue
        if not isinstance(node, dict) or not set(node) <= _KEYWORDS:
            return False
        ref = node.get("$ref")
        if ref is not None and not (isinstance(ref, str) and ref.startswith("#/definitions/")):
            return False
        if "type" in node:
            types = node["type"] if isinstance(node["type"], list) else [node["type"]]
            if not all(t in _TYPES for t in types):
                return False
        if "pattern" in node:
            try:
                re.compile(node["pattern"])
            except (re.error, TypeError):
                return False
        for key in ("properties", "definitions"):
            if isinstance(node.get(key), dict):
                todo.extend(node[key].values())
        for key in ("additionalProperties", "items", "not"):
            if isinstance(node.get(key), (dict, bool)):
                todo.append(node[key])
            elif key in node:
                return False
        for key in ("anyOf", "oneOf", "allOf"):
            if key in node:
                if not isinstance(node[key], list):
                    return False
                todo.extend(node[key])
    return True


def show(value: Any) -> str:
    """A value, short, for a message."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return printable(repr(value), limit=80)


@lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


class Walker:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.definitions: dict[str, Any] = root.get("definitions") or {}

    def errors(self, instance: Any) -> list[Error]:
        return list(self._walk(self.root, instance, []))

    def valid(self, schema: Any, instance: Any) -> bool:
        return next(iter(self._walk(schema, instance, [])), None) is None

    def _walk(self, schema: Any, instance: Any, path: Path) -> Iterator[Error]:  # noqa: C901 - one keyword a branch
        if schema is True:
            return
        if schema is False:
            yield path, "no value is allowed here"
            return
        ref = schema.get("$ref")
        if ref is not None:
            yield from self._walk(self.definitions[ref.removeprefix("#/definitions/")], instance, path)
            return  # draft 7: $ref overrides its siblings
        types = schema.get("type")
        if types is not None:
            names = types if isinstance(types, list) else [types]
            if not any(_TYPES[name](instance) for name in names):
                yield path, f"{show(instance)} is not of type {', '.join(repr(n) for n in names)}"
                return
        if "enum" in schema and instance not in schema["enum"]:
            yield path, f"{show(instance)} is not one of {printable(repr(schema['enum']), limit=120)}"
        if "const" in schema and instance != schema["const"]:
            yield path, f"{show(schema['const'])} was expected"
        if isinstance(instance, dict):
            yield from self._object(schema, instance, path)
        elif isinstance(instance, list):
            yield from self._array(schema, instance, path)
        elif isinstance(instance, str):
            if "pattern" in schema and not _pattern(schema["pattern"]).search(instance):
                yield path, f"{show(instance)} does not match {printable(repr(schema['pattern']), limit=80)}"
            if "minLength" in schema and len(instance) < schema["minLength"]:
                yield path, f"{show(instance)} is shorter than {schema['minLength']}"
            if "maxLength" in schema and len(instance) > schema["maxLength"]:
                yield path, f"{show(instance)} is longer than {schema['maxLength']}"
        elif isinstance(instance, (int, float)) and not isinstance(instance, bool):
            if "minimum" in schema and instance < schema["minimum"]:
                yield path, f"{show(instance)} is less than the minimum of {schema['minimum']}"
            if "maximum" in schema and instance > schema["maximum"]:
                yield path, f"{show(instance)} is greater than the maximum of {schema['maximum']}"
        for sub in schema.get("allOf") or ():
            yield from self._walk(sub, instance, path)
        if "anyOf" in schema and not any(self.valid(sub, instance) for sub in schema["anyOf"]):
            yield path, f"{show(instance)} is not valid under any of the given schemas"
        if "oneOf" in schema:
            matches = sum(1 for sub in schema["oneOf"] if self.valid(sub, instance))
            if matches != 1:
                yield path, f"{show(instance)} is {'not valid under any' if not matches else 'valid under more than one'}" \
                            " of the given schemas"
        if "not" in schema and self.valid(schema["not"], instance):
            yield path, f"{show(instance)} should not be valid under {printable(repr(schema['not']), limit=80)}"

    def _object(self, schema: dict[str, Any], instance: dict[str, Any], path: Path) -> Iterator[Error]:
        for name in schema.get("required") or ():
            if name not in instance:
                yield path, f"{printable(repr(name), limit=80)} is a required property"
        if "minProperties" in schema and len(instance) < schema["minProperties"]:
            yield path, f"has fewer than {schema['minProperties']} properties"
        if "maxProperties" in schema and len(instance) > schema["maxProperties"]:
            yield path, f"has more than {schema['maxProperties']} properties"
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties", True)
        for key, value in instance.items():
            sub = properties.get(key)
            if sub is not None:
                yield from self._walk(sub, value, [*path, key])
            elif extra is False:
                where = "/".join(str(p) for p in path)
                yield [*path, key], f"unknown key {printable(repr(key), limit=80)}" + (f" in {where}" if where else "")
            elif extra is not True:
                yield from self._walk(extra, value, [*path, key])

    def _array(self, schema: dict[str, Any], instance: list[Any], path: Path) -> Iterator[Error]:
        if "minItems" in schema and len(instance) < schema["minItems"]:
            yield path, f"should have at least {schema['minItems']} items"
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            yield path, f"should have at most {schema['maxItems']} items"
        items = schema.get("items")
        if isinstance(items, (dict, bool)):
            for index, value in enumerate(instance):
                yield from self._walk(items, value, [*path, index])


def describe(path: Path, message: str) -> str:
    """The message of an error, with where it is (unknown keys say it already)."""
    if message.startswith("unknown key"):
        return message
    where = "/".join(str(p) for p in path)
    return f"{where}: {message}" if where else message
