"""Fixtures of the sops secrets tests."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.secrets.helpers import AgeKey, age_key


@pytest.fixture
def key(tmp_path: Path) -> AgeKey:
    return age_key(tmp_path)


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where launchgen's temporary files go, to check that nothing is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder
