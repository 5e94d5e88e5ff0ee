"""`launchgen render`: options -> RenderRequest -> manifests on disk."""

from __future__ import annotations

from pathlib import Path

import click

from launchgen.standard import KUBE_VERSION


@click.command()
@click.argument("properties", metavar="PROPERTIES_REPO...", nargs=-1, required=True)
@click.option(
    "--app-version", help="The artifact version: replaces the appVersion placeholder (image tag)."
)
@click.option(
    "-e",
    "--env",
    "environments",
    multiple=True,
    metavar="ENV",
    help="Environment to render (repeatable). [default: all of the properties repo's]",
)
@click.option(
    "--app-repo", help="App repo folder or git URL. [default: chart.app_repo of .launchgen.yaml]"
)
@click.option("--ref", "properties_ref", help="Git ref of the properties repo to read.")
@click.option("--app-ref", help="Git ref of the app repo to read.")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path),
    default=Path("rendered"),
    show_default=True,
    help="Folder for the output; one sub-folder per environment.",
)
@click.option(
    "--immutable", is_flag=True, help="Immutable deployment: postfix the release and namespace."
)
@click.option(
    "--deployment-id", help="Id the immutable postfix is derived from. [default: the app version]"
)
@click.option(
    "--kube-version",
    default=KUBE_VERSION,
    show_default=True,
    help="Kubernetes version helm renders for.",
)
@click.option(
    "--helm",
    "helm_path",
    metavar="PATH",
    help="helm binary. [default: $LAUNCHGEN_HELM, else helm on PATH]",
)
@click.option("--no-lint", is_flag=True, help="Render even when the repos have lint errors.")
@click.option(
    "--user-credentials",
    is_flag=True,
    help="Let helm use your registry logins and repository credentials (private chart repositories).",
)
@click.option(
    "--plain-http", is_flag=True, help="Fetch charts over plain HTTP (an OCI registry without TLS)."
)
def command(
    properties: tuple[str, ...],
    environments: tuple[str, ...],
    helm_path: str | None,
    no_lint: bool,
    output_dir: Path,
    **options: object,
) -> None:
    """Render PROPERTIES_REPO (a folder, or a git URL with --ref) with its app repo's chart.

    Several properties repos (folders, e.g. a monorepo's services) are rendered in one
    run, each into OUTPUT_DIR/<service>/<env>, every repo's helm runs side by side.

    \b
      launchgen render ../checkout-properties --app-version 1.4.2 --env dev -o rendered
      launchgen render services/*-properties --app-version 1.4.2 -o rendered
    """
    from launchgen.render import RenderRequest, render, render_many

    request = RenderRequest(
        properties=properties[0],
        environments=environments,
        helm=helm_path,
        lint=not no_lint,
        output_dir=output_dir,
        **options,  # type: ignore[arg-type]
    )
    repos = [render(request)] if len(properties) == 1 else render_many(request, properties)
    for rendered in repos:
        for done in rendered:
            click.echo(
                f"rendered {done.environment}: {len(done.manifests)} resources in {done.folder} "
                f"(release {done.release}, namespace {done.namespace})"
            )
