"""The shape of a launchgen in-toto statement: every field verify and deploy read, typed.

Names that reach helm, kubectl, a path or a log line are held to the naming rules
(launchgen.naming); the other strings to one line of plain visible characters.
Fields launchgen does not read may hold anything (the format may grow).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from launchgen import naming
from launchgen.bundle.archive import safe_name
from launchgen.errors import InvalidNameError

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://slsa.dev/provenance/v1"
KINDS = ("app", "middleware")

_SHA256 = re.compile(r"[0-9a-f]{64}\Z")
_CHART_NAME = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9_.-]{0,252}\Z"
)  # a folder name in deploy's wrapper chart
_TOKEN = re.compile(r"[\x21-\x7e]{1,128}\Z")  # versions: one word of visible ASCII


class _Bad(Exception):
    pass


def _get(obj: dict[str, Any], key: str, where: str, kind: type, *, optional: bool = False) -> Any:
    value = obj.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        found = "missing" if key not in obj else f"a JSON {_json_type(value)}"
        raise _Bad(f"{where}.{key} must be a JSON {_json_type(kind())}, found {found}")
    return value


def _json_type(value: object) -> str:
    return {
        dict: "object",
        list: "array",
        str: "string",
        bool: "boolean",
        int: "number",
        float: "number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _match(pattern: re.Pattern[str], value: str, where: str, what: str) -> None:
    if not pattern.match(value):
        raise _Bad(f"{where} {value!r} is not {what}")


def _name(check: Callable[..., object], value: str, where: str) -> None:
    try:
        check(value)
    except InvalidNameError as exc:
        raise _Bad(f"{where}: {exc.message}") from None


def _digest(obj: dict[str, Any], where: str) -> None:
    digest = _get(obj, "digest", where, dict)
    _match(
        _SHA256,
        _get(digest, "sha256", f"{where}.digest", str),
        f"{where}.digest.sha256",
        "a sha256 hex digest",
    )


def _file(obj: object, where: str) -> str:
    if not isinstance(obj, dict):
        raise _Bad(f"{where} must be a JSON object, found a JSON {_json_type(obj)}")
    name = _get(obj, "name", where, str)
    if not safe_name(name):
        raise _Bad(f"{where}.name {name!r} is not a safe relative file name")
    _digest(obj, where)
    return str(name)


def _parameters(params: dict[str, Any], where: str) -> None:
    kind = _get(params, "kind", where, str)
    if kind not in KINDS:
        raise _Bad(f"{where}.kind {kind!r} is not one of {', '.join(KINDS)}")
    _name(naming.check_service_name, _get(params, "service", where, str), f"{where}.service")
    _name(naming.check_environment, _get(params, "environment", where, str), f"{where}.environment")
    _name(naming.check_release_name, _get(params, "release", where, str), f"{where}.release")
    _name(naming.check_namespace, _get(params, "namespace", where, str), f"{where}.namespace")
    _get(params, "immutable", where, bool)
    version = _get(params, "appVersion", where, str, optional=kind == "middleware")
    if version is not None:
        _match(_TOKEN, version, f"{where}.appVersion", "a version")
    chart = _get(params, "chart", where, dict)
    _match(
        _CHART_NAME,
        _get(chart, "name", f"{where}.chart", str),
        f"{where}.chart.name",
        "a chart name",
    )
    _match(
        _TOKEN, _get(chart, "version", f"{where}.chart", str), f"{where}.chart.version", "a version"
    )
    for index, value in enumerate(_get(params, "values", where, list)):
        if not isinstance(value, str) or not safe_name(value):
            raise _Bad(f"{where}.values[{index}] must be a safe relative file name")


def _check(stmt: object) -> None:
    if not isinstance(stmt, dict):
        raise _Bad(f"it must be a JSON object, found a JSON {_json_type(stmt)}")
    if stmt.get("_type") != STATEMENT_TYPE:
        raise _Bad(f"_type must be {STATEMENT_TYPE}")
    if stmt.get("predicateType") != PREDICATE_TYPE:
        raise _Bad(f"predicateType must be {PREDICATE_TYPE}")
    names = [
        _file(subject, f"subject[{i}]")
        for i, subject in enumerate(_get(stmt, "subject", "statement", list))
    ]
    if not names:
        raise _Bad("subject is empty: a bundle deploys at least one manifest")
    build = _get(_get(stmt, "predicate", "statement", dict), "buildDefinition", "predicate", dict)
    where = "predicate.buildDefinition"
    _get(build, "buildType", where, str)
    _parameters(_get(build, "externalParameters", where, dict), f"{where}.externalParameters")
    _get(build, "internalParameters", where, dict)
    for i, dep in enumerate(_get(build, "resolvedDependencies", where, list)):
        at = f"{where}.resolvedDependencies[{i}]"
        if not isinstance(dep, dict):
            raise _Bad(f"{at} must be a JSON object, found a JSON {_json_type(dep)}")
        _get(dep, "name", at, str)
        annotations = _get(dep, "annotations", at, dict, optional=True) or {}
        if annotations.get("inBundle") is True:
            names.append(_file(dep, at))
    duplicates = sorted(name for name, count in Counter(names).items() if count > 1)
    if duplicates:
        raise _Bad(f"{duplicates[0]!r} is named twice among the bundle's files")


def problems(stmt: object) -> str | None:
    """The first way `stmt` is not a launchgen statement (field path and what is wrong), or None."""
    try:
        _check(stmt)
    except _Bad as bad:
        return str(bad)
    return None
