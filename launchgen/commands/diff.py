"""`launchgen diff OLD NEW`: is appVersion the only thing of consequence that changed?"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from launchgen.cli import reports_errors
from launchgen.errors import EXIT_OK, EXIT_PROBLEMS


@click.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--old-version", help="App version of OLD [default: its app.kubernetes.io/version label].")
@click.option("--new-version", help="App version of NEW [default: its app.kubernetes.io/version label].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reports_errors
def command(old: Path, new: Path, old_version: str | None, new_version: str | None, fmt: str) -> None:
    """Compare two rendered deployments (folders of manifests or bundles) by resource and field.

    Each change is classified as derived from the app version (image tag, version
    labels, names carrying the immutable postfix) or not. Exit 0 when every change is
    app-version-derived, 1 when anything else changed.
    """
    from launchgen.diff import diff_manifests
    from launchgen.diff import report
    from launchgen.diff.manifests import load

    result = diff_manifests(load(old), load(new), old_version, new_version)
    if fmt == "json":
        click.echo(report.as_json(result), nl=False)
    else:
        click.echo(report.text(result, color=sys.stdout.isatty()), nl=False)
    sys.exit(EXIT_OK if result.only_app_version else EXIT_PROBLEMS)
