"""JSON Schema checks on lint's hot path: compiled once, kept on disk; jsonschema only to explain.

Importing jsonschema costs 85-170 ms, which the per-file pre-commit hook would pay on
every commit. fastjsonschema turns a schema into Python source; that source is compiled
and its byte code kept beside `launchgen validate`'s compiled validators
($XDG_CACHE_HOME/launchgen/validators: code, not results, so `--no-cache` and clearing
the result cache leave it), keyed by the schema's bytes, the fastjsonschema installation
and the Python version, so a later run imports neither library. The compiled check only
answers "valid?": when it says no (or cannot tell),
the caller asks jsonschema for the errors users see, so messages and positions are
jsonschema's, and the slow path runs only when there is a problem.

The fast path is taken only for schemas whose every keyword both libraries implement
alike and whose `$ref`s are local; any other schema always goes to jsonschema.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

Check = Callable[[Any], bool]

# Bump when the generated code or the file layout changes: old files are then never read.
FORMAT = "1"
# Keywords both libraries implement alike (drafts 4 to 2020-12, as used here).
# `format` is an annotation for both: jsonschema asserts it only with a format checker,
# and the code is generated with use_formats=False.
_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "const",
        "properties",
        "patternProperties",
        "additionalProperties",
        "required",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "contains",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minProperties",
        "maxProperties",
        "propertyNames",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "$ref",
        "definitions",
        "$defs",
        "format",
        # annotations: no effect on validity
        "$schema",
        "$id",
        "id",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "readOnly",
        "writeOnly",
        "deprecated",
        "contentMediaType",
        "contentEncoding",
    }
)
_ANNOTATIONS = frozenset({"$comment", "title", "description", "default", "examples", "deprecated"})
# Keywords whose value maps names to subschemas.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "definitions", "$defs"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})
_OLD_DRAFTS = ("draft-04", "draft-06", "draft-07")
# The generated code imports its exception types from fastjsonschema, whose package
# import is most of the remaining cost: the check defines its own instead.
_IMPORT = re.compile(r"^from fastjsonschema import .*$", re.M)


class _Invalid(Exception):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args)


_memo: dict[str, Check | None] = {}


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "launchgen" / "validators"


def checker(schema_bytes: bytes) -> Check | None:
    """A fast validity check for this schema, or None when only jsonschema will do."""
    origin = _fastjsonschema_origin()
    if origin is None:
        return None
    key = hashlib.sha256(
        b"\0".join([FORMAT.encode(), sys.version.encode(), origin.encode(), schema_bytes])
    )
    name = key.hexdigest()
    if name not in _memo:
        _memo[name] = _build(schema_bytes, cache_dir() / f"lint-{name[:40]}.pyc", name)
    return _memo[name]


def _fastjsonschema_origin() -> str | None:
    """Which fastjsonschema would compile (location and install time), without importing it."""
    from importlib.util import find_spec

    try:
        spec = find_spec("fastjsonschema")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    try:
        info = os.stat(Path(spec.origin).parent / "version.py")
    except OSError:
        return None
    return f"{spec.origin}:{info.st_mtime_ns}:{info.st_size}"


def _build(schema_bytes: bytes, path: Path, name: str) -> Check | None:
    code = _read(path, name)
    if code is None:
        code = _compile(schema_bytes)
        if code is None:
            return None
        _write(path, name.encode() + b"\n" + marshal.dumps(code))
    namespace: dict[str, Any] = {
        "JsonSchemaValueException": _Invalid,
        "JsonSchemaValuesException": _Invalid,
        "JsonSchemaDefinitionException": _Invalid,
    }
    try:
        exec(code, namespace)
        validate: Callable[[Any], Any] = namespace["validate"]
    except Exception:
        return None

    def check(document: Any) -> bool:
        try:
            validate(document)
        except Exception:
            return False
        return True

    return check


def _read(path: Path, name: str) -> Any:
    """The cached code for exactly this key; None when absent, foreign or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header, _, body = data.partition(b"\n")
    if header != name.encode():
        return None  # another schema's (or a damaged) file: never used
    try:
        return marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None


def _compile(schema_bytes: bytes) -> Any:
    try:
        schema = json.loads(schema_bytes)
    except ValueError:
        return None
    if not isinstance(schema, dict) or not supported(schema):
        return None
    try:
        import fastjsonschema

        # No $id: the root function is then called `validate`; every $ref is local.
        definition = {k: v for k, v in schema.items() if k not in ("$id", "id")}
        text = fastjsonschema.compile_to_code(
            definition, use_default=False, use_formats=False, detailed_exceptions=False
        )
        return compile(_IMPORT.sub("", text), "<launchgen lint schema>", "exec")
    except Exception:
        return None


def _write(path: Path, data: bytes) -> None:
    # No fsync: a lost or torn file fails the header or marshal check and is rebuilt.
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):  # a read-only cache only costs time
            tmp.unlink(missing_ok=True)


def supported(schema: dict[str, Any]) -> bool:
    """Whether both libraries judge documents alike under this schema."""
    uri = str(schema.get("$schema", ""))
    old = any(name in uri for name in _OLD_DRAFTS)
    return _supported(schema, old)


def _supported(node: Any, old: bool) -> bool:
    if isinstance(node, bool):
        return True
    if not isinstance(node, dict):
        return False
    for keyword, value in node.items():
        if keyword not in _KEYWORDS:
            return False
        if keyword == "$ref":
            # Local refs only (no fetching); in 2019-09+ siblings of $ref apply, in
            # fastjsonschema they are ignored: allow annotations only.
            if not isinstance(value, str) or not value.startswith("#"):
                return False
            if not old and set(node) - _ANNOTATIONS - {"$ref"}:
                return False
        elif keyword in ("enum", "const"):
            # fastjsonschema compares with ==, so True matches 1; jsonschema tells them apart.
            values = value if keyword == "enum" and isinstance(value, list) else [value]
            if not all(v is None or isinstance(v, str) for v in values):
                return False
        elif keyword in _SCHEMA_MAPS:
            if not isinstance(value, dict) or not all(_supported(v, old) for v in value.values()):
                return False
        elif keyword in _SCHEMA_LISTS:
            if not isinstance(value, list) or not all(_supported(v, old) for v in value):
                return False
        elif keyword == "items":
            if isinstance(value, list):
                return False  # tuple form: draft-specific (additionalItems, prefixItems)
            if not _supported(value, old):
                return False
        elif keyword in (
            "additionalProperties",
            "contains",
            "propertyNames",
            "not",
            "if",
            "then",
            "else",
        ) and not _supported(value, old):
            return False
    return True
