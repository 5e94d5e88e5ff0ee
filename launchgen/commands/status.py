"""`launchgen status`: what is deployed where."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from launchgen.commands.clusteropts import cluster_options, open_cluster, properties_repo


@click.command()
@click.option("--env", "environments", multiple=True, help="Only this environment (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "version"]),
    default="text",
    show_default=True,
    help="version: print only the current app version (empty when nothing is deployed), for scripts.",
)
@cluster_options
def command(
    environments: tuple[str, ...], fmt: str, properties: Path, by: str | None, **cluster: Any
) -> None:
    """Each environment's current deployment from the records, and from the cluster when reachable."""
    from launchgen.deploy.engine import status
    from launchgen.gitops.enginestatus import add_views, describe

    repo = properties_repo(properties)
    chosen = [repo.environment(e) for e in environments] or repo.environments
    if fmt == "version":
        from launchgen import records

        for environment in chosen:
            history = records.load(properties, environment, repo.service)
            current = history.current() if history else None
            click.echo(current["appVersion"] if current else "")
        return
    with open_cluster(**cluster) as target:
        rows = status(target, properties, repo.service, chosen)
        add_views(target, properties, repo.service, rows)  # when an engine deploys the repo
        dry_run = target.dry_run
    if fmt == "json":
        click.echo(json.dumps({"service": repo.service, "environments": rows}, indent=2))
        return
    click.echo(f"{repo.service}:")
    for row in rows:
        if row["appVersion"] is None:
            click.echo(f"  {row['environment']:12} nothing deployed{describe(row.get('engine'))}")
            continue
        state = "approved" if row["approved"] else "awaiting approval"
        live = row["cluster"]
        cluster_text = (
            (
                f"; cluster: {live['status']}"
                + (
                    f", revision {live['revision']}, app {live['appVersion']}"
                    if "revision" in live
                    else ""
                )
            )
            if live
            else ""
            if row["mode"] == "engine"  # published: the engine's view follows, not helm's
            else ("; cluster not queried (dry run)" if dry_run else "; cluster not reachable")
        )
        click.echo(
            f"  {row['environment']:12} {row['appVersion']} (chart {row['chartVersion']}, seq {row['seq']}, "
            f"{state}) release {row['release']} in {row['namespace']}{cluster_text}"
            f"{describe(row.get('engine'))}"
        )
