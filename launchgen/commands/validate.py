"""`launchgen validate`: rendered manifests against Kubernetes schemas and the standard."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from launchgen.errors import EXIT_OK, EXIT_PROBLEMS
from launchgen.report import FORMATS, default_format, render
from launchgen.standard import KUBE_MINOR_VERSION


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--kube-version",
    default=KUBE_MINOR_VERSION,
    show_default=True,
    help="Kubernetes version to validate against.",
)
@click.option(
    "--crds",
    "crd_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of CustomResourceDefinition manifests (repeatable).",
)
@click.option("--namespace", help="The deployment's namespace. [default: from render.json]")
@click.option(
    "--immutable-postfix",
    "postfix",
    default="",
    help="Immutable deployment postfix. [default: from render.json]",
)
@click.option("--app-version", help="Expected app image tag. [default: from render.json]")
@click.option(
    "--schema-location",
    "schema_locations",
    multiple=True,
    metavar="LOCATION",
    help="Extra schemas (repeatable, tried in order): a folder, a file, or a path template in kubeconform's "
    "syntax, e.g. 'catalog/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'. "
    "'default' places the shipped Kubernetes schemas (else tried last). No URLs: offline.",
)
@click.option(
    "--ignore-missing-schemas", is_flag=True, help="Skip kinds without a schema instead of failing."
)
@click.option(
    "--schema-only",
    is_flag=True,
    help="Kubernetes and CRD schemas only, without the standard's checks.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to validate with. [default: 4, or the cores when more, for inputs over 1 MB]",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Report format. [default: text; github under GitHub Actions]",
)
def command(
    paths: tuple[Path, ...],
    kube_version: str,
    crd_dirs: tuple[Path, ...],
    namespace: str | None,
    postfix: str,
    app_version: str | None,
    schema_locations: tuple[str, ...],
    ignore_missing_schemas: bool,
    schema_only: bool,
    jobs: int | None,
    fmt: str | None,
) -> int:
    """Validate manifest files or folders (a `launchgen render` output folder included), offline.

    Folders are read recursively; CRDs in the input validate the custom resources beside
    them. Nothing found to validate is a problem, not a success.

    Exit codes: 0 valid, 1 problems found (or no resources found), 2 usage,
    configuration or environment error.
    """
    from launchgen.checks import of_kind
    from launchgen.display import printable
    from launchgen.validate import ValidateOptions, validate

    options = ValidateOptions(
        kube_version,
        crd_dirs,
        namespace,
        postfix,
        bool(postfix),
        app_version,
        ignore_missing_schemas,
        schema_only,
        schema_locations,
        jobs,
    )
    result = validate(paths, options)
    output = render(
        result.problems,
        fmt or default_format(),
        color=sys.stdout.isatty(),
        tool="launchgen validate",
        rule_help={check.id: check.summary for check in of_kind("validate")},
    )
    click.echo(output, nl=False)
    errors = sum(1 for p in result.problems if p.severity == "error")
    if not result.problems and (fmt or default_format()) == "text":
        skipped = f", {result.skipped} skipped (no schema)" if result.skipped else ""
        click.echo(
            f"{result.resources} resources in {result.files} files valid for Kubernetes "
            f"{printable(result.kube_version)}{skipped}"
        )
    return EXIT_PROBLEMS if errors else EXIT_OK
