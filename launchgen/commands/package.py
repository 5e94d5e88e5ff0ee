"""`launchgen package`: a rendered environment -> a signed deployment bundle."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("render_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The bundle to write (.tar.gz); never an existing file unless --force.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Private signing key (PEM). [default: $LAUNCHGEN_SIGNING_KEY]",
)
@click.option(
    "--kube-version", help="Kubernetes version to validate against. [default: the one rendered for]"
)
@click.option(
    "--crds",
    "crd_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of CRD schemas for validation (repeatable).",
)
@click.option(
    "--no-validate", is_flag=True, help="Package without validating (the statement then says so)."
)
def command(
    render_dir: Path,
    output: Path,
    force: bool,
    key: Path | None,
    kube_version: str | None,
    crd_dirs: tuple[Path, ...],
    no_validate: bool,
) -> None:
    """Validate RENDER_DIR (one environment of `launchgen render`), then bundle and sign it.

    \b
      launchgen package rendered/prod --key launchgen-signing.key -o checkout-prod-1.4.2.tar.gz
    """
    from launchgen.bundle import PackageRequest, package
    from launchgen.display import printable

    done = package(
        PackageRequest(render_dir, output, key, not no_validate, kube_version, crd_dirs, force)
    )
    against = (
        f"validated against Kubernetes {done.validated_against}"
        if done.validated_against
        else "not validated"
    )
    click.echo(
        f"packaged {printable(str(done.path))}: {done.files} files, signed by {done.key_id}, {printable(against)}"
    )
