"""umbrella family: one chart for every environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint.helpers import check


@pytest.mark.parametrize(
    "name",
    [
        "values-prod.yaml",
        "values.dev.yaml",
        "envs/prod/values.yaml",
        "prod/values.yaml",
        "prod.yaml",
    ],
)
def test_environment_values_in_app_repo(app: Path, name: str) -> None:
    check(app, {name: "replicaCount: 3\n"}, "umbrella-env-values", (name, 1, 1))


def test_ordinary_app_files_are_fine(app: Path) -> None:
    check(app, {"ci/config.yaml": "a: 1\n"}, "umbrella-env-values")


def test_override_block_in_app_values(app: Path) -> None:
    values = (app / "values.yaml").read_text() + "prod:\n  replicaCount: 3\n"
    check(app, {"values.yaml": values}, "umbrella-env-overrides", ("values.yaml", 7, 1))


@pytest.mark.parametrize(
    "name", ["Chart.yaml", "templates/deployment.yaml", "envs/dev/_helpers.tpl"]
)
def test_chart_files_in_properties_repo(props: Path, name: str) -> None:
    check(props, {name: "a: 1\n"}, "umbrella-properties-templates", (name, 1, 1))
