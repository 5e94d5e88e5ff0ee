"""`launchgen deploy`: a verified bundle onto the cluster, monitored, recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from launchgen.commands.clusteropts import cluster_options, open_cluster, properties_repo, who


@click.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "public_key",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Public key the bundle must be signed with.",
)
@click.option("--env", "environment", help="Environment to deploy to; must match the bundle's.")
@click.option(
    "--timeout",
    default="5m",
    show_default=True,
    help="How long to wait for readiness, and for the tests.",
)
@click.option("--no-tests", is_flag=True, help="Skip the chart's helm tests after readiness.")
@click.option(
    "--allow-chart-only-upgrade",
    is_flag=True,
    help="Allow a new chart version with the live app version.",
)
@cluster_options
def command(
    bundle: Path,
    public_key: Path,
    environment: str | None,
    timeout: str,
    no_tests: bool,
    allow_chart_only_upgrade: bool,
    properties: Path,
    by: str | None,
    **cluster: Any,
) -> None:
    """Verify BUNDLE, helm upgrade --install it, wait, run its tests, and record it.

    A deployment that does not become ready or fails its tests is rolled back (the
    previous revision in place; an immutable deployment's namespace is removed) and
    the command exits 1. Success is appended to deployments/ENV.yaml, pending approval.
    """
    from launchgen.deploy.engine import deploy
    from launchgen.deploy.source import for_properties_repo
    from launchgen.helmargv import check_timeout

    check_timeout(timeout)
    repo = properties_repo(properties)
    source = for_properties_repo(
        bundle, public_key, properties, repo.service, repo.environments, environment
    )
    with open_cluster(**cluster) as target:
        outcome = deploy(
            target,
            source,
            properties,
            by=who(by),
            timeout=timeout,
            run_tests=not no_tests,
            allow_chart_only_upgrade=allow_chart_only_upgrade,
        )
    click.echo(outcome.message)
