"""`launchgen reject --env ENV`: refuse the pending deployment and roll it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from launchgen.commands.clusteropts import cluster_options, open_cluster, properties_repo, who


@click.command()
@click.option(
    "--env", "environment", required=True, help="Environment whose pending deployment to reject."
)
@cluster_options
def command(environment: str, properties: Path, by: str | None, **cluster: Any) -> None:
    """Reject the deployment waiting in ENV: in place, back to the previous revision;
    immutable, its release and namespace are removed and the previous one stays."""
    from launchgen.deploy.engine import reject

    repo = properties_repo(properties)
    environment = repo.environment(environment)
    with open_cluster(**cluster) as target:
        outcome = reject(target, properties, repo.service, environment, by=who(by))
    click.echo(outcome.message)  # after the plan
