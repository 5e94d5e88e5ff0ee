"""`launchgen approve --env ENV`: the approval step; promotes a paused rollout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from launchgen.commands.clusteropts import cluster_options, open_cluster, properties_repo, who


@click.command()
@click.option(
    "--env", "environment", required=True, help="Environment whose pending deployment to approve."
)
@cluster_options
def command(environment: str, properties: Path, by: str | None, **cluster: Any) -> None:
    """Approve the deployment waiting in ENV (and promote its paused Argo Rollout).

    Engine mode (a gitops: block in .launchgen.yaml, or a published deployment): the
    approval is recorded and nothing else happens: the engine deploys the publish
    already; no helm, no cluster.
    """
    from launchgen.gitops import day2

    repo = properties_repo(properties)
    environment = repo.environment(environment)
    if day2.targets(properties, repo.service, environment) is not None:
        click.echo(
            day2.approve(
                properties, repo.service, environment, by=who(by), dry_run=cluster["dry_run"]
            )
        )
        return
    from launchgen.deploy.engine import approve

    with open_cluster(**cluster) as target:
        outcome = approve(target, properties, repo.service, environment, by=who(by))
    click.echo(outcome.message)  # after the plan
