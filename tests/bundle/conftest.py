"""A real render (helm 4.1.4, generated repos) and a key pair, shared by the bundle tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgen.bundle.keys import write_key_pair
from launchgen.render import RenderRequest, render
from launchgen.scaffold import new
from tests.conftest import make_answers
from tests.helpers.tools import tool


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rendered")
    new(make_answers(), root / "repos")
    render(
        RenderRequest(
            properties=str(root / "repos" / "checkout-properties"),
            app_version="1.4.2",
            environments=["prod"],
            output_dir=root / "out",
            helm=str(tool("helm4")),
            lint=False,
        )
    )
    return root / "out" / "prod"


@pytest.fixture(scope="module")
def key_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_key_pair(tmp_path_factory.mktemp("keys") / "signing")
