"""properties family: envs/<env>/values.yaml, forbidden keys, schema, drift."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.lint.helpers import check

DEV = "envs/dev/values.yaml"
PROD = "envs/prod/values.yaml"


def test_missing_environment_values(props: Path) -> None:
    shutil.rmtree(props / "envs" / "test")
    check(props, {}, "properties-env-files", (".launchgen.yaml", 8, 5))


def test_unconfigured_environment_and_stray_files(props: Path) -> None:
    files = {
        "envs/qa/values.yaml": "{}\n",
        "envs/dev/extra.yaml": "{}\n",
        "values.yaml": "{}\n",
        "envs/dev/secrets.yaml": "sops: {}\n",
    }
    check(
        props,
        files,
        "properties-env-files",
        ("envs/qa/values.yaml", 1, 1),
        ("envs/dev/extra.yaml", 1, 1),
        ("values.yaml", 1, 1),
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ("image:\n  tag: 1.2.3\n", [(2, 3)]),
        ("appVersion: 1.2.3\n", [(1, 1)]),
        ("version: 0.2.0\n", [(1, 1)]),
        ("env:\n  - name: X\n    value: '1'\n", []),
        ("nested:\n  image:\n    tag: latest\n", [(3, 5)]),
    ],
)
def test_forbidden_keys(props: Path, values: str, expected: list[tuple[int, int]]) -> None:
    check(props, {DEV: values}, "properties-forbidden-keys", *[(DEV, *e) for e in expected])


def test_forbidden_keys_in_app_values(app: Path) -> None:
    values = (app / "values.yaml").read_text() + "  tag: 1.0.0\n"
    values = values.replace("containerPort: 8080\n  tag: 1.0.0\n", "containerPort: 8080\n")
    text = "image:\n  repository: r/x\n  tag: 1.0.0\n"
    check(app, {"values.yaml": text}, "properties-forbidden-keys", ("values.yaml", 3, 3))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ("replicaCount: 2\n", []),
        ("replicaCount: two\n", [(1, 1)]),
        ("replicaCunt: 2\n", [(1, 1)]),
        ("resources:\n  requests:\n    cpuu: 1\n", [(3, 5)]),
        ("{}\n", []),
        ("", []),
    ],
)
def test_values_schema(props: Path, values: str, expected: list[tuple[int, int]]) -> None:
    problems = check(
        props, {DEV: values}, "properties-values-schema", *[(DEV, *e) for e in expected]
    )
    if expected and "Cunt" in values:
        message = next(p.message for p in problems if p.rule == "properties-values-schema")
        assert "unknown key 'replicaCunt'" in message


def test_drift_prod_only_key(props: Path) -> None:
    generated = (props / PROD).read_text()
    prod = generated + "ingress:\n  enabled: true\n"
    check(props, {PROD: prod}, "properties-drift", (PROD, generated.count("\n") + 1, 1))


def test_drift_key_in_a_lower_environment_is_fine(props: Path) -> None:
    extra = "podLabels:\n  team: a\n"
    check(
        props,
        {PROD: (props / PROD).read_text() + extra, "envs/test/values.yaml": extra},
        "properties-drift",
    )


def test_drift_check_all_option(props: Path) -> None:
    config = (
        props / ".launchgen.yaml"
    ).read_text() + "lint:\n  rules:\n    properties-drift:\n      check-all: true\n"
    test_values = (props / "envs/test/values.yaml").read_text() + "podLabels:\n  team: a\n"
    check(
        props,
        {".launchgen.yaml": config, "envs/test/values.yaml": test_values},
        "properties-drift",
        ("envs/test/values.yaml", 12, 1),
    )
