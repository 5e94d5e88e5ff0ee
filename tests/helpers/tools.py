"""The real helm binaries the suite runs, installed by scripts/install-helm.sh."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = Path(
    os.environ.get("LAUNCHGEN_TOOLS", Path.home() / ".cache" / "launchgen-dev" / "bin")
)

HELM_VERSIONS = {"helm4": "v4.1.4", "helm3": "v3.19.0"}


def tool(name: str) -> Path:
    """Path of a development tool (helm4, helm3, kubectl), installing it on first use."""
    path = TOOLS_DIR / name
    if not path.exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "install-helm.sh")], check=True)
    if not path.exists():  # pragma: no cover - the install script failed loudly already
        raise RuntimeError(f"{name} missing after scripts/install-helm.sh")
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


def which_git() -> str:
    git = shutil.which("git")
    assert git, "git is required by the test suite"
    return git
