"""`launchgen diff OLD NEW`: is appVersion the only thing of consequence that changed?"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from launchgen.errors import EXIT_OK, EXIT_PROBLEMS


def _render_pair(
    properties: str,
    environment: str | None,
    sides: list[tuple[str, str | None]],
    helm: str | None,
    workdir: Path,
) -> tuple[Path, Path]:
    """Render the properties repo for each (app version, git ref): two render roots, one
    environment or (without --env) every environment each revision has."""
    from launchgen.render import RenderRequest, render

    roots = []
    for label, (version, ref) in zip(("old", "new"), sides, strict=False):
        request = RenderRequest(
            properties=properties,
            app_version=version,
            environments=(environment,) if environment else (),
            properties_ref=ref,
            output_dir=workdir / label,
            helm=helm,
            lint=False,
        )
        render(request)
        roots.append(workdir / label)
    return roots[0], roots[1]


@click.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--old-version", help="App version of OLD [default: its app.kubernetes.io/version label]."
)
@click.option(
    "--new-version", help="App version of NEW [default: its app.kubernetes.io/version label]."
)
@click.option(
    "--render",
    "properties",
    metavar="PROPERTIES_REPO",
    help="Render on the fly: OLD and NEW are app versions of this properties repo's chart.",
)
@click.option(
    "--env",
    "environment",
    help="With --render: the environment to render [default: every environment].",
)
@click.option(
    "--old-ref",
    help="With --render: the properties repo's git revision for OLD [default: its files as they are].",
)
@click.option(
    "--new-ref",
    help="With --render: the properties repo's git revision for NEW [default: its files as they are].",
)
@click.option("--helm", "helm_path", metavar="PATH", help="With --render: the helm binary.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def command(
    old: str,
    new: str,
    old_version: str | None,
    new_version: str | None,
    properties: str | None,
    environment: str | None,
    old_ref: str | None,
    new_ref: str | None,
    helm_path: str | None,
    fmt: str,
) -> int:
    """Compare two rendered deployments by resource and field: two render folders, two
    render roots (every environment, compared one by one), two bundles, or (with
    --render) two app versions rendered on the fly.

    Each change is classified as derived from the app version (image tag, version
    labels, names carrying the immutable postfix) or not. Exit 0 when every change is
    app-version-derived, 1 when anything else changed.

    \b
      launchgen diff rendered-1.4/prod rendered-1.5/prod
      launchgen diff 1.4.2 1.5.0 --render ../checkout-properties --env prod --old-ref origin/main --new-ref HEAD
    """
    import tempfile

    from launchgen.diff import compare, report
    from launchgen.diff.manifests import load_side
    from launchgen.errors import LaunchgenError

    if not properties and (environment or old_ref or new_ref):
        raise LaunchgenError("--env, --old-ref and --new-ref go with --render PROPERTIES_REPO")
    with tempfile.TemporaryDirectory(prefix="launchgen-diff-") as scratch:
        if properties:
            sides = [(old, old_ref), (new, new_ref)]
            old_path, new_path = _render_pair(
                properties, environment, sides, helm_path, Path(scratch)
            )
            old_version, new_version = old_version or old, new_version or new
        else:
            old_path, new_path = Path(old), Path(new)
        result = compare(load_side(old_path), load_side(new_path), old_version, new_version)
    if fmt == "json":
        click.echo(report.as_json(result), nl=False)
    else:
        click.echo(report.text(result, color=sys.stdout.isatty()), nl=False)
    return EXIT_OK if result.only_app_version else EXIT_PROBLEMS
