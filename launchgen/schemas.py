"""JSON Schema validation of YAML documents, with errors pointing at file:line."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from launchgen import yamlio
from launchgen.errors import LaunchgenError
from launchgen.resources import schema_path


@cache
def load_schema(name: str) -> dict[str, Any]:
    with open(schema_path(name), encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def _unknown_keys(error: Any) -> list[str]:
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    return sorted(set(error.instance) - set(error.schema.get("properties", {})), key=str)


def error_path(error: Any) -> list[str | int]:
    """Where in the document an error is: at the unknown key itself when there is one."""
    path = list(error.absolute_path)
    return path + _unknown_keys(error)[:1]


def describe(error: Any) -> str:
    """A jsonschema error as one short sentence, naming the offending key."""
    unknown = _unknown_keys(error)
    if unknown:
        where = "/".join(str(p) for p in error.absolute_path)
        keys = ", ".join(repr(k) for k in unknown)
        return f"unknown key {keys}" + (f" in {where}" if where else "")
    location = "/".join(str(p) for p in error.absolute_path)
    return f"{location}: {error.message}" if location else error.message


def validate_document(
    document: Any, schema_name: str, path: str, error_type: type[LaunchgenError]
) -> None:
    """Raise `error_type` for the first schema violation, at its line in the file."""
    import jsonschema

    schema = load_schema(schema_name)
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        line, _ = yamlio.position(document, error_path(first))
        raise error_type(describe(first), path=path, line=line)
