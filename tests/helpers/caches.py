"""Pytest plugin: every cache launchgen keeps (lint results, compiled schema validators,
helm version probes) goes to a folder of this test run, never the user's ~/.cache.

Session-wide, so module- and session-scoped fixtures are isolated too. Sharing it across
tests is safe: lint results are keyed by the repo's path (each test has its own) and by
content; compiled validators are keyed by their schema. Tests that look into a cache
folder point the variables at a folder of their own with `own_caches`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def isolated_caches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    root = tmp_path_factory.mktemp("caches")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(root / "xdg-cache"))
        patch.setenv("LAUNCHGEN_CACHE_DIR", str(root / "lint-cache"))
        yield


def own_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """For a test that looks into the caches: (lint results, XDG cache home) of its own."""
    lint_cache, xdg = tmp_path / "lint-cache", tmp_path / "xdg-cache"
    monkeypatch.setenv("LAUNCHGEN_CACHE_DIR", str(lint_cache))
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    return lint_cache, xdg
