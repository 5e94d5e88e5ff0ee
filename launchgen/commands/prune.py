"""`launchgen prune --env ENV --keep N`: old immutable deployments go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from launchgen.commands.clusteropts import cluster_options, open_cluster, properties_repo, who


@click.command()
@click.option("--env", "environment", required=True, help="Environment to prune.")
@click.option(
    "--keep",
    type=int,
    default=3,
    show_default=True,
    help="How many of the newest deployments to keep.",
)
@cluster_options
def command(environment: str, keep: int, properties: Path, by: str | None, **cluster: Any) -> None:
    """Remove the releases and namespaces of old immutable deployments, keeping the last N.

    Engine mode (a gitops: block in .launchgen.yaml, or a published deployment): there
    are no releases to remove, the engine prunes what it deploys; says so and exits 0
    without touching helm or the cluster.
    """
    from launchgen.gitops import day2

    repo = properties_repo(properties)
    environment = repo.environment(environment)
    where = day2.targets(properties, repo.service, environment)
    if where is not None:
        click.echo(day2.prune(environment, where))
        return
    from launchgen.deploy.engine import prune

    with open_cluster(**cluster) as target:
        outcome = prune(target, properties, repo.service, environment, keep=keep, by=who(by))
    click.echo(outcome.message)  # after the plan
