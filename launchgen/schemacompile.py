"""JSON Schema validity checks compiled once with fastjsonschema, and kept compiled on disk.

Both `lint` (values, config and record schemas) and `validate` (Kubernetes and CRD
schemas) ask "is this document valid?" far more often than "what is wrong with it?".
fastjsonschema turns a schema into Python source; compiling that source is most of
the cost (a Deployment's schema is large), so the byte code is kept under
$XDG_CACHE_HOME/launchgen/validators (code, not results: clearing lint's result cache
leaves it). A file's name and its first line are the key: the schema's bytes, the
Python version and the fastjsonschema installation (found without importing it: the
import alone costs about 100 ms, which every run and every worker would pay). A file
whose first line is not its key (foreign, stale, damaged) is never used. The cached
code raises exception classes of our own, so running it imports nothing of
fastjsonschema either.

A check only answers "valid?" (no detailed exception messages are built): when it
says no, the caller asks jsonschema for the errors users see. So "valid" must never
be wrong: the fast path is taken only for schemas whose every keyword both libraries
implement alike and whose `$ref`s are local (`supported`); any other schema gets no
check (None) and always goes to jsonschema. This module is below lint and validate
and imports neither. Schemas larger than MAX_COMPILED_SCHEMA get no check either.
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
from functools import cache
from pathlib import Path
from typing import Any

Check = Callable[[Any], bool]

# Bump when the generated code or the file layout changes: old files are then never read.
FORMAT = "3"
# Above this size (the schema as compact JSON) only jsonschema checks: a CRD schema
# written out inline compiles to code in proportion to its size (Argo CD's Application,
# 72 KB, to 2 MB of Python; its ApplicationSet, 430 KB, to 20 MB and a minute of
# compiling), while jsonschema checks one document in well under a second. The largest
# Kubernetes kind (Pod, 51 KB with the definitions it reaches) stays compiled.
MAX_COMPILED_SCHEMA = 64 * 1024
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


def checker(source: bytes, schema: dict[str, Any] | None = None) -> Check | None:
    """A fast validity check for the schema whose JSON text is `source`, or None when
    only jsonschema will do. `schema` is `source` parsed, when the caller has it."""
    origin = _fastjsonschema_origin()
    if origin is None or len(source) > MAX_COMPILED_SCHEMA:
        return None
    name = hashlib.sha256(
        b"\0".join([FORMAT.encode(), sys.version.encode(), origin.encode(), source])
    ).hexdigest()
    if name not in _memo:
        _memo[name] = _build(source, schema, cache_dir() / f"{name[:40]}.pyc", name)
    return _memo[name]


def schema_checker(schema: dict[str, Any]) -> Check | None:
    """`checker` for a schema held in memory (keyed by its canonical JSON text)."""
    source = json.dumps(schema, sort_keys=True, separators=(",", ":")).encode()
    return checker(source, schema)


@cache
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


def _build(source: bytes, schema: dict[str, Any] | None, path: Path, name: str) -> Check | None:
    validate = _load(_read(path, name))
    if validate is None:
        code = _compile(source, schema)
        validate = _load(code)
        if validate is None:
            return None
        _write(path, name.encode() + b"\n" + marshal.dumps(code))

    def check(document: Any) -> bool:
        try:
            validate(document)
        except Exception:  # _Invalid, or the generated code cannot tell: jsonschema decides
            return False
        return True

    return check


def _load(code: Any) -> Callable[[Any], Any] | None:
    """The `validate` function the compiled code defines; None when it defines none."""
    if code is None:
        return None
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
    return validate


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


def _compile(source: bytes, schema: dict[str, Any] | None) -> Any:
    if schema is None:
        try:
            schema = json.loads(source)
        except (ValueError, RecursionError):
            return None
    if not isinstance(schema, dict) or not supported(schema):
        return None
    try:
        import fastjsonschema

        # No $id: the root function is then called `validate`; every $ref is local.
        # As jsonschema checks: never fill defaults into the document, no format checks.
        definition = {k: v for k, v in schema.items() if k not in ("$id", "id")}
        text = fastjsonschema.compile_to_code(
            definition, use_default=False, use_formats=False, detailed_exceptions=False
        )
        return compile(_IMPORT.sub("", text), "<launchgen schema>", "exec")
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
