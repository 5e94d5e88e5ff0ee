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
from functools import lru_cache
from typing import Any

from launchgen.display import printable

Path = list[str | int]
Error = tuple[Path, str]

_ANNOTATIONS = frozenset(
    {
        "description",
        "title",
        "default",
        "examples",
        "format",
        "$schema",
        "$id",
        "id",
        "$comment",
        "definitions",
        "readOnly",
        "writeOnly",
        "deprecated",
        "nullable",
    }
)
_KEYWORDS = (
    frozenset(
        {
            "type",
            "properties",
            "additionalProperties",
            "required",
            "items",
            "$ref",
            "enum",
            "const",
            "pattern",
            "minimum",
            "maximum",
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minProperties",
            "maxProperties",
            "anyOf",
            "oneOf",
            "allOf",
            "not",
        }
    )
    | _ANNOTATIONS
)
_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
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


class _Node:
    """One schema node, its common keywords unpacked once (the rest read when present)."""

    __slots__ = ("extra", "items", "names", "properties", "rare", "required", "schema", "types")

    def __init__(self) -> None:
        self.types: tuple[Any, ...] | None = None
        self.names: list[str] = []
        self.properties: dict[str, _Node] = {}
        self.extra: _Node | bool = True
        self.required: tuple[str, ...] = ()
        self.items: _Node | None = None
        self.rare: dict[str, Any] = {}
        self.schema: Any = None


_COMMON = frozenset({"type", "properties", "additionalProperties", "required", "items", "$ref"})


class Walker:
    """Lists the errors of an instance against one standalone schema (see `supported`)."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.definitions: dict[str, Any] = root.get("definitions") or {}
        self._nodes: dict[int, _Node] = {}
        self.root = self._node(root)

    def _node(self, schema: Any) -> _Node:
        while isinstance(schema, dict) and "$ref" in schema:  # draft 7: $ref overrides its siblings
            schema = self.definitions[schema["$ref"].removeprefix("#/definitions/")]
        found = self._nodes.get(id(schema))
        if found is not None:
            return found
        node = self._nodes[id(schema)] = _Node()
        node.schema = schema
        if schema is True or schema is False:
            node.rare = {"never": True} if schema is False else {}
            return node
        if "type" in schema:
            node.names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            node.types = tuple(_TYPES[name] for name in node.names)
        node.properties = {
            name: self._node(sub) for name, sub in (schema.get("properties") or {}).items()
        }
        extra = schema.get("additionalProperties", True)
        node.extra = extra if isinstance(extra, bool) else self._node(extra)
        node.required = tuple(schema.get("required") or ())
        if isinstance(schema.get("items"), (dict, bool)):
            node.items = self._node(schema["items"])
        node.rare = {
            key: value
            for key, value in schema.items()
            if key not in _COMMON and key not in _ANNOTATIONS
        }
        for key in ("anyOf", "oneOf", "allOf"):
            if key in node.rare:
                node.rare[key] = [self._node(sub) for sub in node.rare[key]]
        if "not" in node.rare:
            node.rare["not"] = self._node(node.rare["not"])
        return node

    def errors(self, instance: Any) -> list[Error]:
        out: list[Error] = []
        self._walk(self.root, instance, [], out)
        return out

    def _valid(self, node: _Node, instance: Any) -> bool:
        out: list[Error] = []
        self._walk(node, instance, [], out)
        return not out

    def _walk(self, node: _Node, instance: Any, path: Path, out: list[Error]) -> None:
        types = node.types
        if types is not None and not any(check(instance) for check in types):
            out.append(
                (path, f"{show(instance)} is not of type {', '.join(repr(n) for n in node.names)}")
            )
            return
        if isinstance(instance, dict):
            for name in node.required:
                if name not in instance:
                    out.append((path, f"{printable(repr(name), limit=80)} is a required property"))
            properties, extra = node.properties, node.extra
            for key, value in instance.items():
                sub = properties.get(key)
                if sub is not None:
                    self._walk(sub, value, [*path, key], out)
                elif extra is False:
                    where = "/".join(str(p) for p in path)
                    out.append(
                        (
                            [*path, key],
                            f"unknown key {printable(repr(key), limit=80)}"
                            + (f" in {where}" if where else ""),
                        )
                    )
                elif extra is not True:
                    self._walk(extra, value, [*path, key], out)
        elif isinstance(instance, list) and node.items is not None:
            for index, value in enumerate(instance):
                self._walk(node.items, value, [*path, index], out)
        if node.rare:
            self._rare(node, node.rare, instance, path, out)

    def _rare(
        self,
        node: _Node,
        rare: dict[str, Any],
        instance: Any,
        path: Path,
        out: list[Error],
    ) -> None:
        if rare.get("never"):
            out.append((path, "no value is allowed here"))
            return
        if "enum" in rare and instance not in rare["enum"]:
            out.append(
                (path, f"{show(instance)} is not one of {printable(repr(rare['enum']), limit=120)}")
            )
        if "const" in rare and instance != rare["const"]:
            out.append((path, f"{show(rare['const'])} was expected"))
        if isinstance(instance, dict):
            if "minProperties" in rare and len(instance) < rare["minProperties"]:
                out.append((path, f"has fewer than {rare['minProperties']} properties"))
            if "maxProperties" in rare and len(instance) > rare["maxProperties"]:
                out.append((path, f"has more than {rare['maxProperties']} properties"))
        elif isinstance(instance, list):
            if "minItems" in rare and len(instance) < rare["minItems"]:
                out.append((path, f"should have at least {rare['minItems']} items"))
            if "maxItems" in rare and len(instance) > rare["maxItems"]:
                out.append((path, f"should have at most {rare['maxItems']} items"))
        elif isinstance(instance, str):
            if "pattern" in rare and not _pattern(rare["pattern"]).search(instance):
                out.append(
                    (
                        path,
                        f"{show(instance)} does not match {printable(repr(rare['pattern']), limit=80)}",
                    )
                )
            if "minLength" in rare and len(instance) < rare["minLength"]:
                out.append((path, f"{show(instance)} is shorter than {rare['minLength']}"))
            if "maxLength" in rare and len(instance) > rare["maxLength"]:
                out.append((path, f"{show(instance)} is longer than {rare['maxLength']}"))
        elif isinstance(instance, (int, float)) and not isinstance(instance, bool):
            if "minimum" in rare and instance < rare["minimum"]:
                out.append(
                    (path, f"{show(instance)} is less than the minimum of {rare['minimum']}")
                )
            if "maximum" in rare and instance > rare["maximum"]:
                out.append(
                    (path, f"{show(instance)} is greater than the maximum of {rare['maximum']}")
                )
        for sub in rare.get("allOf") or ():
            self._walk(sub, instance, path, out)
        if "anyOf" in rare and not any(self._valid(sub, instance) for sub in rare["anyOf"]):
            out.append((path, f"{show(instance)} is not valid under any of the given schemas"))
        if "oneOf" in rare:
            matches = sum(1 for sub in rare["oneOf"] if self._valid(sub, instance))
            if matches != 1:
                which = "not valid under any" if not matches else "valid under more than one"
                out.append((path, f"{show(instance)} is {which} of the given schemas"))
        if "not" in rare and self._valid(rare["not"], instance):
            out.append(
                (
                    path,
                    f"{show(instance)} should not be valid under {printable(repr(rare['not'].schema), limit=80)}",
                )
            )


def describe(path: Path, message: str) -> str:
    """The message of an error, with where it is (unknown keys say it already)."""
    if message.startswith("unknown key"):
        return message
    where = "/".join(str(p) for p in path)
    return f"{where}: {message}" if where else message
