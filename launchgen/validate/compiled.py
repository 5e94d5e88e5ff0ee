"""Schemas compiled to Python once per kind, and kept compiled on disk.

fastjsonschema turns a schema into Python source; compiling that source is most of
the cost (a Deployment's schema is large), so the byte code is cached under
$XDG_CACHE_HOME/launchgen/validators, keyed by the schema, the Python version and
the fastjsonschema installation (found without importing it: the import alone costs
about 100 ms, paid by every run and every worker otherwise). The cached code raises
exception classes of our own, so running it imports nothing of fastjsonschema
either. The check only answers "valid?" (no detailed exception messages are built):
the errors of an invalid document are listed elsewhere. Without fastjsonschema,
jsonschema's validator is used.
"""

from __future__ import annotations

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
FORMAT = "2"
_IMPORT = re.compile(r"^from fastjsonschema import .*$", re.M)


class _Invalid(Exception):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "launchgen" / "validators"


@cache
def _origin() -> str | None:
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


def _jsonschema_check(schema: dict[str, Any]) -> Check:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    check: Check = cls(schema).is_valid
    return check


def _compile(schema: dict[str, Any], key: str) -> Any:
    import fastjsonschema

    # As jsonschema checks: never fill defaults into the document, no format checks.
    text = fastjsonschema.compile_to_code(
        schema, use_default=False, use_formats=False, detailed_exceptions=False
    )
    return compile(_IMPORT.sub("", text), f"<schema {key}>", "exec")


def compile_check(schema: dict[str, Any]) -> Check:
    """A function telling whether a document is valid against `schema`."""
    origin = _origin()
    if origin is None:  # pragma: no cover - fastjsonschema is a dependency
        return _jsonschema_check(schema)
    source = json.dumps(schema, sort_keys=True, separators=(",", ":"))
    key = hashlib.sha256(f"{FORMAT}|{origin}|{sys.version}|{source}".encode()).hexdigest()[:32]
    cached = cache_dir() / f"{key}.pyc"
    code = None
    try:
        code = marshal.loads(cached.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        code = None
    if code is None:
        code = _compile(schema, key)
        try:
            from launchgen.files import atomic_write

            atomic_write(cached, marshal.dumps(code))
        except OSError:
            pass  # a read-only home only costs speed
    namespace: dict[str, Any] = {
        "JsonSchemaValueException": _Invalid,
        "JsonSchemaValuesException": _Invalid,
        "JsonSchemaDefinitionException": _Invalid,
    }
    try:
        exec(code, namespace)
        validate: Callable[[Any], Any] = namespace["validate"]
    except Exception:
        namespace = {
            "JsonSchemaValueException": _Invalid,
            "JsonSchemaValuesException": _Invalid,
            "JsonSchemaDefinitionException": _Invalid,
        }
        exec(_compile(schema, key), namespace)
        validate = namespace["validate"]

    def check(document: Any) -> bool:
        try:
            validate(document)
        except _Invalid:
            return False
        return True

    return check
