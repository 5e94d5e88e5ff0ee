"""`launchgen rollback --env ENV [--to SEQ]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from launchgen.commands.clusteropts import cluster_options, open_cluster, properties_repo, who


@click.command()
@click.option("--env", "environment", required=True, help="Environment to roll back.")
@click.option(
    "--to",
    "to_seq",
    type=int,
    help="Record seq of the deployment to go back to [default: the previous one].",
)
@cluster_options
def command(
    environment: str, to_seq: int | None, properties: Path, by: str | None, **cluster: Any
) -> None:
    """Roll ENV back to an earlier deployment still in its history."""
    from launchgen.deploy.engine import rollback

    repo = properties_repo(properties)
    environment = repo.environment(environment)
    with open_cluster(**cluster) as target:
        outcome = rollback(target, properties, repo.service, environment, by=who(by), to_seq=to_seq)
    click.echo(outcome.message)  # after the plan
