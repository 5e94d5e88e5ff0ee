"""From what the user asked of `launchgen new` to the validated `Answers`.

Each setting is resolved flag > environment > org config > built-in default
(`launchgen.config`); `ask` may then change the resolved settings (the command's
prompts with --interactive).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgen import config
from launchgen.errors import LaunchgenError
from launchgen.scaffold.answers import Answers, VendorChart, split_vendor_chart

Settings = dict[str, Any]


@dataclass
class NewRequest:
    name: str
    output_dir: Path
    environments: list[str] | None = None
    registry: str | None = None
    chart_repository: str | None = None
    launch_chart_version: str | None = None
    middleware: bool = False
    vendor_chart: str | None = None
    chart_version: str | None = None
    chart_digest: str | None = None
    ci: str | None = None
    description: str | None = None
    secrets: str = "none"
    sops_age_recipient: str | None = None
    data: bool = False
    config_path: str | None = None
    force: bool = False
    no_git: bool = False
    interactive: bool = False


def build_answers(
    request: NewRequest, ask: Callable[[NewRequest, Settings], Settings] | None = None
) -> Answers:
    """Resolve every answer: flag > environment > org config > default, then `ask`."""
    flags: Settings = {
        "environments": request.environments,
        "registry": request.registry,
        "chart_repository": request.chart_repository,
        "launch_chart_version": request.launch_chart_version,
        "ci": request.ci,
    }
    settings = config.resolve(flags, request.config_path)
    if ask is not None:
        settings = ask(request, settings)
    common: Settings = {
        "name": request.name,
        "environments": tuple(settings["environments"]),
        "ci": settings["ci"],
        "registry": settings["registry"],
        "description": request.description or "",
        "secrets": request.secrets,
        "sops_age_recipient": request.sops_age_recipient,
        "hooks_repo": settings["hooks_repo"],
        "launchgen_requirement": settings["launchgen_requirement"],
        "pip_index_url": settings["pip_index_url"],
    }
    if not request.middleware:
        if request.vendor_chart or request.chart_digest:
            raise LaunchgenError("--chart and --chart-digest are for middleware: add --middleware")
        return Answers(
            kind="app",
            data=request.data,
            chart_repository=settings["chart_repository"],
            launch_chart_version=settings["launch_chart_version"],
            chart_version=request.chart_version or config.FIRST_CHART_VERSION,
            **common,
        )
    if not request.vendor_chart or not request.chart_version:
        raise LaunchgenError(
            "--middleware needs --chart REPOSITORY/NAME and --chart-version VERSION"
        )
    repository, chart_name = split_vendor_chart(request.vendor_chart)
    vendor = VendorChart(chart_name, repository, request.chart_version, request.chart_digest)
    return Answers(kind="middleware", vendor_chart=vendor, **common)
