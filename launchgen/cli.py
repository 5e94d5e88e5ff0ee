"""The `launchgen` command line: parse options, call the API, map errors to exit codes.

Commands import what they need when they run, so `launchgen --help` and shell
completion stay fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from launchgen import __version__
from launchgen.errors import EXIT_ERROR, LaunchgenError

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn LaunchgenError into one red line and its exit code; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LaunchgenError as exc:
            click.secho(f"launchgen: error: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("launchgen: interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            from launchgen.crash import write_crash_log

            log = write_crash_log(exc)
            click.secho(
                f"launchgen: internal error: {type(exc).__name__}: {exc} (details in {log}; please report it)",
                fg="red",
                err=True,
            )
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="launchgen")
def main() -> None:
    """Helm-based continuous deployment, the Launch platform way.

    Exit codes: 0 success, 1 problems found, 2 usage, configuration or
    environment error.
    """


def _split_envs(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


@main.command()
@click.argument("name")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder to create the repos in.")
@click.option("--envs", "environments", metavar="A,B,C", help="Environments, in promotion order. [default: dev,test,prod]")
@click.option("--registry", help="Container registry the image is pushed to. [default: registry.example.com]")
@click.option("--chart-repository", help="Repository of the Launch chart (https:// or oci://). [default: vendor the shipped chart]")
@click.option("--launch-chart-version", help="Exact Launch chart version to pin.")
@click.option("--middleware", is_flag=True, help="Generate a middleware properties repo for a vendor chart.")
@click.option("--chart", "vendor_chart", metavar="REPOSITORY/NAME", help="Middleware: the vendor chart, e.g. oci://registry-1.docker.io/bitnamicharts/postgresql.")
@click.option("--chart-version", help="App: the umbrella chart's first version [0.1.0]. Middleware: the exact vendor chart version.")
@click.option("--chart-digest", help="Middleware: the vendor chart's sha256 digest, where its source gives one.")
@click.option("--ci", type=click.Choice(["github", "gitlab"]), help="CI system of the generated pipelines. [default: github]")
@click.option("--description", help="One line saying what the service is.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Org config file (see docs/configuration.md).")
@click.option("--force", is_flag=True, help="Add missing files to existing folders; never overwrites or deletes.")
@click.option("--no-git", is_flag=True, help="Do not make git repositories.")
@click.option("-i", "--interactive", is_flag=True, help="Prompt for each answer.")
@reports_errors
def new(name: str, output_dir: Path, environments: str | None, config_path: str | None, **options: Any) -> None:
    """Generate the app repo NAME/ and properties repo NAME-properties/ of a microservice.

    With --middleware, generate NAME-properties/ for a vendor chart instead:

      launchgen new orders-db --middleware --chart oci://registry-1.docker.io/bitnamicharts/postgresql --chart-version 16.4.1
    """
    from launchgen.commands.new import NewRequest, run_new

    request = NewRequest(
        name=name,
        output_dir=output_dir,
        environments=_split_envs(environments),
        config_path=config_path,
        **options,
    )
    for line in run_new(request):
        click.echo(line)
