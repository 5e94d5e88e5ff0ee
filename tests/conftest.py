"""Fixtures every test module may use: generated repos and the real helm binaries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from launchgen.scaffold import Answers, new
from tests.helpers.tools import HELM_VERSIONS, helm_env, tool

# The real control plane (kube_cluster, kube_namespace) and the run's own caches.
pytest_plugins = ["tests.cluster.fixture", "tests.helpers.caches"]


def make_answers(name: str = "checkout", **overrides: Any) -> Answers:
    values: dict[str, Any] = {
        "kind": "app",
        "name": name,
        "environments": ("dev", "test", "prod"),
    }
    values.update(overrides)
    return Answers(**values)


@pytest.fixture
def app_repos(tmp_path: Path) -> tuple[Path, Path]:
    """A freshly generated app repo and properties repo (real git, vendored chart)."""
    new(make_answers(), tmp_path)
    return tmp_path / "checkout", tmp_path / "checkout-properties"


@pytest.fixture(params=sorted(HELM_VERSIONS))
def helm(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """(binary, environment) for each real helm major, with isolated HELM_* homes."""
    return tool(request.param), helm_env(tmp_path / f"{request.param}-home")
