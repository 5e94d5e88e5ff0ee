"""The properties repo's `.launchgen.yaml`, as render needs it: what the repo is, its
service, environments and chart (read by `launchgen.repoconfig`, checked here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from launchgen import naming, repoconfig
from launchgen.errors import LaunchgenError
from launchgen.standard import REPO_CONFIG_FILE

KINDS = ("properties", "middleware")


def load(repo: Path, shown: str) -> dict[str, Any]:
    """The properties or middleware repo's config: kind, service, chart, environments."""
    display = f"{shown}/{REPO_CONFIG_FILE}"
    config = repoconfig.load(repo, shown, kinds=KINDS, needs=("service", "chart"))
    if not isinstance(config["chart"], dict):
        raise LaunchgenError("chart must be a mapping", path=display)
    service = config["service"]
    if not isinstance(service, str):
        raise LaunchgenError("service must be a string", path=display)
    naming.check_service_name(service)
    environments = config.get("environments") or []
    if not isinstance(environments, list) or not all(isinstance(e, str) for e in environments):
        raise LaunchgenError("environments must be a list of names", path=display)
    return config
