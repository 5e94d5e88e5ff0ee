"""The wheels of launchgen's dependencies, for jobs that `pip install` launchgen offline
(the generated pipelines' tests). Built before the run, never by a test:

    python -m tests.helpers.wheelhouse     # scripts/test.sh runs it; cached by the
                                           # dependency list, so a no-op when warm
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.tools import ROOT, TOOLS_DIR

BUILD = "python -m tests.helpers.wheelhouse"


def folder() -> Path:
    """Where the wheels of the current dependency list go (one folder per list)."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    deps = re.search(r"^dependencies = \[.*?^\]", pyproject, re.S | re.M)
    assert deps, "no dependencies = [...] in pyproject.toml"
    digest = hashlib.sha256(deps.group(0).encode()).hexdigest()[:16]
    return TOOLS_DIR.parent / "wheelhouse" / digest


def wheelhouse() -> Path:
    """The built wheelhouse; a missing one fails the test with the command to run."""
    house = folder()
    if not (house / ".complete").exists():
        pytest.fail(f"no wheelhouse for these dependencies in {house}: run {BUILD}", pytrace=False)
    return house


def build() -> Path:
    house = folder()
    if (house / ".complete").exists():
        return house
    shutil.rmtree(house, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "-w", str(house), str(ROOT)], check=True
    )
    for wheel in house.glob("launchgen-*.whl"):  # this checkout's wheel is built per run
        wheel.unlink()
    (house / ".complete").touch()
    return house


if __name__ == "__main__":
    print(build())
