"""Compiled schema checks (launchgen/schemacompile.py) on lint's schemas: same verdicts as jsonschema, never stale."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchgen import schemacompile
from launchgen.errors import ConfigError
from launchgen.lint import lint
from launchgen.lint.rules.properties import _load_validator
from launchgen.resources import chart_dir, schema_path
from launchgen.standard import LAUNCH_CHART_NAME
from tests.helpers.caches import own_caches

VALUES_SCHEMA = chart_dir(LAUNCH_CHART_NAME) / "values.schema.json"
DEV = "envs/dev/values.yaml"


@pytest.fixture(autouse=True)
def _fresh_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemacompile, "_memo", {})


def jsonschema_valid(schema_file: Path, document: Any) -> bool:
    """jsonschema's verdict, with the draft the values rule picks."""
    return not list(_load_validator(schema_file).iter_errors(document))


@pytest.mark.parametrize("schema_file", [VALUES_SCHEMA, schema_path("repo-config.schema.json")])
def test_shipped_schemas_take_the_fast_path(schema_file: Path) -> None:
    assert schemacompile.checker(schema_file.read_bytes()) is not None


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"replicaCount": 2},
        {"replicaCount": "two"},
        {"replicaCount": True},
        {"replicaCount": 2.0},
        {"replicaCunt": 2},
        {"resources": {"requests": {"cpu": "100m"}}},
        {"resources": {"requests": {"cpuu": 1}}},
        {"image": {"repository": "r/x"}},
        {"image": {"repository": ""}},
        {"image": {"repository": "r/x\n"}},
        {"probes": None},
        {1: 2},
        {None: 1},
        {"env": [{"name": "X", "value": "1"}]},
        {"env": "x"},
        [],
        "x",
        None,
    ],
)
def test_valid_only_when_jsonschema_agrees(document: Any) -> None:
    # "Invalid" sends the document to jsonschema, whose errors are reported: only "valid"
    # must never be wrong. (fastjsonschema is stricter on some values, e.g. "r/x\n"
    # against a `...$` pattern, or 2.0 as an integer: those just take the slow path.)
    check = schemacompile.checker(VALUES_SCHEMA.read_bytes())
    assert check is not None
    if check(document):
        assert jsonschema_valid(VALUES_SCHEMA, document)
    elif document in ({}, {"replicaCount": 2}, {"env": [{"name": "X", "value": "1"}]}):
        pytest.fail("a plainly valid document took the slow path")


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False),
    st.text(max_size=4),
    st.sampled_from(["100m", "1Gi", "r/x", "/healthz", "IfNotPresent", "Always", "ClusterIP"]),
)


def _values() -> st.SearchStrategy[Any]:
    schema = json.loads(VALUES_SCHEMA.read_text())
    names = sorted({k for k in json.dumps(schema).split('"') if k.isidentifier()} | {"x-unknown"})
    keys = st.sampled_from(names)
    return st.recursive(
        _SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=12,
    )


@settings(max_examples=300, deadline=None)
@given(
    document=st.dictionaries(
        st.sampled_from(sorted(json.loads(VALUES_SCHEMA.read_text())["properties"])),
        _values(),
        max_size=4,
    )
)
def test_fast_valid_implies_jsonschema_valid(document: dict[str, Any]) -> None:
    check = schemacompile.checker(VALUES_SCHEMA.read_bytes())
    assert check is not None
    if check(document):
        assert jsonschema_valid(VALUES_SCHEMA, document)


@pytest.mark.parametrize(
    "schema",
    [
        {
            "type": "object",
            "dependentRequired": {"a": ["b"]},
        },  # a keyword without a twin in fastjsonschema
        {"properties": {"a": {"$ref": "https://example.com/other.json"}}},  # a remote $ref
        {
            "$defs": {"s": {"type": "string"}},
            "properties": {"a": {"$ref": "#/$defs/s", "minLength": 2}},
        },
        {"properties": {"a": {"enum": [1, 2]}}},  # True == 1 for fastjsonschema, not for jsonschema
        {"items": [{"type": "string"}]},  # tuple form: differs by draft
        {"properties": {"a": {"unknownKeyword": 1}}},
    ],
)
def test_schemas_judged_differently_are_left_to_jsonschema(schema: dict[str, Any]) -> None:
    assert schemacompile.checker(json.dumps(schema).encode()) is None


def test_not_json_or_not_a_schema_is_left_to_jsonschema() -> None:
    assert schemacompile.checker(b"{not json") is None
    assert schemacompile.checker(b'{"type": "object", "pattern": "("}') is None


