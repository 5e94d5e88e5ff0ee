"""`launchgen new`: from options (and prompts) to generated repos."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgen import config
from launchgen.errors import LaunchgenError
from launchgen.scaffold import Answers, new
from launchgen.scaffold.answers import VendorChart, split_vendor_chart


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
    config_path: str | None = None
    force: bool = False
    no_git: bool = False
    interactive: bool = False


def build_answers(request: NewRequest) -> Answers:
    """Resolve every answer: flag > environment > org config > default (then prompts)."""
    flags: dict[str, Any] = {
        "environments": request.environments,
        "registry": request.registry,
        "chart_repository": request.chart_repository,
        "launch_chart_version": request.launch_chart_version,
        "ci": request.ci,
    }
    settings = config.resolve(flags, request.config_path)
    if request.interactive:
        settings = _prompt(request, settings)
    common: dict[str, Any] = {
        "name": request.name,
        "environments": tuple(settings["environments"]),
        "ci": settings["ci"],
        "registry": settings["registry"],
        "description": request.description or "",
        "hooks_repo": settings["hooks_repo"],
        "launchgen_requirement": settings["launchgen_requirement"],
    }
    if not request.middleware:
        if request.vendor_chart or request.chart_digest:
            raise LaunchgenError("--chart and --chart-digest are for middleware: add --middleware")
        return Answers(
            kind="app",
            chart_repository=settings["chart_repository"],
            launch_chart_version=settings["launch_chart_version"],
            chart_version=request.chart_version or "0.1.0",
            **common,
        )
    if not request.vendor_chart or not request.chart_version:
        raise LaunchgenError("--middleware needs --chart REPOSITORY/NAME and --chart-version VERSION")
    repository, chart_name = split_vendor_chart(request.vendor_chart)
    vendor = VendorChart(chart_name, repository, request.chart_version, request.chart_digest)
    return Answers(kind="middleware", vendor_chart=vendor, **common)


def _prompt(request: NewRequest, settings: dict[str, Any]) -> dict[str, Any]:
    import click

    answered = dict(settings)
    envs = click.prompt("Environments, in promotion order", default=",".join(settings["environments"]))
    answered["environments"] = [e.strip() for e in envs.split(",") if e.strip()]
    answered["registry"] = click.prompt("Container registry", default=settings["registry"])
    answered["ci"] = click.prompt("CI system", default=settings["ci"], type=click.Choice(["github", "gitlab"]))
    if not request.middleware:
        repository = click.prompt("Launch chart repository (empty: vendor the shipped chart)",
                                  default=settings["chart_repository"] or "", show_default=False)
        answered["chart_repository"] = repository or None
        answered["launch_chart_version"] = click.prompt("Launch chart version", default=settings["launch_chart_version"])
    return answered


def run_new(request: NewRequest) -> Iterator[str]:
    answers = build_answers(request)
    for repo in new(answers, request.output_dir, force=request.force, git=not request.no_git):
        where = f"commit {repo.commit[:12]}" if repo.commit else "no commit"
        yield f"created {repo.path} ({where})"
        for kept in repo.kept:
            yield f"  kept existing {kept}"
