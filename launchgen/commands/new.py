"""`launchgen new`: from options (and prompts) to generated repos."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from launchgen.config import CI_SYSTEMS, FIRST_CHART_VERSION, SETTINGS

if TYPE_CHECKING:
    from launchgen.scaffold.request import NewRequest, Settings


def _prompt(request: NewRequest, settings: Settings) -> Settings:
    answered = dict(settings)
    envs = click.prompt(
        "Environments, in promotion order", default=",".join(settings["environments"])
    )
    answered["environments"] = [e.strip() for e in envs.split(",") if e.strip()]
    answered["registry"] = click.prompt("Container registry", default=settings["registry"])
    answered["ci"] = click.prompt(
        "CI system", default=settings["ci"], type=click.Choice(CI_SYSTEMS)
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
    help=f"Environments, in promotion order. [default: {','.join(SETTINGS['environments'].default)}]",
)
@click.option(
    "--registry",
    help=f"Container registry the image is pushed to. [default: {SETTINGS['registry'].default}]",
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
    help=f"App: the umbrella chart's first version [{FIRST_CHART_VERSION}]. "
    "Middleware: the exact vendor chart version.",
)
@click.option(
    "--chart-digest",
    help="Middleware: the vendor chart's sha256 digest, where its source gives one.",
)
@click.option(
    "--ci",
    type=click.Choice(CI_SYSTEMS),
    help=f"CI system of the generated pipelines. [default: {SETTINGS['ci'].default}]",
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
    from launchgen.scaffold import new
    from launchgen.scaffold.request import NewRequest, build_answers

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
    answers = build_answers(request, _prompt if request.interactive else None)
    for repo in new(answers, request.output_dir, force=request.force, git=not request.no_git):
        where = f"commit {repo.commit[:12]}" if repo.commit else "no commit"
        click.echo(f"created {repo.path} ({where})")
        for kept in repo.kept:
            click.echo(f"  kept existing {kept}")
    if gitops:
        for line in engine.after_new(output_dir, name, gitops, gitops_url, not request.no_git):
            click.echo(line)