def compiled_files(xdg: Path) -> list[Path]:
    return sorted((xdg / "launchgen" / "validators").glob("*.pyc"))


def test_compiled_code_is_kept_and_reused_without_fastjsonschema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, xdg = own_caches(tmp_path, monkeypatch)
    monkeypatch.setattr(schemacompile, "_memo", {})
    schema = b'{"type": "object", "properties": {"n": {"type": "integer"}}, "additionalProperties": false}'
    first = schemacompile.checker(schema)
    assert first is not None and first({"n": 1}) and not first({"n": "1"})
    assert len(compiled_files(xdg)) == 1
    monkeypatch.setattr(schemacompile, "_memo", {})

    def no_compiling(source: bytes, schema: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(schemacompile, "_compile", no_compiling)
    again = schemacompile.checker(schema)
    assert again is not None and again({"n": 1}) and not again({"n": "1"}) and not again({"m": 1})


def test_a_stale_or_foreign_compiled_file_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, xdg = own_caches(tmp_path, monkeypatch)
    monkeypatch.setattr(schemacompile, "_memo", {})
    strict = b'{"type": "object", "properties": {"n": {"type": "integer"}}}'
    loose = b'{"type": "object", "properties": {"n": {"type": "string"}}}'
    check_strict = schemacompile.checker(strict)
    assert check_strict is not None
    [strict_file] = compiled_files(xdg)
    check_loose = schemacompile.checker(loose)
    assert check_loose is not None
    [loose_file] = [f for f in compiled_files(xdg) if f != strict_file]
    # The loose schema's file now holds the strict schema's code (as a stale or swapped file would).
    loose_file.write_bytes(strict_file.read_bytes())
    monkeypatch.setattr(schemacompile, "_memo", {})
    reloaded = schemacompile.checker(loose)
    assert reloaded is not None and reloaded({"n": "text"}) and not reloaded({"n": 1})
    # A damaged file is rebuilt too.
    loose_file.write_bytes(loose_file.read_bytes()[:80])
    monkeypatch.setattr(schemacompile, "_memo", {})
    rebuilt = schemacompile.checker(loose)
    assert rebuilt is not None and rebuilt({"n": "text"}) and not rebuilt({"n": 1})


def test_a_changed_values_schema_is_used_at_once(app: Path, props: Path) -> None:
    (props / DEV).write_text("replicaCount: 2\n")
    assert lint([str(props / DEV)], cache=False, yamllint=False) == []
    schema = json.loads((app / "values.schema.json").read_text())
    schema["properties"]["replicaCount"] = {"type": "string"}
    (app / "values.schema.json").write_text(json.dumps(schema))
    problems = lint([str(props / DEV)], cache=False, yamllint=False)
    assert [(p.rule, p.path, p.line, p.column) for p in problems] == [
        ("properties-values-schema", DEV, 1, 1)
    ]
    assert problems[0].message == "replicaCount: is an integer, expected string"


def test_schema_problems_keep_their_position_and_wording(props: Path) -> None:
    (props / DEV).write_text("replicaCount: 2\nresources:\n  requests:\n    cpuu: 1\n")
    problems = lint([str(props / DEV)], cache=False, yamllint=False)
    assert [(p.rule, p.line, p.column, p.message) for p in problems] == [
        ("properties-values-schema", 4, 5, "unknown key 'cpuu' in resources/requests")
    ]


def test_invalid_config_is_still_reported_at_its_line(props: Path) -> None:
    config = props / ".launchgen.yaml"
    config.write_text(config.read_text().replace("kind: properties", "kind: propertys"))
    with pytest.raises(ConfigError) as caught:
        lint([str(props)], cache=False, yamllint=False)
    assert caught.value.line == 4 and "kind: is not one of the allowed values" in str(caught.value)
    assert "propertys" not in str(caught.value)  # never the value itself


def test_a_clean_file_imports_no_schema_library(props: Path, tmp_path: Path) -> None:
    script = (
        "import sys; from launchgen.lint import lint; lint([sys.argv[1]], cache=False, yamllint=False); "
        "print(sorted(m for m in ('jsonschema', 'fastjsonschema') if m in sys.modules))"
    )
    command = [sys.executable, "-c", script, str(props / DEV)]
    subprocess.run(command, check=True, capture_output=True)  # compiles and keeps the validators
    second = subprocess.run(command, check=True, capture_output=True, text=True)
    assert second.stdout.strip() == "[]"
