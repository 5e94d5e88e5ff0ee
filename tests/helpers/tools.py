"""The real tools the suite runs (helm 4 and 3, kubectl, the Go tools of
scripts/go-tools.txt), installed before the run by scripts/install-tools.sh. A test never
installs or builds one: a missing tool fails the test and names the script."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = Path(
    os.environ.get("LAUNCHGEN_TOOLS", Path.home() / ".cache" / "launchgen-dev" / "bin")
)

HELM_VERSIONS = {"helm4": "v4.1.4", "helm3": "v3.19.0"}


INSTALL = "scripts/install-tools.sh"


def go_tools() -> dict[str, str]:
    """name -> "package@version" of every Go tool scripts/go-tools.txt pins."""
    pinned = {}
    for line in (ROOT / "scripts" / "go-tools.txt").read_text().splitlines():
        fields = line.split()
        if len(fields) == 3 and not line.startswith("#"):
            pinned[fields[0]] = f"{fields[1]}@{fields[2]}"
    return pinned


def tool(name: str) -> Path:
    """Path of an installed development tool: helm4, helm3, kubectl or a Go tool of
    scripts/go-tools.txt (at its pinned version)."""
    path = TOOLS_DIR / name
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"{name} is not installed in {TOOLS_DIR}: run {INSTALL}", pytrace=False)
    pinned = go_tools().get(name)
    if pinned is not None:
        stamp = path.with_name(f"{name}.version")
        built = stamp.read_text().strip() if stamp.is_file() else "an unknown version"
        if built != pinned:
            pytest.fail(
                f"{path} is {built}, the suite needs {pinned}: run {INSTALL}", pytrace=False
            )
    return path


def helm_env(home: Path) -> dict[str, str]:
    """An environment giving helm its own config, cache and data folders under `home`."""
    env = dict(os.environ)
    for var, sub in (
        ("HELM_CONFIG_HOME", "config"),
        ("HELM_CACHE_HOME", "cache"),
        ("HELM_DATA_HOME", "data"),
    ):
        env[var] = str(home / sub)
    env["HELM_REGISTRY_CONFIG"] = str(home / "config" / "registry.json")
    env["HELM_REPOSITORY_CONFIG"] = str(home / "config" / "repositories.yaml")
    env["HELM_REPOSITORY_CACHE"] = str(home / "cache" / "repository")
    return env


def run(
    args: list[str | Path],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result
