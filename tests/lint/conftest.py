"""Fixtures for the lint tests: generated repos (no git, fast)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from launchgen.scaffold import new
from launchgen.scaffold.answers import VendorChart
from tests.conftest import make_answers


@pytest.fixture
def repos(tmp_path: Path) -> tuple[Path, Path]:
    """A generated app repo and its properties repo."""
    new(make_answers(), tmp_path / "gen", git=False)
    repos = tmp_path / "gen" / "checkout", tmp_path / "gen" / "checkout-properties"
    for repo in repos:
        drop_ci_files(repo)
    return repos


def drop_ci_files(repo: Path) -> None:
    """CI pipelines are other templates' business; yamllint cases here use values files only."""
    shutil.rmtree(repo / ".github", ignore_errors=True)
    (repo / ".gitlab-ci.yml").unlink(missing_ok=True)


@pytest.fixture
def app(repos: tuple[Path, Path]) -> Path:
    return repos[0]


@pytest.fixture
def props(repos: tuple[Path, Path]) -> Path:
    return repos[1]


@pytest.fixture
def middleware(tmp_path: Path) -> Path:
    vendor = VendorChart("postgresql", "oci://registry-1.docker.io/bitnamicharts", "16.4.1")
    new(
        make_answers("orders-db", kind="middleware", vendor_chart=vendor),
        tmp_path / "mw",
        git=False,
    )
    drop_ci_files(tmp_path / "mw" / "orders-db-properties")
    return tmp_path / "mw" / "orders-db-properties"
