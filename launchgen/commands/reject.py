"""`launchgen reject --env ENV`: refuse the pending deployment and roll it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from launchgen.commands.clusteropts import cluster_options, open_cluster, properties_repo, who
from launchgen.commands.engineopts import engine_options, engine_targets


@click.command()
@click.option(
    "--env", "environment", required=True, help="Environment whose pending deployment to reject."
)
@engine_options
@cluster_options
def command(environment: str, properties: Path, by: str | None, **options: Any) -> None:
    """Reject the deployment waiting in ENV.

    Push mode: in place, helm goes back to the previous revision; immutable, its release
    and namespace are removed and the previous one stays. Engine mode (a gitops: block
    in .launchgen.yaml, --git/--oci, or a published deployment): the newest earlier
    publish that was approved is published again, as `rollback` does, with no helm and
    no cluster; with none approved before, nothing changes (exit 2).

    Exit codes: 0 rejected, 1 the deploy repo or registry does not hold what the record
    names (nothing changed), 2 a usage, configuration, git, registry or helm error, or
    nothing to go back to.
    """
    from launchgen.gitops import day2

    repo = properties_repo(properties)
    environment = repo.environment(environment)
    where = engine_targets(properties, repo.service, environment, options)
    if where is not None:
        done = day2.reject(
            properties, repo.service, environment, where, by=who(by), dry_run=options["dry_run"]
        )
        click.echo(done)
        return
    from launchgen.deploy.engine import reject

    with open_cluster(**options) as target:
        outcome = reject(target, properties, repo.service, environment, by=who(by))
    click.echo(outcome.message)  # after the plan
