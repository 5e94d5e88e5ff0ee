"""`launchgen new`: from options (and prompts) to generated repos."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

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
    secrets: str = "none"
    sops_age_recipient: str | None = None
    data: bool = False
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
            chart_version=request.chart_version or "0.1.0",
            **common,
        )
    if not request.vendor_chart or not request.chart_version:
        raise LaunchgenError(
            "--middleware needs --chart REPOSITORY/NAME and --chart-version VERSION"
        )
    repository, chart_name = split_vendor_chart(request.vendor_chart)
    vendor = VendorChart(chart_name, repository, request.chart_version, request.chart_digest)
    return Answers(kind="middleware", vendor_chart=vendor, **common)


def _prompt(request: NewRequest, settings: dict[str, Any]) -> dict[str, Any]:
    answered = dict(settings)
    envs = click.prompt(
        "Environments, in promotion order", default=",".join(settings["environments"])
    )
    answered["environments"] = [e.strip() for e in envs.split(",") if e.strip()]
    answered["registry"] = click.prompt("Container registry", default=settings["registry"])
    answered["ci"] = click.prompt(
        "CI system", default=settings["ci"], type=click.Choice(["github", "gitlab"])
    )
    if not request.middleware:
        repository = click.prompt(
            "Launch chart repository (empty: vendor the shipped chart)",
            default=settings["chart_repository"] or "",
            show_default=False,
        )
        answered["chart_repository"] = repository or None
        answered["launch_chart_version"] = click.prompt(
            "Launch chart version", default=settings["launch_chart_version"]
        )
    return answered


def run_new(request: NewRequest) -> Iterator[str]:
    answers = build_answers(request)
    for repo in new(answers, request.output_dir, force=request.force, git=not request.no_git):
        where = f"commit {repo.commit[:12]}" if repo.commit else "no commit"
        yield f"created {repo.path} ({where})"
        for kept in repo.kept:
            yield f"  kept existing {kept}"


def _split_envs(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


@click.command()
@click.argument("name")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to create the repos in.",
)
@click.option(
    "--envs",
    "environments",
    metavar="A,B,C",
    help="Environments, in promotion order. [default: dev,test,prod]",
)
@click.option(
    "--registry", help="Container registry the image is pushed to. [default: registry.example.com]"
)
@click.option(
    "--chart-repository",
    help="Repository of the Launch chart (https:// or oci://). [default: vendor the shipped chart]",
)
@click.option("--launch-chart-version", help="Exact Launch chart version to pin.")
@click.option(
    "--middleware", is_flag=True, help="Generate a middleware properties repo for a vendor chart."
)
@click.option(
    "--chart",
    "vendor_chart",
    metavar="REPOSITORY/NAME",
    help="Middleware: the vendor chart, e.g. oci://registry-1.docker.io/bitnamicharts/postgresql.",
)
@click.option(
    "--chart-version",
    help="App: the umbrella chart's first version [0.1.0]. Middleware: the exact vendor chart version.",
)
@click.option(
    "--chart-digest",
    help="Middleware: the vendor chart's sha256 digest, where its source gives one.",
)
@click.option(
    "--ci",
    type=click.Choice(["github", "gitlab"]),
    help="CI system of the generated pipelines. [default: github]",
)
@click.option("--description", help="One line saying what the service is.")
@click.option(
    "--secrets",
    type=click.Choice(["none", "external", "sops"]),
    default="none",
    show_default=True,
    help="How secrets reach the service: External Secrets references, or sops-encrypted envs/<env>/secrets.yaml.",
)
@click.option(
    "--sops-age-recipient",
    metavar="AGE1...",
    help="With --secrets sops: the age public key to encrypt to.",
)
@click.option(
    "--data",
    is_flag=True,
    help="Add data/, a chart of its own for data migrations (a pre-upgrade hook Job).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Org config file (see docs/configuration.md).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Add missing files to existing folders; never overwrites or deletes.",
)
@click.option(
    "--gitops",
    metavar="ENGINE[:SOURCE]",
    help="Add a GitOps engine's objects per environment: flux or argocd, reading "
    "oci (default), git or (argocd) multi-source. See docs/gitops.md.",
)
@click.option("--gitops-url", help="With --gitops: the OCI repository or git URL the engine reads.")
@click.option("--no-git", is_flag=True, help="Do not make git repositories.")
@click.option("-i", "--interactive", is_flag=True, help="Prompt for each answer.")
def command(
    name: str,
    output_dir: Path,
    environments: str | None,
    config_path: str | None,
    gitops: str | None,
    gitops_url: str | None,
    **options: Any,
) -> None:
    """Generate the app repo NAME/ and properties repo NAME-properties/ of a microservice.

    With --middleware, generate NAME-properties/ for a vendor chart instead:

    \b
      launchgen new orders-db --middleware \\
        --chart oci://registry-1.docker.io/bitnamicharts/postgresql --chart-version 16.4.1
    """
    request = NewRequest(
        name=name,
        output_dir=output_dir,
        environments=_split_envs(environments),
        config_path=config_path,
        **options,
    )
    if gitops:
        from launchgen.gitops import scaffold as engine

        engine.check(gitops, gitops_url, name, options["middleware"])
    for line in run_new(request):
        click.echo(line)
    if gitops:
        for line in engine.after_new(output_dir, name, gitops, gitops_url, not request.no_git):
            click.echo(line)
