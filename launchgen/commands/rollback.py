"""`launchgen rollback --env ENV [--to SEQ|VERSION]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from launchgen.commands.clusteropts import cluster_options, open_cluster, properties_repo, who
from launchgen.commands.engineopts import engine_options, engine_targets


@click.command()
@click.option("--env", "environment", required=True, help="Environment to roll back.")
@click.option(
    "--to",
    "to",
    metavar="SEQ|VERSION",
    help="Record seq, or app version, of the deployment to go back to [default: the previous one].",
)
@engine_options
@cluster_options
def command(
    environment: str,
    to: str | None,
    properties: Path,
    by: str | None,
    **options: Any,
) -> None:
    """Roll ENV back to an earlier deployment still in its history.

    Push mode: helm rolls the release back (or removes later immutable releases).
    Engine mode (a gitops: block in .launchgen.yaml, --git/--oci, or a published
    deployment): the earlier publish is published again, checked against its recorded
    bundle digest first: a commit on environments/ENV restoring SERVICE/ as that publish
    left it, or tag ENV back on the artifact tagged ENV-VERSION. No helm, no cluster.
    Either way `rolled-back` is recorded for each deployment undone.

    Exit codes: 0 rolled back, 1 the deploy repo or registry does not hold what the
    record names (nothing changed), 2 a usage, configuration, git, registry or helm error,
    or nothing to go back to.
    """
    from launchgen.deploy.engine import parse_to
    from launchgen.gitops import day2

    repo = properties_repo(properties)
    environment = repo.environment(environment)
    target = parse_to(to)
    where = engine_targets(properties, repo.service, environment, options)
    if where is not None:
        done = day2.rollback(
            properties, repo.service, environment, where, by=who(by), to=target,
            dry_run=options["dry_run"],
        )  # fmt: skip
        click.echo(done)
        return
    from launchgen.deploy.engine import rollback

    with open_cluster(**options) as cluster_target:
        outcome = rollback(
            cluster_target, properties, repo.service, environment, by=who(by), to=target
        )
    click.echo(outcome.message)  # after the plan
